"""Workbooks as offices send them: several sheets (one chosen, or every sheet with the same
header), .ods files, CSV in each encoding, and the size checks of every packed format."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from zhiyuan.core.errors import ValidationFailed
from zhiyuan.spreadsheets import reading, services
from zhiyuan.spreadsheets.models import ImportJob
from zhiyuan.testing.factories import csv_bytes, person_id
from zhiyuan.volunteers.models import Volunteer

pytestmark = pytest.mark.django_db
HEADER = ["姓名", "身份证号", "手机号", "社区"]


def upload(actor, name, data) -> ImportJob:
    return services.create_job(actor=actor, name=name, data=data, consent_confirmed=True)


def run(actor, job) -> ImportJob:
    services.start_job(actor=actor, job=job)
    return services.run_job(job.pk)


def workbook(sheets: dict[str, list[list]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def person(n: int, name: str, community: str = "新兴社区", phone: str | None = None) -> list:
    return [name, person_id(n), phone or f"139000001{n:02d}", community]


def months() -> bytes:
    return workbook(
        {
            "填表说明": [["请按表头填写，身份证号列设为文本。"]],
            "一月": [HEADER, person(60, "甲一"), person(61, "甲二")],
            "二月": [HEADER, person(62, "乙一"), person(63, "乙二", phone="1390")],
            "汇总": [["社区", "人数"], ["新兴社区", 4]],
        }
    )


def test_the_first_sheet_with_a_header_is_read_and_another_can_be_chosen(cast):
    job = upload(cast.alice, "月报.xlsx", months())
    # The notes sheet comes first: the first sheet with a header row is taken.
    assert (job.sheets, job.sheet, job.total) == (["填表说明", "一月", "二月", "汇总"], "一月", 2)
    job = services.choose_sheet(actor=cast.alice, job=job, sheet="二月")
    assert (job.sheet, job.total, job.mapping["phone"]) == ("二月", 2, 2)
    job = run(cast.alice, job)
    assert (job.imported, job.errors) == (1, 1)
    assert Volunteer.objects.filter(real_name__in=["甲一", "甲二", "乙一"]).count() == 1
    with pytest.raises(ValidationFailed) as refused:
        services.choose_sheet(
            actor=cast.alice, job=upload(cast.alice, "x.xlsx", months()), sheet="填表说明"
        )
    assert "sheet" in refused.value.errors


def test_every_sheet_with_the_same_header_is_imported_and_rows_name_their_sheet(cast):
    job = upload(cast.alice, "月报.xlsx", months())
    job = services.choose_sheet(actor=cast.alice, job=job, sheet="一月", all_sheets=True)
    # 一月 and 二月 share the header; the notes and the summary do not.
    assert job.total == 4
    job = run(cast.alice, job)
    assert (job.imported, job.errors) == (3, 1)
    issue = job.issues.get()
    assert (issue.row_label, issue.column) == ("二月!3", "手机号")
    report = load_workbook(io.BytesIO(job.error_report.open("rb").read()), read_only=True)
    rows = list(report.worksheets[0].iter_rows(values_only=True))
    assert rows[1][-1] == "工作表" and (rows[2][0], rows[2][-1]) == (3, "二月")


def test_the_api_chooses_every_sheet_and_reports_the_sheet_of_each_issue(cast, client_for):
    job = upload(cast.alice, "月报.xlsx", months())
    client = client_for(cast.alice)
    chosen = client.put(
        f"/api/v1/imports/{job.pk}/mapping",
        {"sheet": "一月", "all_sheets": True},
        content_type="application/json",
    )
    assert chosen.status_code == 200 and chosen.json()["total"] == 4
    run(cast.alice, ImportJob.objects.get(pk=job.pk))
    issues = client.get(f"/api/v1/imports/{job.pk}/issues").json()
    assert [(i["sheet"], i["row"]) for i in issues] == [("二月", 3)]


def test_the_review_page_offers_the_sheets(cast, client_for):
    job = upload(cast.alice, "月报.xlsx", months())
    client = client_for(cast.alice)
    page = client.get(f"/imports/{job.pk}/columns/").content.decode()
    assert 'id="sheet-form"' in page and "二月" in page
    client.post(
        f"/imports/{job.pk}/columns/", {"choose_sheet": "1", "sheet": "一月", "all_sheets": "on"}
    )
    job.refresh_from_db()
    assert (job.all_sheets, job.total) == (True, 4)
    assert "一月、二月" in client.get(f"/imports/{job.pk}/columns/").content.decode()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_each_encoding_offices_save(cast, encoding):
    rows = [HEADER, person(70, "丙一"), person(71, "丙二", community="朝阳社区")]
    job = run(cast.alice, upload(cast.alice, "名册.csv", csv_bytes(rows, encoding)))
    assert (job.imported, job.errors) == (2, 0)
    assert set(
        Volunteer.objects.filter(real_name__startswith="丙").values_list("real_name", flat=True)
    ) == {
        "丙一",
        "丙二",
    }
    assert Volunteer.objects.get(real_name="丙二").community == cast.a2


# ---------------------------------------------------------------- .ods

TABLE_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)


def ods_row(cells: list[str], repeat: int = 1, empty_columns: int = 0) -> str:
    repeated = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    filled = "".join(
        f'<table:table-cell office:value-type="string"><text:p>{c}</text:p></table:table-cell>'
        for c in cells
    )
    blank = (
        f'<table:table-cell table:number-columns-repeated="{empty_columns}"/>'
        if empty_columns
        else ""
    )
    return f"<table:table-row{repeated}>{filled}{blank}</table:table-row>"


def ods(tables: dict[str, str]) -> bytes:
    body = "".join(
        f'<table:table table:name="{n}">{rows}</table:table>' for n, rows in tables.items()
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {TABLE_NS} '
        f'office:version="1.2"><office:body><office:spreadsheet>{body}'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "mimetype",
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        archive.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
            '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
            '<manifest:file-entry manifest:full-path="/" manifest:media-type='
            '"application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>',
        )
        archive.writestr("content.xml", content)
    return buffer.getvalue()


def test_an_ods_roster_is_imported_with_libreoffices_empty_rest_of_the_sheet(cast):
    rows = "".join(ods_row(r, empty_columns=1000) for r in [HEADER, person(80, "丁一")])
    # LibreOffice ends each sheet with a million repeated empty rows: nothing to refuse.
    rows += ods_row([], repeat=1_048_000, empty_columns=1024)
    job = run(cast.alice, upload(cast.alice, "名册.ods", ods({"名单": rows})))
    assert (job.file_format, job.imported) == ("ods", 1)
    assert Volunteer.objects.filter(real_name="丁一").exists()


def test_an_ods_whose_row_repeats_past_the_limit_is_refused_before_reading(cast):
    bomb = ods_row(HEADER) + ods_row(person(81, "戊一"), repeat=reading.MAX_SHEET_ROWS + 1)
    data = ods({"名单": bomb})
    assert len(data) < 2000
    with pytest.raises(ValidationFailed) as refused:
        upload(cast.alice, "炸弹.ods", data)
    assert "300,000" in refused.value.errors["file"][0]
    assert not ImportJob.objects.exists()


def test_an_ods_whose_cells_repeat_past_the_limit_is_refused(cast):
    wide = '<table:table-row><table:table-cell office:value-type="string" ' + (
        f'table:number-columns-repeated="{reading.MAX_SHEET_COLUMNS + 1}"><text:p>x</text:p>'
        "</table:table-cell></table:table-row>"
    )
    with pytest.raises(ValidationFailed) as refused:
        reading.check_limits(ods({"名单": ods_row(HEADER) + wide}), "ods")
    assert str(reading.MAX_SHEET_COLUMNS) in refused.value.errors["file"][0]


def test_a_packed_ods_that_unpacks_too_far_is_refused(cast, monkeypatch):
    monkeypatch.setattr(reading, "MAX_UNPACKED_BYTES", 10_000)
    data = ods({"名单": ods_row(HEADER) + ods_row(["x" * 20_000])})
    with pytest.raises(ValidationFailed) as refused:
        reading.check_limits(data, "ods")
    assert "MB" in refused.value.errors["file"][0]


def test_the_command_imports_every_sheet_with_the_same_header(cast, tmp_path):
    from django.core.management import call_command

    path = tmp_path / "月报.xlsx"
    path.write_bytes(months())
    out = io.StringIO()
    call_command("import", "volunteers", str(path), "--as", "alice", "--all-sheets", stdout=out)
    assert "4 rows, 3 imported, 0 duplicates skipped, 1 rows with errors" in out.getvalue()
    report = load_workbook(tmp_path / "月报-errors.xlsx", read_only=True)
    assert list(report.worksheets[0].iter_rows(values_only=True))[2][-1] == "二月"
