"""docs/exchange.md shows the field list the code writes: the two cannot drift."""

from __future__ import annotations

from pathlib import Path

from zhiyuan.exchange import fields

DOC = Path(__file__).resolve().parents[4] / "docs" / "exchange.md"


def block(name: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    return text[text.index(start) + len(start) : text.index(end)].strip()


def test_the_field_table_is_the_codes():
    assert block("fields") == fields.markdown_table(), (
        "docs/exchange.md's field table differs from zhiyuan.exchange.fields: paste "
        "fields.markdown_table() between the markers."
    )


def test_the_transfer_columns_are_the_codes():
    assert block("transfer-columns") == fields.transfer_table()


def test_the_doc_names_the_version():
    assert f"version {fields.VERSION}" in DOC.read_text(encoding="utf-8")
