"""Uploaded photos (news covers, complaint evidence): checked by their content (not their
name), then re-encoded without metadata."""

from __future__ import annotations

import io
import warnings

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from zhiyuan.core.errors import ValidationFailed

MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 8000
MAX_PIXELS = 40_000_000
# The stored image: wide enough for a phone at 3x and a desktop column.
STORED_MAX_SIDE = 1920
FORMATS = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
}


class CheckedImage:
    def __init__(self, content: ContentFile, *, width: int, height: int, content_type: str):
        self.content = content
        self.width = width
        self.height = height
        self.content_type = content_type


def check_image(upload, *, field: str) -> CheckedImage:
    """A real JPEG, PNG or WebP image of at most 5 MB and 40 megapixels, re-encoded; a
    refusal names `field` (the form's or the API's name of the upload).

    Re-encoding drops EXIF (GPS positions of volunteers' phones), ICC and comments, and
    anything appended after the image data. A decompression bomb is refused from its
    header before any pixel is decoded.
    """

    def _refuse(message: str) -> ValidationFailed:
        return ValidationFailed({field: [message]})

    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise _refuse(_("The image is larger than 5 MB."))
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise _refuse(_("The image is larger than 5 MB."))
    if not data:
        raise _refuse(_("The file is empty."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                kind = probe.format
                width, height = probe.size
                if kind not in FORMATS:
                    raise _refuse(_("Only JPEG, PNG and WebP images are accepted."))
                if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
                    raise _refuse(
                        _("The image is too large: at most %(side)d pixels a side.")
                        % {"side": MAX_SIDE}
                    )
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                image = ImageOps.exif_transpose(image)
                return _reencode(image, kind)
    except ValidationFailed:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(_("The file is not an image (JPEG, PNG or WebP).")) from None
    except (OSError, SyntaxError, ValueError):
        raise _refuse(_("The image is damaged and cannot be read.")) from None


def _reencode(image: Image.Image, kind: str) -> CheckedImage:
    image.thumbnail((STORED_MAX_SIDE, STORED_MAX_SIDE))
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    image = image.convert("RGBA" if has_alpha and kind != "JPEG" else "RGB")
    out = io.BytesIO()
    if kind == "JPEG":
        image.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    elif kind == "PNG":
        image.save(out, "PNG", optimize=True)
    else:
        image.save(out, "WEBP", quality=85)
    ext, content_type = FORMATS[kind]
    return CheckedImage(
        ContentFile(out.getvalue(), name=f"image.{ext}"),
        width=image.width,
        height=image.height,
        content_type=content_type,
    )
