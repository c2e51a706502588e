"""The yearly work report (.docx) in official form (GB/T 9704-2012 党政机关公文格式 as the
model): the seed report's structure, its wording from the editable template, its numbers
from compute() over the calendar year (up to today for the current year), charts at
print resolution, the figures' definitions in an annex, and the issuing office and date as
落款.

Form: A4 with the standard's margins (top 37 mm, bottom 35 mm, left 28 mm, right 26 mm), a
type area of 22 lines of 28 characters in 三号 (16 pt); the title in 二号 (22 pt) bold serif,
headings in a sans (黑体-style), the body in a serif (仿宋-style), from the Noto CJK fonts
that Debian and most Linux desktops have; the font table names the Windows fonts Word
substitutes when Noto is missing (方正小标宋简体, 黑体, 仿宋_GB2312). Page numbers "— 1 —" in
四号, odd pages right, even pages left. Text tagged zh-CN; core properties name the office.
"""

from __future__ import annotations

import datetime as dt
import io

from django.utils import timezone, translation
from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from zhiyuan.places.models import Region
from zhiyuan.reports import charts, evaluations, glossary, labels, wording
from zhiyuan.reports.scope import Scope
from zhiyuan.reports.statistics import Figures, compute

SERIF = "Noto Serif CJK SC"  # 仿宋-style body, 小标宋-style title
SANS = "Noto Sans CJK SC"  # 黑体-style headings
# What Word on Windows uses when the Noto font is missing (font table altName).
WINDOWS_FALLBACK = {SERIF: "仿宋_GB2312", SANS: "黑体"}
BODY_PT, TITLE_PT, PAGE_NO_PT = 16, 22, 14
LINE_PITCH_PT = 28.95  # 225 mm type area / 22 lines
BLACK = RGBColor(0, 0, 0)


def current_wording():
    """The district's wording: the saved one, else the defaults (unsaved: reading it, as the
    wording page's GET and every report do, never writes; services.save_wording stores it)."""
    from zhiyuan.reports.models import ReportTemplate

    saved = ReportTemplate.objects.filter(key="default").first()
    return saved or ReportTemplate(key="default", title=wording.DEFAULT_TITLE, **wording.DEFAULT)


def year_period(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year + 1, 1, 1)


def report_period(year: int, today: dt.date) -> tuple[dt.date, dt.date, dt.date | None]:
    """[start, end) of the report and its cutoff day: a past year whole, the current year up
    to and including today (shown as 数据截至 today, its month marked as partial)."""
    start, end = year_period(year)
    if start <= today < end - dt.timedelta(days=1):
        return start, today + dt.timedelta(days=1), today
    return start, end, None


def scope_words(scope: Scope) -> dict[str, str]:
    """我区 / 我街道 / 本队 …, and the issuing office, for the scope."""
    obj = scope.obj
    if scope.kind == "region":
        level = obj.level
        if level == Region.Level.DISTRICT:
            return {"we": "我区", "whole": "全区", "office": f"{obj.name}文明办"}
        if level == Region.Level.SUBDISTRICT:
            return {"we": "我街道", "whole": "全街道", "office": f"{obj.name}办事处"}
        return {"we": "我社区", "whole": "全社区", "office": f"{obj.name}居民委员会"}
    if scope.kind == "team":
        return {"we": "本队", "whole": "全队", "office": obj.name}
    return {"we": "本站", "whole": "全站", "office": obj.name}


def chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# --- form ---------------------------------------------------------------------------------


def _fonts(rpr_owner, east_asia: str, *, size: float | None = None, bold=None) -> None:
    """Set a style's or run's fonts explicitly (no theme fonts: the default template's
    East Asian theme font is Japanese) and its colour to black."""
    font = rpr_owner.font
    font.name = east_asia
    if size:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    font.color.rgb = BLACK
    rpr = rpr_owner.element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), east_asia)
    _lang(rpr)


def _lang(rpr) -> None:
    for old in rpr.findall(qn("w:lang")):
        rpr.remove(old)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")
    lang.set(qn("w:bidi"), "ar-SA")
    rpr.append(lang)


def _line_pitch(paragraph_format, first_line_chars: int = 2) -> None:
    paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph_format.line_spacing = Pt(LINE_PITCH_PT)
    paragraph_format.space_before = Pt(0)
    paragraph_format.space_after = Pt(0)
    paragraph_format.first_line_indent = Pt(BODY_PT * first_line_chars)


def _styles(document) -> None:
    styles = document.styles
    # The defaults every run inherits: zh-CN, no theme fonts.
    defaults = styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rpr_default.find(qn("w:rFonts"))
    if fonts is not None:
        rpr_default.remove(fonts)
    _lang(rpr_default)
    normal = styles["Normal"]
    _fonts(normal, SERIF, size=BODY_PT)
    _line_pitch(normal.paragraph_format)
    normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    for name, face, size, bold in (
        ("Title", SERIF, TITLE_PT, True),
        ("Heading 1", SANS, BODY_PT, False),
        ("Heading 2", SANS, BODY_PT, False),
    ):
        style = styles[name]
        _fonts(style, face, size=size, bold=bold)
        style.font.italic = False
        ppr = style.element.get_or_add_pPr()
        for border in ppr.findall(qn("w:pBdr")):  # Word's Title has a blue rule under it
            ppr.remove(border)
        _line_pitch(style.paragraph_format, first_line_chars=0 if name == "Title" else 2)
        style.paragraph_format.keep_with_next = True
    styles["Title"].paragraph_format.line_spacing = Pt(LINE_PITCH_PT * 1.5)


def _font_table(document) -> None:
    """Name the Windows fonts Word substitutes for the Noto fonts when they are missing."""
    part = next(
        (p for p in document.part.package.iter_parts() if p.partname.endswith("fontTable.xml")),
        None,
    )
    if part is None:
        return
    from lxml import etree

    root = etree.fromstring(part.blob)
    for name, fallback in WINDOWS_FALLBACK.items():
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        alt = etree.SubElement(font, qn("w:altName"))
        alt.set(qn("w:val"), fallback)
        charset = etree.SubElement(font, qn("w:charset"))
        charset.set(qn("w:val"), "86")  # GB2312
        family = etree.SubElement(font, qn("w:family"))
        family.set(qn("w:val"), "roman" if name == SERIF else "swiss")
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _page(document) -> None:
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(28 - 7)  # the page number 7 mm below the type area
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(round(LINE_PITCH_PT * 20)))
    document.settings.odd_and_even_pages_header_footer = True
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        paragraph = footer.paragraphs[0]
        paragraph.alignment = align
        paragraph.paragraph_format.first_line_indent = Pt(0)
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            paragraph.paragraph_format.right_indent = Pt(PAGE_NO_PT)
        else:
            paragraph.paragraph_format.left_indent = Pt(PAGE_NO_PT)
        _page_number(paragraph)


def _page_number(paragraph) -> None:
    """ "— N —": em dashes around a PAGE field."""

    def run(text: str = ""):
        r = paragraph.add_run(text)
        _fonts(r, SERIF, size=PAGE_NO_PT)
        return r

    run("— ")
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None)):
        r = run()
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            r._r.append(fld)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            r._r.append(instr)
    run("1")
    end = run()
    fld = OxmlElement("w:fldChar")
    fld.set(qn("w:fldCharType"), "end")
    end._r.append(fld)
    run(" —")


def _properties(document, *, title: str, office: str, now: dt.datetime) -> None:
    props = document.core_properties
    props.title = title
    props.author = office
    props.last_modified_by = office
    props.subject = "志愿服务工作报告"
    props.keywords = "志愿服务"
    props.comments = ""
    props.category = ""
    props.language = "zh-CN"
    props.created = now
    props.modified = now
    props.revision = 1


# --- content ------------------------------------------------------------------------------


def _paragraphs(document, text: str) -> None:
    for block in text.split("\n"):
        if block.strip():
            document.add_paragraph(block.strip())


def _chart(document, png: bytes) -> None:
    document.add_picture(io.BytesIO(png), width=Mm(150))
    paragraph = document.paragraphs[-1]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.first_line_indent = Pt(0)
    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE


def _table(document, header: tuple[str, ...], rows: list[tuple], widths: tuple[int, ...]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Mm(width)  # the grid LibreOffice and Word lay the table out by
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = str(value)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Mm(width)
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.first_line_indent = Pt(0)
                paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
                snap = OxmlElement("w:snapToGrid")  # not the body's 22-line grid
                snap.set(qn("w:val"), "0")
                paragraph._p.get_or_add_pPr().append(snap)
                for r in paragraph.runs:
                    _fonts(r, SERIF, size=10.5)


MAIN_FIGURES = (
    "volunteers_total",
    "volunteers_new",
    "volunteers_active",
    "one_in_every",
    "teams_total",
    "stations_total",
    "bases",
    "projects_total",
    "brand_projects",
    "activities_total",
    "hours_approved",
    "hours_measured",
    "hours_entered",
    "person_times",
    "persons_served",
    "civility_person_times",
    "civility_persons_served",
    "helpdesk_requests_done",
    "helpdesk_persons_served",
    *evaluations.HEADLINE,
)


def _annex(document, f: Figures, year: int) -> None:
    """附件: the main figures (those that are not zero) and how each is counted."""
    shown = [k for k in MAIN_FIGURES if f.get(k) not in (None, 0, 0.0)]
    if not shown:
        return
    document.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
    heading = document.add_paragraph("附件")
    heading.paragraph_format.first_line_indent = Pt(0)
    _fonts(heading.runs[0], SANS)
    title = document.add_paragraph(f"{year}年志愿服务主要数据及统计口径")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.first_line_indent = Pt(0)
    _fonts(title.runs[0], SERIF, size=TITLE_PT, bold=True)
    rows = []
    for key in shown:
        d = glossary.GLOSSARY[key]
        rows.append((str(d.label), wording.number(f[key]), str(d.unit), d.tooltip))
    _table(document, ("指标", "数值", "单位", "统计口径"), rows, (30, 20, 12, 94))
    note = document.add_paragraph(str(glossary.PERIOD))
    note.paragraph_format.first_line_indent = Pt(0)
    for r in note.runs:
        _fonts(r, SERIF, size=12)


def _signature(document, office: str, day: dt.date) -> None:
    """落款: the issuing office and the date, right-aligned four characters from the edge,
    two blank lines below the text."""
    document.add_paragraph()
    document.add_paragraph()
    for text in (office, chinese_date(day)):
        p = document.add_paragraph(text)
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        p.paragraph_format.first_line_indent = Pt(0)
        p.paragraph_format.right_indent = Pt(BODY_PT * 4)


def _month_labels(values: dict, partial: str | None) -> dict:
    """ "2026-03" → "3月"; the running month marked "12月*" (its days to the cutoff)."""
    return {f"{int(m[5:])}月" + ("*" if m == partial else ""): v for m, v in values.items()}


def _section_charts(key: str, f: Figures, scope: Scope, partial: str | None, cutoff) -> list:
    note = f"*截至{cutoff.month}月{cutoff.day}日" if partial and cutoff else ""
    found = []
    if key == "teams":
        if len(f["coverage_by_subdistrict"]) > 1:
            found.append(
                charts.bars(
                    "各街道注册志愿者（人）",
                    {s["name"]: s["volunteers"] for s in f["coverage_by_subdistrict"]},
                )
            )
        levels = labels.relabel(f["teams_by_level"], labels.TEAM_LEVELS, labels.TEAM_LEVEL_ORDER)
        if sum(levels.values()):
            found.append(charts.bars("各层级志愿服务队伍（支）", levels))
        if f["starred_volunteers"]:
            stars = labels.relabel(f["star_distribution"], labels.STARS)
            stars = {k: v for k, v in stars.items() if k != str(labels.STARS["0"])}
            found.append(charts.bars("星级志愿者（人）", stars))
    elif key == "stations":
        kinds = labels.relabel(f["stations_by_kind"], labels.STATION_KINDS)
        if sum(kinds.values()):
            found.append(charts.pie("志愿服务阵地构成", kinds))
        monthly = f["civility_persons_served_by_month"]
        if sum(monthly.values()):
            found.append(
                charts.bars(
                    "文明礼让日受益群众（人次，按月）", _month_labels(monthly, partial), note=note
                )
            )
    elif key == "projects":
        if f["hours_approved"]:
            found.append(
                charts.line(
                    "志愿服务时长（小时，按月）",
                    _month_labels(f["hours_by_month"], partial),
                    note=note,
                )
            )
        if sum(f["person_times_by_month"].values()):
            found.append(
                charts.line(
                    "服务人次（按月）",
                    _month_labels(f["person_times_by_month"], partial),
                    note=note,
                )
            )
    return found


def build(scope: Scope, year: int, *, today: dt.date | None = None) -> bytes:
    """The report for `scope` over `year`, as .docx bytes (always in Chinese)."""
    with translation.override("zh-hans"):
        return _build(scope, year, today or timezone.localdate())


def _build(scope: Scope, year: int, today: dt.date) -> bytes:
    start, end, cutoff = report_period(year, today)
    f = compute(scope, start, end)
    words = scope_words(scope)
    partial = f"{cutoff:%Y-%m}" if cutoff else None
    if cutoff:
        words["cutoff_note"] = f"（本报告数据截至{chinese_date(cutoff)}。）"
    template = current_wording()
    values = wording.context(f, year=year, district=scope.label, words=words)
    title_text = wording.fill(template.title, values)

    document = Document()
    _styles(document)
    _font_table(document)
    _page(document)
    _properties(document, title=title_text, office=words["office"], now=timezone.now())

    title = document.add_heading(title_text, level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph()  # one blank line under the title
    _paragraphs(document, wording.fill(template.opening, values))

    number = 0
    for key in ("teams", "stations", "projects", "guidance"):
        text, figures_said = wording.fill_counting(getattr(template, key), values)
        if not figures_said:  # nothing to report: the section is left out, not zero-filled
            continue
        document.add_heading(f"{wording.NUMERALS[number]}、{wording.HEADINGS[key]}", level=1)
        number += 1
        _paragraphs(document, text)
        for png in _section_charts(key, f, scope, partial, cutoff):
            _chart(document, png)

    _paragraphs(document, wording.fill(template.closing, values))
    _signature(document, words["office"], today)
    _annex(document, f, year)

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
