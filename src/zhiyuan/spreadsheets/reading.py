"""Reading roster files (.xlsx, .xls and .ods with python-calamine, .csv in UTF-8 or GBK) into
rows of text, one sheet at a time."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from xml.etree import ElementTree

from django.utils.translation import gettext_lazy as _
from python_calamine import CalamineError, CalamineWorkbook

from zhiyuan.core.errors import ValidationFailed

FORMATS = {"xlsx", "xls", "ods", "csv"}
MAX_COLUMNS = 60
# Limits checked before a spreadsheet is read (README, "Import limits"): a reader builds
# the whole grid from the top-left to the farthest cell in memory, so one far-away cell in a
# 5 KB file would cost gigabytes; and a small zip can unpack to far more than it weighs.
MAX_SHEET_ROWS = 300_000
MAX_SHEET_COLUMNS = 702  # ZZ
MAX_SHEET_CELLS = 8_000_000
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_PACKING_RATIO = 100  # unpacked / packed, for parts over a few MB
_CHUNK = 4 * 1024 * 1024
_DIMENSION = re.compile(
    rb'<dimension ref="([A-Z]{1,3})?([0-9]{1,7})?(?::([A-Z]{1,3})([0-9]{1,7}))?"'
)
_ROW = re.compile(rb'<row r="([0-9]+)"')
# Cell references past column Z or row 99,999: in most rosters there are none, so the scan
# finds few matches; the conservative defaults below stand for everything nearer.
_WIDE = re.compile(rb'r="([A-Z]{2,3})[0-9]')
_DEEP = re.compile(rb'r="[A-Z]{0,3}([0-9]{6,})"')
NEAR_COLUMNS, NEAR_ROWS = 26, 99_999


def file_format(name: str) -> str:
    """The format from the file name, or a clear error."""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in FORMATS:
        raise ValidationFailed(
            {"file": [str(_("Upload an Excel (.xlsx, .xls), OpenDocument (.ods) or CSV file."))]}
        )
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
        if abs(value) >= 1e15:
            # Past 15 digits Excel has already lost the rest (an ID number typed as a
            # number): keep the form Excel shows, so the check can say what happened.
            return f"{value:.15G}"
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


def column_number(letters: bytes | str) -> int:
    """A -> 1, Z -> 26, AA -> 27: Excel's column letters as a number."""
    number = 0
    for ch in letters.decode() if isinstance(letters, bytes) else letters:
        number = number * 26 + ord(ch) - 64
    return number


def _too_big(detail) -> ValidationFailed:
    return ValidationFailed(
        {
            "file": [
                str(
                    _(
                        "The file is too large to read safely: %(detail)s. Delete empty rows and "
                        "columns far from the data (or copy the table into a new file), or split it."
                    )
                    % {"detail": detail}
                )
            ]
        }
    )


def _check_grid(rows: int, columns: int) -> None:
    if rows > MAX_SHEET_ROWS:
        raise _too_big(
            _("a sheet reaches row %(rows)s (at most %(limit)s)")
            % {"rows": f"{rows:,}", "limit": f"{MAX_SHEET_ROWS:,}"}
        )
    if columns > MAX_SHEET_COLUMNS:
        raise _too_big(
            _("a sheet reaches column %(columns)s (at most %(limit)s)")
            % {"columns": f"{columns:,}", "limit": f"{MAX_SHEET_COLUMNS:,}"}
        )
    if rows * columns > MAX_SHEET_CELLS:
        raise _too_big(
            _("a sheet spans %(cells)s cells (at most %(limit)s)")
            % {"cells": f"{rows * columns:,}", "limit": f"{MAX_SHEET_CELLS:,}"}
        )


def _sheet_extent(part) -> tuple[int, int]:
    """(last row, last column) of a worksheet part, streamed, at least as far as the reader
    will go: its declared dimension, every row number, and the references past column Z or
    row 99,999 (rarely any); nearer cells count as column Z."""
    rows = columns = 0
    tail = b""
    while chunk := part.read(_CHUNK):
        text = tail + chunk
        if not tail and (declared := _DIMENSION.search(text)):
            end_col = declared.group(3) or declared.group(1) or b"A"
            _check_grid(int(declared.group(4) or declared.group(2) or 1), column_number(end_col))
        found = [int(n) for n in _ROW.findall(text) + _DEEP.findall(text)]
        wide = [column_number(letters) for letters in _WIDE.findall(text)]
        if found or wide or b"<c" in text:
            rows = max(rows, *found, 1 if found else NEAR_ROWS)
            columns = max(columns, *wide, NEAR_COLUMNS)
            _check_grid(rows, columns)
        # A reference cut by the chunk's end is whole in the next text.
        tail = text[-32:]
    return rows, columns


def check_limits(data: bytes, fmt: str) -> None:
    """Refuse, before reading it, a workbook whose grid or unpacked size passes the limits.

    Checked once, on upload: the stored copy is the checked one. An .xls is not packed and
    holds at most 65,536 × 256 cells: its grid is checked once read, before any cell becomes
    a Python value (`read_rows`).
    """
    if fmt not in {"xlsx", "ods"}:
        return
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip: the reader says what is wrong with it
    unpacked = sum(p.file_size for p in parts)
    if unpacked > MAX_UNPACKED_BYTES:
        raise _too_big(
            _("it unpacks to %(size)s MB (at most %(limit)s MB)")
            % {"size": unpacked // 2**20, "limit": MAX_UNPACKED_BYTES // 2**20}
        )
    for part in parts:
        if part.file_size > 4 * 2**20 and part.file_size > MAX_PACKING_RATIO * max(
            part.compress_size, 1
        ):
            raise _too_big(
                _("a part of it unpacks to %(ratio)s times its size (at most %(limit)s)")
                % {
                    "ratio": part.file_size // max(part.compress_size, 1),
                    "limit": MAX_PACKING_RATIO,
                }
            )
    for part in parts:
        name = part.filename
        if fmt == "xlsx" and not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
            continue
        if fmt == "ods" and name != "content.xml":
            continue
        try:
            with archive.open(part) as handle:
                (_sheet_extent if fmt == "xlsx" else _ods_extent)(handle)
        except (
            zipfile.BadZipFile,
            OSError,
            ValueError,
            EOFError,
            NotImplementedError,
            ElementTree.ParseError,
        ):
            return  # the reader reports a damaged file


_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_ROWS_REPEATED = f"{_TABLE}number-rows-repeated"
_COLUMNS_REPEATED = f"{_TABLE}number-columns-repeated"
_CELLS = {f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell"}


def _ods_extent(part) -> None:
    """Check each table of an .ods `content.xml`, streamed: its rows and cells may say
    "repeated a million times", and the reader repeats them. Repeated empty rows and cells
    (LibreOffice fills a sheet's rest with them) cost nothing and do not count."""
    last_row = last_column = row = 0
    # ElementTree fetches no external entity, and expat (2.4 and later) stops entity
    # amplification ("billion laughs"), so an uploaded content.xml is safe to stream here.
    for event, element in ElementTree.iterparse(part, events=("start", "end")):  # noqa: S314
        tag = element.tag
        if event == "start":
            if tag == f"{_TABLE}table":
                last_row = last_column = row = 0
            continue
        if tag != f"{_TABLE}table-row":
            continue
        repeated = int(element.get(_ROWS_REPEATED, "1"))
        column = 0
        filled = False
        for cell in element:
            if cell.tag not in _CELLS:
                continue
            span = int(cell.get(_COLUMNS_REPEATED, "1"))
            if cell.get(f"{_OFFICE}value-type") or len(cell) or (cell.text or "").strip():
                filled = True
                last_column = max(last_column, column + span)
            column += span
        row += repeated
        if filled:
            last_row = row
            _check_grid(last_row, last_column)
        element.clear()


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


def _unreadable(exc) -> ValidationFailed:
    return ValidationFailed(
        {"file": [str(_("The file cannot be read as a spreadsheet: %(e)s") % {"e": exc})]}
    )


def open_book(data: bytes, fmt: str) -> CalamineWorkbook | None:
    """The workbook, opened once for all its sheets (its shared strings are read on opening);
    None for a CSV."""
    if fmt == "csv":
        return None
    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except (CalamineError, ValueError, IndexError, OSError) as exc:
        raise _unreadable(exc) from None


def sheet_names(data: bytes, fmt: str) -> list[str]:
    """The workbook's sheets in order (a CSV has none)."""
    book = open_book(data, fmt)
    return [] if book is None else list(book.sheet_names)


def raw_rows(data: bytes, fmt: str, sheet: str = "", book: CalamineWorkbook | None = None):
    """A sheet's rows as the reader gives them (`sheet` by name, the first by default), or
    the CSV's; pass `book` (from `open_book`) to read several sheets of one file."""
    if fmt == "csv":
        return csv.reader(io.StringIO(_decode_csv(data), newline=""))
    book = book or open_book(data, fmt)
    assert book is not None
    try:
        if sheet and sheet not in book.sheet_names:
            raise ValidationFailed({"sheet": [str(_("The file has no sheet of this name."))]})
        found = book.get_sheet_by_name(sheet) if sheet else book.get_sheet_by_index(0)
        # Before any cell becomes a Python value (an .xls is checked only here).
        _check_grid(found.height, found.width)
        return found.to_python(skip_empty_area=False)
    except (CalamineError, ValueError, IndexError, OSError) as exc:
        raise _unreadable(exc) from None


def read_rows(
    data: bytes, fmt: str, sheet: str = "", book: CalamineWorkbook | None = None
) -> list[list[str]]:
    """Every row of a sheet (`sheet` by name, the first by default; or the CSV) as a list of
    cell texts, trailing blanks cut."""
    return text_rows(raw_rows(data, fmt, sheet, book))


def text_rows(grid) -> list[list[str]]:
    """Rows as the reader gives them as lists of cell texts, trailing blanks cut."""
    rows = []
    convert = cell_text
    normalized = unicodedata.is_normalized
    for raw in grid:
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
