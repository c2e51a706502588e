"""The printable certificate of service: an A4 page drawn with Pillow, saved as PNG or PDF.

The page is drawn as an image with the CJK font the station poster uses, so the PDF shows
Chinese without depending on the reader's fonts. Within a font collection (.ttc) we pick
the Simplified Chinese face: the first face of Noto Sans CJK is the Japanese one, whose
glyph forms differ for some characters.
"""

from __future__ import annotations

import re
from functools import lru_cache

import qrcode
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

from zhiyuan.service.certificates import handler_name
from zhiyuan.service.models import Certificate
from zhiyuan.stations.poster import A4_150DPI, cjk_font_path, pdf_bytes, png_bytes

__all__ = ["pdf_bytes", "png_bytes", "render"]

WIDTH, HEIGHT = A4_150DPI
MARGIN = 110
LABEL_WIDTH = 300
INK = "#222"
RED = "#b71c1c"
MUTED = "#666"
# Latin words and numbers stay whole when a line wraps; CJK text breaks between characters.
TOKEN = re.compile(r"[0-9A-Za-z\u00c0-\u024f_\-.,:;'’/()@#*+]+\s*|\s+|.")


@lru_cache(maxsize=1)
def _simplified_face() -> int:
    path = cjk_font_path()
    if not path.lower().endswith((".ttc", ".otc")):
        return 0
    for index in range(16):
        try:
            family, _style = ImageFont.truetype(path, 12, index=index).getname()
        except OSError:
            break
        if family and " SC" in f"{family} " and "Mono" not in family:
            return index
    return 0


@lru_cache(maxsize=16)
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(cjk_font_path(), size, index=_simplified_face())


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in str(text).splitlines() or [""]:
        line = ""
        for token in TOKEN.findall(paragraph):
            if draw.textlength(line + token, font=font) > width and line.strip():
                lines.append(line.rstrip())
                line = token.lstrip()
            else:
                line += token
            # A token wider than the whole column (a long URL) is cut between characters.
            while len(line) > 1 and draw.textlength(line, font=font) > width:
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


def _rows(certificate: Certificate) -> list[tuple[str, str]]:
    volunteer = certificate.volunteer
    return [
        (_("Name"), volunteer.real_name),
        (_("ID type"), volunteer.get_id_type_display()),
        (_("ID number"), volunteer.id_number_masked),
        (_("Volunteer number"), volunteer.volunteer_no),
        (
            _("Period of service"),
            f"{certificate.period_from:%Y-%m-%d} — {certificate.period_to:%Y-%m-%d}",
        ),
        (_("Total hours"), _("%(hours)s hours") % {"hours": certificate.total_hours}),
        (_("Service content"), certificate.content),
        (_("Issued by"), certificate.team.name),
        (_("Responsible person"), certificate.responsible_person),
        (_("Handled by"), handler_name(certificate)),
        (_("Contact phone or address"), certificate.contact),
        (_("Certificate number"), certificate.number or ""),
        (_("Date of issue"), f"{certificate.issued_on:%Y-%m-%d}" if certificate.issued_on else ""),
    ]


def render(certificate: Certificate, *, verify_url: str) -> Image.Image:
    """The certificate as an A4 page at 150 dpi, with a QR code of its public verify page."""
    page = Image.new("RGB", A4_150DPI, "white")
    draw = ImageDraw.Draw(page)
    draw.rectangle([40, 40, WIDTH - 40, HEIGHT - 40], outline=RED, width=6)
    draw.rectangle([56, 56, WIDTH - 56, HEIGHT - 56], outline=RED, width=2)

    title = _("Certificate of Volunteer Service Record")
    size = 64
    while size > 36 and draw.textlength(title, font=_font(size)) > WIDTH - 2 * MARGIN:
        size -= 4
    y = _centered(draw, 130, title, _font(size), fill=RED)
    y = _centered(draw, y + 36, certificate.number or "", _font(30), fill=MUTED) + 60

    label_font, value_font = _font(32), _font(34)
    value_x = MARGIN + LABEL_WIDTH
    value_width = WIDTH - MARGIN - value_x
    line_height = 50
    for label, value in _rows(certificate):
        labels = _wrap(draw, label, label_font, LABEL_WIDTH - 30)
        values = _wrap(draw, value or "—", value_font, value_width)
        for i, line in enumerate(labels):
            draw.text((MARGIN, y + 4 + i * line_height), line, font=label_font, fill=MUTED)
        for i, line in enumerate(values):
            draw.text((value_x, y + i * line_height), line, font=value_font, fill=INK)
        y += max(len(labels), len(values)) * line_height + 18
        draw.line([MARGIN, y - 10, WIDTH - MARGIN, y - 10], fill="#e0e0e0", width=1)

    size = 300
    code_x, code_y = WIDTH - MARGIN - size, max(y + 30, HEIGHT - 120 - size - 50)
    page.paste(_qr(verify_url, size), (code_x, code_y))
    note_font = _font(26)
    caption = _("Scan to verify")
    draw.text(
        (code_x + (size - draw.textlength(caption, font=note_font)) // 2, code_y + size + 8),
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
    url_font = _font(20)
    for line in _wrap(draw, verify_url, url_font, note_width):
        draw.text((MARGIN, note_y + 10), line, font=url_font, fill=MUTED)
        note_y += 28
    return page
