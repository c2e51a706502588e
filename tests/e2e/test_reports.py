"""Statistics journey in a real browser: the district admin opens the dashboard, narrows the
period, downloads the workbook, generates the yearly report and downloads the .docx; an
approval shows on the dashboard at once (the rollups are refreshed by the task)."""

from __future__ import annotations

import io

import pytest
from docx import Document
from openpyxl import load_workbook
from playwright.sync_api import expect

from zhiyuan.reports import rollups
from zhiyuan.reports.models import ReportFile
from zhiyuan.service.models import ServiceRecord
from zhiyuan.service.services import decide_records
from zhiyuan.testing.factories import PASSWORD

pytestmark = pytest.mark.e2e


def test_admin_changes_the_period_and_downloads_the_yearly_report(
    district,  # noqa: F811 - the imported fixture
    new_page,
    sign_in,
):
    rollups.rebuild()  # a flush by an earlier browser test leaves them unbuilt
    page = new_page()
    sign_in(page, "alice", PASSWORD)
    page.goto("/reports/?start=2026-01-01&end=2027-01-01")
    expect(page.locator('[data-figure="hours_approved"]')).to_have_text("10.5")
    # The charts are drawn (ECharts puts a canvas in each holder).
    expect(page.locator("#chart-trends canvas")).to_have_count(1)
    expect(page.locator("#chart-coverage canvas")).to_have_count(1)

    page.locator("#period-end").fill("2026-02-01")
    page.locator("#period-apply").click()
    expect(page.locator('[data-figure="hours_approved"]')).to_have_text("7.5")
    assert "end=2026-02-01" in page.url

    with page.expect_download() as download_info:
        page.locator("#export-xlsx").click()
    with open(download_info.value.path(), "rb") as handle:
        book = load_workbook(io.BytesIO(handle.read()))
    headline = {row[1]: row[2] for row in book["主要数据"].iter_rows(values_only=True) if row[1]}
    assert headline["hours_approved"] == 7.5

    page.locator("#yearly-year").select_option("2026")
    # Writing the .docx takes seconds (more on a busy machine): longer than a step's timeout.
    page.locator("#yearly-generate").click(timeout=60_000)
    expect(page.locator("#report-download")).to_be_visible(timeout=60_000)
    assert ReportFile.objects.get().state == "done"
    with page.expect_download() as download_info:
        page.locator("#report-download").click()
    with open(download_info.value.path(), "rb") as handle:
        document = Document(io.BytesIO(handle.read()))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert any(h.startswith("一、抓队伍") for h in headings)
    assert any("10.5小时" in p.text for p in document.paragraphs)

    pending = ServiceRecord.objects.get(volunteer=district.dave, state="pending")
    decide_records(actor=district.alice, records=[pending], approve=True)
    page.goto("/reports/?start=2026-01-01&end=2027-01-01")
    expect(page.locator('[data-figure="hours_approved"]')).to_have_text("12.5")
    expect(page.locator('[data-figure="persons_served"]')).to_have_text("25")
