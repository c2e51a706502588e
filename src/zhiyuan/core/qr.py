"""QR codes drawn as inline SVG for pages (no image request, nothing the CSP blocks)."""

from __future__ import annotations

import qrcode
import qrcode.image.svg
from django.utils.safestring import SafeString, mark_safe


def svg(text: str, *, label: str) -> SafeString:
    """An <svg> QR code of `text`, sized by CSS, with `label` as its accessible name."""
    image = qrcode.make(
        text,
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=2,
    )
    markup = image.to_string(encoding="unicode")
    # Only our own attributes are added; the path data is digits and letters qrcode drew.
    markup = markup.replace("<svg ", f'<svg role="img" class="qr" aria-label="{_attr(label)}" ', 1)
    return mark_safe(markup)  # noqa: S308 - generated SVG, label escaped


def _attr(value: str) -> str:
    return (
        str(value)
        .replace("&", "&amp;")
        .replace('"', "&quot;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
    )
