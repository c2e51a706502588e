"""Roster files made in the tests: real .xlsx (openpyxl) and .csv bytes."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from zhiyuan.volunteers.idcard import generate_gb11643


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    settings.DATA_DIR = tmp_path


def person_id(n: int, *, birth=dt.date(1992, 3, 4), place="120101") -> str:
    """A valid GB 11643 number; `n` up to 999 per birth date."""
    return generate_gb11643(place, birth, n)


def xlsx(rows: list[list], *, title: str | None = None, merge_title_over: int = 0) -> bytes:
    """An .xlsx whose first sheet holds `rows`; optionally a merged title row above them."""
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
        if merge_title_over:
            sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=merge_title_over)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list[str]], encoding: str) -> bytes:
    text = "\r\n".join(",".join(cells) for cells in rows) + "\r\n"
    return text.encode(encoding)


def read_xlsx(data: bytes, sheet: int = 0) -> list[tuple]:
    """The rows of a written sheet under its title row: the header first, then the data."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True)
    return [tuple(row) for row in book.worksheets[sheet].iter_rows(values_only=True)][1:]
