"""Reading roster files (.xlsx with python-calamine, .csv in UTF-8 or GBK) into rows of text."""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata

from django.utils.translation import gettext_lazy as _
from python_calamine import CalamineError, CalamineWorkbook

from zhiyuan.core.errors import ValidationFailed

FORMATS = {"xlsx", "xls", "csv"}
MAX_COLUMNS = 60


def file_format(name: str) -> str:
    """The format from the file name, or a clear error."""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in FORMATS:
        raise ValidationFailed({"file": [str(_("Upload an Excel (.xlsx) or CSV (.csv) file."))]})
    return ext


def cell_text(value) -> str:
    """One cell as text: NFKC (full-width to half-width), stripped; whole floats without ".0".

    Excel stores a phone typed into a number cell as 13800000001.0; calamine returns it so.
    """
    if type(value) is str:
        return _text(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return _text(str(value))


def _text(text: str) -> str:
    """NFKC, runs of whitespace as one space, stripped; most cells need none of it, and
    checking is much cheaper than doing (an import reads a few hundred thousand cells)."""
    if not text.isascii() and not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    # Printable text has no whitespace but the plain space (no tabs, newlines, ideographic
    # spaces); with no space at either end and no two together, splitting changes nothing.
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())


def _decode_csv(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        # GB18030 is a superset of GBK and GB2312, what Excel on Chinese Windows writes.
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise ValidationFailed(
            {"file": [str(_("The CSV file is neither UTF-8 nor GBK text."))]}
        ) from None


def read_rows(data: bytes, fmt: str) -> list[list[str]]:
    """Every row of the first sheet (or the CSV) as a list of cell texts, trailing blanks cut."""
    if fmt == "csv":
        text = _decode_csv(data)
        raw_rows = csv.reader(io.StringIO(text, newline=""))
    else:
        try:
            book = CalamineWorkbook.from_filelike(io.BytesIO(data))
            raw_rows = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
        except (CalamineError, ValueError, IndexError, OSError) as exc:
            raise ValidationFailed(
                {"file": [str(_("The file cannot be read as a spreadsheet: %(e)s") % {"e": exc})]}
            ) from None
    rows = []
    convert = cell_text
    normalized = unicodedata.is_normalized
    for raw in raw_rows:
        # Most cells are text that needs nothing (see `_text`): kept as they are, inline.
        row = [
            v
            if type(v) is str
            and v.isprintable()
            and (v.isascii() or normalized("NFKC", v))
            and "  " not in v
            and v[:1] != " "
            and v[-1:] != " "
            else convert(v)
            for v in raw[:MAX_COLUMNS]
        ]
        while row and not row[-1]:
            row.pop()
        rows.append(row)
    while rows and not rows[-1]:
        rows.pop()
    return rows
