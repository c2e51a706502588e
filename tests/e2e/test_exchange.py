"""Exchange with the national system in a real browser.

- the district office exports its region for a period: the export is written in the
  background, the job's page shows its progress, then the download link; the file's header
  names the format and version, and carol's service record is there, her ID number masked.
- the office transfers in a file of records made elsewhere, then the same file again: the
  second time nothing is added; carol's hours count the transferred hours once, apart.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from zhiyuan.service.models import HoursTotal, ServiceRecord, TransferredRecord
from zhiyuan.testing.factories import PASSWORD, days_ago, id_number

pytestmark = pytest.mark.e2e


def test_office_exports_its_region_with_the_progress_bar_and_opens_the_file(
    corps, new_page, sign_in, export_downloaded, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    # The real queue: the export waits until a worker takes it.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    ServiceRecord.objects.create(
        volunteer=corps.carol,
        team=corps.squad_1a,
        served_on=days_ago(3),
        hours=Decimal("2.50"),
        content="义务指路",
        source=ServiceRecord.Source.ENTERED,
        state=ServiceRecord.State.APPROVED,
        recorded_by=corps.alice,
    )
    page = new_page()
    sign_in(page, "alice", PASSWORD)
    page.goto("/exchange/")
    form = page.locator("#export-form")
    form.locator("input[name=start]").fill(days_ago(30).isoformat())
    form.locator("input[name=end]").fill(days_ago(0).isoformat())
    page.locator("#export-exchange").click()
    download = export_downloaded(page)
    assert download.suggested_filename.endswith(".jsonl")
    header, *records = [
        json.loads(line) for line in download.path().read_text(encoding="utf-8").splitlines()
    ]
    assert (header["格式"], header["版本"], header["导出范围"]) == (
        "zhiyuan-exchange",
        "1.0",
        "示范区",
    )
    service = [r for r in records if r["记录类型"] == "志愿服务记录"]
    assert [(r["本系统志愿者编号"], r["服务时长"]) for r in service] == [
        (corps.carol.volunteer_no, "2.50")
    ]
    assert service[0]["证件号码"] == corps.carol.id_number_masked
    assert id_number(1) not in download.path().read_text(encoding="utf-8")
    page.locator("#export-asked-on").click()
    expect(page.locator("#exchange-exports")).to_contain_text("可以下载")


def transfer_file(path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["外区志愿服务记录（转移接续）"])
    sheet.append(
        [
            "服务记录编号",
            "姓名",
            "身份证号码",
            "服务日期",
            "服务时长(小时)",
            "志愿服务组织",
            "服务内容",
        ]
    )
    sheet.append(
        ["W-1", "张卡洛", id_number(1), days_ago(40).isoformat(), 3.5, "外区志愿者协会", "社区助老"]
    )
    sheet.append(
        ["W-2", "张卡洛", id_number(1), days_ago(20).isoformat(), 1, "外区志愿者协会", "文明交通"]
    )
    book.save(path)


def test_a_transfer_file_imported_twice_counts_once(cast, new_page, sign_in, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    path = tmp_path / "转移接续.xlsx"
    transfer_file(path)
    page = new_page()
    sign_in(page, "alice", PASSWORD)
    for added, held in ((2, 0), (0, 2)):
        page.goto("/exchange/")
        form = page.locator("#transfer-form")
        form.locator("input[name=source]").fill("全国志愿服务信息系统")
        form.locator("input[type=file]").set_input_files(str(path))
        page.locator("#transfer-in").click()
        expect(page.locator(".flash.success")).to_contain_text(f"{added} 条记录")
        latest = page.locator("#batches tbody tr").first
        expect(latest.locator(".added")).to_have_text(str(added))
        expect(latest.locator(".held")).to_have_text(str(held))
    assert TransferredRecord.objects.count() == 2
    assert HoursTotal.objects.get(volunteer=cast.carol).approved_hours == Decimal("4.5")

    carol = new_page(phone=True)
    sign_in(carol, "carol", PASSWORD)
    carol.goto("/service/hours/")
    expect(carol.locator("#total-hours")).to_have_text("4.50")
    expect(carol.locator("#transferred-hours")).to_have_text("4.50")
    expect(carol.locator("#transferred tbody tr")).to_have_count(2)
    expect(carol.locator("#transferred")).to_contain_text("全国志愿服务信息系统")
