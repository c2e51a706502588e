"""The printable certificate of service (志愿服务记录证明): a vector A4 PDF, and a PNG preview.

The PDF is drawn with fpdf2 in the CJK font the station poster uses, embedded as a subset, so
its Chinese text is real text (selectable, searchable, sharp in print) whatever fonts the
reader has; the QR code is drawn as vector squares. The PNG preview is drawn with Pillow from
the same rows. Within a font collection (.ttc) we pick the Simplified Chinese face: the first
face of Noto Sans CJK is the Japanese one, whose glyph forms differ for some characters.

The items follow 志愿服务记录与证明出具办法: the volunteer's name, ID type and number
(masked), the period, the hours, the content, the issuing organisation with a place for its
seal (盖章), the responsible person, the handler (经办人) and a contact phone or address.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import qrcode
from django.utils.translation import gettext as _
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

from zhiyuan.service.certificates import handler_name
from zhiyuan.service.models import Certificate
from zhiyuan.stations.poster import (
    A4_150DPI,
    cjk_font,
    cjk_font_path,
    png_bytes,
    simplified_face,
)

__all__ = ["pdf", "png_bytes", "render"]

WIDTH, HEIGHT = A4_150DPI
MARGIN = 110
LABEL_WIDTH = 330
LABEL_LINE = 42
VALUE_SIZES = (32, 28, 24)
ROW_GAP = 16
QR_SIZE = 260
INK = "#222"
RED = "#b71c1c"
MUTED = "#666"
# Latin words and numbers stay whole when a line wraps; CJK text breaks between characters.
TOKEN = re.compile(r"[0-9A-Za-z\u00c0-\u024f_\-.,:;'’/()@#*+]+\s*|\s+|.")
# Chinese typesetting never starts a line with these: they hang at the end of the line.
NO_LINE_START = set("、，。；：？！）》」』”’…")


def _overflows(draw: ImageDraw.ImageDraw, line: str, font, width: int) -> bool:
    if line[-1] in NO_LINE_START:
        line = line[:-1]
    return draw.textlength(line, font=font) > width


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in str(text).splitlines() or [""]:
        line = ""
        for token in TOKEN.findall(paragraph):
            too_wide = draw.textlength(line + token, font=font) > width
            if too_wide and line.strip() and token not in NO_LINE_START:
                lines.append(line.rstrip())
                line = token.lstrip()
            else:
                line += token
            # A token wider than the whole column (a long URL) is cut between characters.
            while len(line) > 1 and _overflows(draw, line, font, width):
                cut = len(line) - 1
                while cut > 1 and draw.textlength(line[:cut], font=font) > width:
                    cut -= 1
                lines.append(line[:cut])
                line = line[cut:]
        lines.append(line.rstrip())
    return lines


def _centered(draw: ImageDraw.ImageDraw, y: int, text: str, font, fill=INK, **kwargs) -> int:
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font, **kwargs)
    draw.text(((WIDTH - (right - left)) // 2, y), text, font=font, fill=fill, **kwargs)
    return y + (bottom - top)


def _qr(url: str, size: int) -> Image.Image:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=10, border=2)
    qr.add_data(url)
    qr.make(fit=True)
    code = qr.make_image(fill_color="black", back_color="white").get_image().convert("RGB")
    return code.resize((size, size), Image.Resampling.NEAREST)


def _rows(certificate: Certificate) -> list[tuple[str, str, bool]]:
    """(label, value, whether the value may be set smaller to fit) for each line of the page."""
    volunteer = certificate.volunteer
    period = f"{certificate.period_from:%Y-%m-%d} — {certificate.period_to:%Y-%m-%d}"
    issued_on = f"{certificate.issued_on:%Y-%m-%d}" if certificate.issued_on else ""
    return [
        (_("Name"), volunteer.real_name, False),
        (_("ID type"), volunteer.get_id_type_display(), False),
        (_("ID number"), volunteer.id_number_masked, False),
        (_("Volunteer number"), volunteer.volunteer_no, False),
        (_("Period of service"), period, False),
        (_("Total hours"), _("%(hours)s hours") % {"hours": certificate.total_hours}, False),
        (_("Service content"), certificate.content, True),
        (_("Issued by"), certificate.team.name, False),
        (_("Responsible person"), certificate.responsible_person, False),
        (_("Handled by"), handler_name(certificate), False),
        (_("Contact phone or address"), certificate.contact, False),
        (_("Certificate number"), certificate.number or "", False),
        (_("Date of issue"), issued_on, False),
    ]


@dataclass
class _Row:
    labels: list[str]
    values: list[str]
    font: ImageFont.FreeTypeFont
    line_height: int

    @property
    def height(self) -> int:
        return max(len(self.labels) * LABEL_LINE, len(self.values) * self.line_height) + ROW_GAP


def _fit(draw, text: str, width: int, room: int) -> tuple[ImageFont.FreeTypeFont, int, list]:
    """The largest of a few sizes at which `text` fits in `room` pixels; cut with … if none."""
    for size in VALUE_SIZES:
        font, line_height = cjk_font(size), round(size * 1.45)
        lines = _wrap(draw, text, font, width)
        if len(lines) * line_height <= room:
            return font, line_height, lines
    keep = max(1, room // line_height)
    if len(lines) > keep:
        lines = [*lines[: keep - 1], lines[keep - 1][:-1] + "…"]
    return font, line_height, lines


def render(certificate: Certificate, *, verify_url: str) -> Image.Image:
    """The certificate as an A4 page at 150 dpi, with a QR code of its public verify page.

    The rows take the space above the QR code; a long service content is set smaller, and
    cut only if it still does not fit.
    """
    page = Image.new("RGB", A4_150DPI, "white")
    draw = ImageDraw.Draw(page)
    draw.rectangle([40, 40, WIDTH - 40, HEIGHT - 40], outline=RED, width=6)
    draw.rectangle([56, 56, WIDTH - 56, HEIGHT - 56], outline=RED, width=2)

    title = _("Certificate of Volunteer Service Record")
    size = 64
    while size > 36 and draw.textlength(title, font=cjk_font(size)) > WIDTH - 2 * MARGIN:
        size -= 4
    top = _centered(draw, 120, title, cjk_font(size), fill=RED) + 80

    code_x, code_y = WIDTH - MARGIN - QR_SIZE, HEIGHT - 100 - QR_SIZE - 40
    label_font = cjk_font(30)
    value_x = MARGIN + LABEL_WIDTH
    value_width = WIDTH - MARGIN - value_x
    rows: list[_Row] = []
    shrinkable: tuple[_Row, str] | None = None
    for label, value, may_shrink in _rows(certificate):
        font = cjk_font(VALUE_SIZES[0])
        row = _Row(
            labels=_wrap(draw, label, label_font, LABEL_WIDTH - 30),
            values=_wrap(draw, value or "—", font, value_width),
            font=font,
            line_height=round(VALUE_SIZES[0] * 1.45),
        )
        rows.append(row)
        if may_shrink:
            shrinkable = (row, value or "—")
    if shrinkable is not None:
        row, value = shrinkable
        room = code_y - 30 - top - sum(r.height for r in rows) + row.height - ROW_GAP
        row.font, row.line_height, row.values = _fit(draw, value, value_width, room)

    y = top
    for row in rows:
        for i, line in enumerate(row.labels):
            draw.text((MARGIN, y + 2 + i * LABEL_LINE), line, font=label_font, fill=MUTED)
        for i, line in enumerate(row.values):
            draw.text((value_x, y + i * row.line_height), line, font=row.font, fill=INK)
        y += row.height
        draw.line([MARGIN, y - ROW_GAP // 2, WIDTH - MARGIN, y - ROW_GAP // 2], fill="#e0e0e0")

    seal_font = cjk_font(28)
    seal_x = WIDTH - MARGIN - 420
    draw.ellipse([seal_x + 90, y + 10, seal_x + 330, y + 250], outline=RED, width=2)
    for n, text in enumerate((certificate.team.name, _("(Seal)"))):
        _x = seal_x + (420 - draw.textlength(text, font=seal_font)) // 2
        draw.text((_x, y + 80 + n * 50), text, font=seal_font, fill=INK)

    page.paste(_qr(verify_url, QR_SIZE), (code_x, code_y))
    note_font = cjk_font(26)
    caption = _("Scan to verify")
    draw.text(
        (code_x + (QR_SIZE - draw.textlength(caption, font=note_font)) // 2, code_y + QR_SIZE + 6),
        caption,
        font=note_font,
        fill=MUTED,
    )
    note_width = code_x - MARGIN - 40
    note_y = code_y + 10
    for line in _wrap(
        draw,
        _(
            "This certificate states the volunteer service hours recorded and approved by "
            "the issuing team. Scan the code, or enter the certificate number on the "
            "district volunteer service platform, to check that it is genuine."
        ),
        note_font,
        note_width,
    ):
        draw.text((MARGIN, note_y), line, font=note_font, fill=MUTED)
        note_y += 40
    url_font = cjk_font(20)
    for line in _wrap(draw, verify_url, url_font, note_width):
        draw.text((MARGIN, note_y + 10), line, font=url_font, fill=MUTED)
        note_y += 28
    return page


# --- the vector PDF ---------------------------------------------------------------------

PDF_MARGIN = 22  # mm
PDF_LABEL_W = 42
PDF_RED = (183, 28, 28)
PDF_INK = (34, 34, 34)
PDF_MUTED = (102, 102, 102)


def _vector_qr(page: FPDF, url: str, x: float, y: float, size: float) -> None:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    qr.add_data(url)
    qr.make(fit=True)
    matrix = qr.get_matrix()
    cell = size / len(matrix)
    page.set_fill_color(0, 0, 0)
    for row, line in enumerate(matrix):
        for col, dark in enumerate(line):
            if dark:
                page.rect(x + col * cell, y + row * cell, cell + 0.01, cell + 0.01, style="F")


def pdf(certificate: Certificate, *, verify_url: str) -> bytes:
    """The certificate as a one-page vector A4 PDF with its text in an embedded CJK font."""
    page = FPDF(orientation="P", unit="mm", format="A4")
    page.set_auto_page_break(False)
    page.add_font("cjk", fname=cjk_font_path(), collection_font_number=simplified_face())
    page.set_lang("zh-CN")
    title = _("Certificate of Volunteer Service Record")
    page.set_title(f"{title} {certificate.number or ''}".strip())
    page.set_author(certificate.team.name)
    page.set_creator("zhiyuan")
    page.add_page()
    width, height = page.w, page.h

    page.set_draw_color(*PDF_RED)
    page.set_line_width(1.0)
    page.rect(7, 7, width - 14, height - 14)
    page.set_line_width(0.3)
    page.rect(9.5, 9.5, width - 19, height - 19)

    page.set_font("cjk", size=24)
    page.set_text_color(*PDF_RED)
    page.set_xy(PDF_MARGIN, 24)
    page.cell(width - 2 * PDF_MARGIN, 14, title, align="C")

    y = 50
    value_x = PDF_MARGIN + PDF_LABEL_W
    value_w = width - PDF_MARGIN - value_x
    page.set_draw_color(224, 224, 224)
    for label, value, may_shrink in _rows(certificate):
        size = 12
        page.set_font("cjk", size=size)
        lines = page.multi_cell(value_w, 6.5, value or "—", dry_run=True, output="LINES")
        while may_shrink and len(lines) > 6 and size > 9:
            size -= 1
            page.set_font("cjk", size=size)
            lines = page.multi_cell(value_w, 5.5, value or "—", dry_run=True, output="LINES")
        line_h = 6.5 if size == 12 else 5.5
        page.set_font("cjk", size=10.5)
        page.set_text_color(*PDF_MUTED)
        page.set_xy(PDF_MARGIN, y + 0.5)
        page.multi_cell(PDF_LABEL_W - 4, 6, label)
        page.set_font("cjk", size=size)
        page.set_text_color(*PDF_INK)
        page.set_xy(value_x, y)
        page.multi_cell(value_w, line_h, value or "—")
        y = max(page.get_y(), y + 7) + 2.5
        page.line(PDF_MARGIN, y - 1.2, width - PDF_MARGIN, y - 1.2)

    # The seal's place: the issuing team, "（盖章）" and the date, with room for the seal.
    seal_y = max(y + 8, 200)
    seal_x = width - PDF_MARGIN - 70
    page.set_draw_color(*PDF_RED)
    page.set_dash_pattern(dash=1.2, gap=1.2)
    page.ellipse(seal_x + 15, seal_y - 4, 40, 40)
    page.set_dash_pattern()
    page.set_text_color(*PDF_INK)
    page.set_font("cjk", size=12)
    for n, text in enumerate(
        (
            certificate.team.name,
            _("(Seal)"),
            f"{certificate.issued_on:%Y年%m月%d日}" if certificate.issued_on else "",
        )
    ):
        page.set_xy(seal_x, seal_y + 6 + n * 9)
        page.cell(70, 8, text, align="C")

    qr_size = 36
    qr_x, qr_y = PDF_MARGIN, height - PDF_MARGIN - qr_size - 8
    _vector_qr(page, verify_url, qr_x, qr_y, qr_size)
    page.set_font("cjk", size=9)
    page.set_text_color(*PDF_MUTED)
    page.set_xy(qr_x, qr_y + qr_size + 1)
    page.cell(qr_size, 5, _("Scan to verify"), align="C")
    note_x = qr_x + qr_size + 6
    page.set_xy(note_x, qr_y + 2)
    page.multi_cell(
        width - PDF_MARGIN - note_x,
        5,
        _(
            "This certificate states the volunteer service hours recorded and approved by "
            "the issuing team. Scan the code, or enter the certificate number on the "
            "district volunteer service platform, to check that it is genuine."
        ),
    )
    page.set_font("cjk", size=7.5)
    page.set_x(note_x)
    page.multi_cell(width - PDF_MARGIN - note_x, 4, verify_url)
    return bytes(page.output())
