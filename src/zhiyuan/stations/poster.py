"""The printable check-in poster: an A4 page with the station's name and a QR code of its URL.

Chinese text needs a CJK font: Debian's fonts-noto-cjk, or the file named by
ZHIYUAN_CJK_FONT. Without one the poster cannot be drawn and says so.
"""

from __future__ import annotations

import io
import os
from functools import lru_cache
from pathlib import Path

import qrcode
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

A4_150DPI = (1240, 1754)
FONT_CANDIDATES = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
]


@lru_cache(maxsize=1)
def cjk_font_path() -> str:
    configured = os.environ.get("ZHIYUAN_CJK_FONT")
    for candidate in [configured, *FONT_CANDIDATES]:
        if candidate and Path(candidate).exists():
            return candidate
    raise ImproperlyConfigured(
        "No CJK font found: install Debian's fonts-noto-cjk or set ZHIYUAN_CJK_FONT."
    )


@lru_cache(maxsize=1)
def simplified_face() -> int:
    """The Simplified Chinese face of a font collection: Noto's .ttc starts with Japanese,
    whose glyph shapes differ for many characters."""
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
def cjk_font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(cjk_font_path(), size, index=simplified_face())


def _centered(draw: ImageDraw.ImageDraw, y: int, text: str, font, fill="#222") -> int:
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    draw.text(((A4_150DPI[0] - (right - left)) // 2, y), text, font=font, fill=fill)
    return y + (bottom - top)


def render(*, title: str, subtitle: str, url: str, footer: str) -> Image.Image:
    page = Image.new("RGB", A4_150DPI, "white")
    draw = ImageDraw.Draw(page)
    draw.rectangle([0, 0, A4_150DPI[0], 220], fill="#c62828")
    _centered(draw, 60, _("Learn from Lei Feng · Volunteer service"), cjk_font(84), fill="white")
    y = _centered(draw, 300, title, cjk_font(72))
    _centered(draw, y + 50, subtitle, cjk_font(40), fill="#555")
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=22, border=2)
    qr.add_data(url)
    qr.make(fit=True)
    code = qr.make_image(fill_color="black", back_color="white").get_image().convert("RGB")
    code.thumbnail((900, 900))
    page.paste(code, ((A4_150DPI[0] - code.width) // 2, 560))
    y = _centered(draw, 560 + code.height + 40, _("Scan to check in or out"), cjk_font(56))
    _centered(draw, y + 40, url, cjk_font(28), fill="#555")
    _centered(draw, A4_150DPI[1] - 120, footer, cjk_font(32), fill="#777")
    return page


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def pdf_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PDF", resolution=150.0)
    return buffer.getvalue()
