"""Import memory: a small upload must not make the server build a huge grid or unpack a bomb.

A reader builds a sheet's whole grid, from A1 to the farthest cell, in memory: a 5 KB .xlsx
with one far-away cell once cost 640 MB, and a 45 KB file that unzips to 40 MB was
accepted. The declared dimension, the cells' references and the unpacked sizes are checked
before reading, against the limits stated in the README.
"""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.utils import translation
from openpyxl import Workbook

from zhiyuan.core.errors import ValidationFailed
from zhiyuan.spreadsheets import reading, services
from zhiyuan.spreadsheets.models import ImportJob

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    settings.DATA_DIR = tmp_path


@pytest.fixture(autouse=True)
def _english():
    """The assertions read the English reasons (the page test reads the numbers only)."""
    with translation.override("en"):
        yield


def roster(**far_cells) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "身份证号", "手机号"])
    sheet.append(["王小明", "11010519491231002X", "13900000001"])
    for ref, value in far_cells.items():
        sheet[ref] = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rewrite(data: bytes, change) -> bytes:
    """The same .xlsx with each worksheet part's text passed through `change`."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for part in source.infolist():
            content = source.read(part)
            if part.filename.startswith("xl/worksheets/"):
                content = change(content)
            target.writestr(part, content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def refusal(cast, data: bytes) -> str:
    with pytest.raises(ValidationFailed) as err:
        services.create_job(actor=cast.alice, name="r.xlsx", data=data, consent_confirmed=True)
    assert not ImportJob.objects.exists()
    return err.value.errors["file"][0]


def test_one_far_away_row_is_refused_before_reading(cast):
    data = roster(A300001="远")
    assert len(data) < 10_000
    assert "300,001" in refusal(cast, data)


def test_one_far_away_column_is_refused_before_reading(cast):
    assert "703" in refusal(cast, roster(AAA1="远"))


def test_a_grid_of_too_many_cells_is_refused(cast, monkeypatch):
    monkeypatch.setattr(reading, "MAX_SHEET_CELLS", 1000)
    assert "cells" in refusal(cast, roster(ZZ100="远"))


def test_a_dimension_that_lies_does_not_hide_a_far_away_cell(cast):
    data = rewrite(roster(A400000="远"), lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', b"", xml))
    assert "400,000" in refusal(cast, data)


def test_a_declared_dimension_past_the_limits_is_refused(cast):
    data = rewrite(
        roster(),
        lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', xml),
    )
    assert "1,048,576" in refusal(cast, data)


def test_a_zip_bomb_is_refused(cast):
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(roster())) as source, zipfile.ZipFile(buffer, "w") as target:
        for part in source.infolist():
            target.writestr(part, source.read(part), compress_type=zipfile.ZIP_DEFLATED)
        target.writestr(
            "xl/media/padding.xml", b" " * (40 * 2**20), compress_type=zipfile.ZIP_DEFLATED
        )
    data = buffer.getvalue()
    assert len(data) < 100_000
    assert "times its size" in refusal(cast, data)


def test_the_refusal_is_shown_on_the_upload_page(cast, client_for):
    upload = io.BytesIO(roster(A300001="远"))
    upload.name = "r.xlsx"
    response = client_for(cast.alice).post("/imports/", {"file": upload, "consent_confirmed": "on"})
    assert response.status_code == 400
    assert "300,001" in response.content.decode()
