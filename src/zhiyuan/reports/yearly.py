"""The yearly work report (.docx): the seed report's structure, its wording from the editable
template, its numbers from compute() over the calendar year, charts embedded as PNG."""

from __future__ import annotations

import datetime as dt
import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from zhiyuan.reports import charts, labels, wording
from zhiyuan.reports.scope import Scope
from zhiyuan.reports.statistics import Figures, compute

FONT = "SimSun"


def current_wording():
    """The district's wording, created from the defaults the first time it is needed."""
    from zhiyuan.reports.models import ReportTemplate

    template, _created = ReportTemplate.objects.get_or_create(
        key="default", defaults={"title": wording.DEFAULT_TITLE, **wording.DEFAULT}
    )
    return template


def year_period(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year + 1, 1, 1)


def _chinese_font(document) -> None:
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)


def _paragraph(document, text: str) -> None:
    for block in text.split("\n"):
        if block.strip():
            p = document.add_paragraph(block.strip())
            p.paragraph_format.first_line_indent = Pt(24)
            p.paragraph_format.line_spacing = 1.5


def _chart(document, png: bytes) -> None:
    document.add_picture(io.BytesIO(png), width=Cm(15))
    document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER


def _figures_table(document, f: Figures) -> None:
    rows = [
        ("注册志愿者（人）", f["volunteers_total"]),
        ("新增志愿者（人）", f["volunteers_new"]),
        ("参加服务的志愿者（人）", f["volunteers_active"]),
        ("志愿者覆盖率（每N名居民一名志愿者）", f["one_in_every"] or "—"),
        ("志愿服务队伍（支）", f["teams_total"]),
        ("服务站点（个）", f["stations_total"]),
        ("志愿服务基地（个）", f["bases"]),
        ("志愿服务项目（个）", f["projects_total"]),
        ("品牌项目（个）", f["brand_projects"]),
        ("服务时长（小时）", f["hours_approved"]),
        ("其中实测（小时）", f["hours_measured"]),
        ("其中补录（小时）", f["hours_entered"]),
        ("志愿服务人次", f["person_times"]),
        ("服务群众人次", f["persons_served"]),
        ("文明礼让日服务群众人次", f["civility_persons_served"]),
    ]
    table = document.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "指标", "数值"
    for name, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = name, str(value)


def build(scope: Scope, year: int) -> bytes:
    """The report for `scope` (normally the district) over `year`, as .docx bytes."""
    start, end = year_period(year)
    f = compute(scope, start, end)
    template = current_wording()
    values = wording.context(f, year=year, district=scope.label)

    document = Document()
    _chinese_font(document)
    title = document.add_heading(wording.fill(template.title, values), level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(document, wording.fill(template.opening, values))

    document.add_heading(wording.HEADINGS["teams"], level=1)
    _paragraph(document, wording.fill(template.teams, values))
    if f["coverage_by_subdistrict"]:
        _chart(
            document,
            charts.bars(
                "各街道注册志愿者（人）",
                {s["name"]: s["volunteers"] for s in f["coverage_by_subdistrict"]},
            ),
        )
    _chart(
        document,
        charts.bars("队伍层级（支）", labels.relabel(f["teams_by_level"], labels.TEAM_LEVELS)),
    )
    _chart(
        document,
        charts.bars("星级志愿者分布（人）", labels.relabel(f["star_distribution"], labels.STARS)),
    )

    document.add_heading(wording.HEADINGS["stations"], level=1)
    _paragraph(document, wording.fill(template.stations, values))
    _chart(
        document,
        charts.pie("服务阵地构成", labels.relabel(f["stations_by_kind"], labels.STATION_KINDS)),
    )
    _chart(
        document,
        charts.bars("文明礼让日服务群众人次（按月）", f["civility_persons_served_by_month"]),
    )

    document.add_heading(wording.HEADINGS["projects"], level=1)
    _paragraph(document, wording.fill(template.projects, values))
    _chart(document, charts.line("志愿服务时长（小时，按月）", f["hours_by_month"]))
    _chart(document, charts.line("服务群众人次（按月）", f["persons_served_by_month"]))

    document.add_heading(wording.HEADINGS["guidance"], level=1)
    _paragraph(document, wording.fill(template.guidance, values))

    _paragraph(document, wording.fill(template.closing, values))

    document.add_heading(f"附表：{year}年志愿服务主要数据", level=2)
    _figures_table(document, f)

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
