"""Roster import and the hours export in a real browser.

- the district office uploads its roster (a merged title row, Chinese titles, one bad
  check digit, one bad phone, one person already registered), checks the columns, starts
  the import, sees the result and downloads the error report.
- a roster with skill words the platform does not know: the office maps two, ignores one,
  imports, and downloads the report (the rest are imported without the value, warned).
- the office exports a year of service hours: the export waits in the queue with its
  progress bar, the worker (`zhiyuan worker --burst`, the database task backend) writes it,
  the page shows the download link, and the file opens (a sheet per month).
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook, load_workbook
from playwright.sync_api import expect

from zhiyuan.spreadsheets.models import ExportJob, ImportJob
from zhiyuan.testing.factories import PASSWORD, id_number
from zhiyuan.volunteers.idcard import generate_gb11643
from zhiyuan.volunteers.models import Volunteer

pytestmark = pytest.mark.e2e


def roster_file(path) -> None:
    good = [generate_gb11643("120101", dt.date(1988, 8, 8), n) for n in (31, 32, 33)]
    bad_check = good[2][:17] + ("0" if good[2][17] != "0" else "1")
    book = Workbook()
    sheet = book.active
    sheet.append(["新兴街道志愿者花名册"])
    sheet.merge_cells("A1:E1")
    sheet.append(["序号", "名字", "证件号码", "联系电话", "社区"])
    sheet.append([1, "吴一", good[0], "13900000031", "新兴社区"])
    sheet.append([2, "吴二", good[1].lower(), "13900000032", "朝阳社区"])
    sheet.append([3, "吴三", bad_check, "13900000033", "新兴社区"])
    sheet.append(
        [4, "吴四", generate_gb11643("120101", dt.date(1988, 8, 8), 34), "1390", "新兴社区"]
    )
    sheet.append([5, "张卡洛", id_number(1), "13800000001", "新兴社区"])
    book.save(path)


def test_office_imports_a_roster_with_bad_rows_and_downloads_the_error_report(
    cast, new_page, sign_in, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    path = tmp_path / "花名册.xlsx"
    roster_file(path)
    page = new_page()
    # The import runs inside the request (immediate task backend): give a busy machine time.
    page.set_default_timeout(30_000)
    expect.set_options(timeout=30_000)
    sign_in(page, "alice", PASSWORD)
    page.goto("/imports/")
    form = page.locator("#upload-form")
    form.locator("input[type=file]").set_input_files(str(path))
    form.locator("input[name=consent_confirmed]").check()
    form.locator("button[type=submit]").click()

    expect(page.locator("#mapping-form")).to_be_visible()
    # The header was found under the title row, and the columns guessed.
    expect(page.locator("#id_header_row")).to_have_value("2")
    expect(page.locator("#id_map_id_number")).to_have_value("2")
    expect(page.locator("#id_map_phone")).to_have_value("3")
    # The preview shows ID numbers masked only.
    expect(page.locator("#file-preview")).not_to_contain_text(id_number(1))
    page.locator("#start-import").click()

    expect(page.locator("#job-status")).to_have_attribute("data-status", "done")
    expect(page.locator("#import-issues tbody tr")).to_have_count(3)
    job = ImportJob.objects.get()
    assert (job.imported, job.errors, job.duplicates) == (2, 2, 1)
    assert set(
        Volunteer.objects.filter(real_name__startswith="吴").values_list("real_name", flat=True)
    ) == {"吴一", "吴二"}

    with page.expect_download() as info:
        page.locator("#error-report-link").click()
    download = info.value
    report = load_workbook(io.BytesIO(download.path().read_bytes()), read_only=True)
    rows = list(report.worksheets[0].iter_rows(values_only=True))[2:]  # title, header
    assert [row[0] for row in rows] == [5, 6, 7]
    assert [row[1] for row in rows] == ["证件号码", "联系电话", "证件号码"]


def test_office_maps_unknown_skill_words_then_imports_everyone(
    cast, new_page, sign_in, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    people = [generate_gb11643("120101", dt.date(1979, 9, 9), n) for n in range(41, 46)]
    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "身份证号", "手机号", "社区", "技能"])
    for n, (number, skills) in enumerate(
        zip(people, ["飞行", "飞行、茶艺", "无", "摄像机", "义务指路"], strict=True)
    ):
        sheet.append([f"郑{n}", number, f"139000000{41 + n}", "新兴社区", skills])
    path = tmp_path / "技能.xlsx"
    book.save(path)

    page = new_page()
    page.set_default_timeout(30_000)
    expect.set_options(timeout=30_000)
    sign_in(page, "alice", PASSWORD)
    page.goto("/imports/")
    form = page.locator("#upload-form")
    form.locator("input[type=file]").set_input_files(str(path))
    form.locator("input[name=consent_confirmed]").check()
    form.locator("button[type=submit]").click()

    table = page.locator("#unknown-values")
    expect(table.locator("tbody tr")).to_have_count(4)
    expect(table.locator("tbody tr").first).to_contain_text("飞行")
    expect(table.locator("tbody tr").first).to_contain_text("2")
    page.get_by_label("处理方式: 飞行").select_option("driving")
    page.get_by_label("处理方式: 茶艺").select_option("create")
    page.get_by_label("处理方式: 无").select_option("ignore")
    page.locator("#save-values").click()
    # Only the word left without a choice is still listed.
    expect(page.locator("#unknown-values tbody tr")).to_have_count(1)
    expect(page.locator("#unknown-values")).to_contain_text("摄像机")
    page.locator("#start-import").click()

    expect(page.locator("#job-status")).to_have_attribute("data-status", "done")
    expect(page.locator("#job-warnings")).to_be_visible()
    job = ImportJob.objects.get()
    assert (job.imported, job.errors, job.warnings) == (5, 0, 1)
    assert set(Volunteer.objects.get(real_name="郑1").skills.values_list("name", flat=True)) == {
        "驾驶",
        "茶艺",
    }
    with page.expect_download() as info:
        page.locator("#error-report-link").click()
    report = load_workbook(io.BytesIO(info.value.path().read_bytes()), read_only=True)
    rows = list(report.worksheets[0].iter_rows(values_only=True))[2:]
    assert [(row[1], row[2]) for row in rows] == [("技能", "摄像机")]


def test_office_exports_a_year_of_hours_with_the_progress_bar_and_opens_the_file(
    corps, new_page, sign_in, export_downloaded, settings, tmp_path
):
    from decimal import Decimal

    from django_tasks_db.models import DBTaskResult

    from zhiyuan.service.models import ServiceRecord

    settings.DATA_DIR = tmp_path
    # The real queue: the export waits until a worker takes it.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    year = dt.date.today().year - 1
    ServiceRecord.objects.bulk_create(
        ServiceRecord(
            volunteer=volunteer,
            team=corps.squad_1a,
            served_on=dt.date(year, month, 12),
            hours=Decimal(2),
            persons_served=1,
            content="文明礼让日路口引导",
            source=ServiceRecord.Source.MEASURED,
            state=ServiceRecord.State.APPROVED,
            recorded_by=corps.alice,
        )
        for month in range(1, 13)
        for volunteer in (corps.carol, corps.dave)
    )
    page = new_page()
    sign_in(page, "alice", PASSWORD)
    page.goto("/imports/exports/")
    form = page.locator("#export-form")
    form.locator("input[name=date_from]").fill(f"{year}-01-01")
    form.locator("input[name=date_to]").fill(f"{year}-12-31")
    page.locator("#export-hours").click()
    download = export_downloaded(page)
    assert download.suggested_filename == f"服务时长-{year}0101-{year}1231.xlsx"
    book = load_workbook(io.BytesIO(download.path().read_bytes()), read_only=True)
    assert book.sheetnames == ["志愿者服务时长"] + [
        f"志愿服务记录 {year}-{month:02d}" for month in range(1, 13)
    ]
    header, *totals = book["志愿者服务时长"].iter_rows(min_row=2, values_only=True)
    name, hours = header.index("真实姓名"), header.index("已认定时长")
    assert sorted((row[name], row[hours]) for row in totals) == [("张卡洛", 24), ("李大卫", 24)]
    # The file is deleted a day later by a task already waiting in the queue.
    job = ExportJob.objects.get()
    purge = DBTaskResult.objects.get(task_path__endswith="purge_exports")
    assert job.expires_at < purge.run_after < job.expires_at + dt.timedelta(minutes=5)
