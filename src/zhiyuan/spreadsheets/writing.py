"""Writing every .xlsx and .csv the platform produces: user text as text, never a formula.

Exports, error reports and the statistics workbook all go through `XlsxBook` or
`csv_bytes`. A cell whose text starts with `=`, `+`, `-`, `@`, a tab or a carriage return
(OWASP "CSV injection") is written as a text cell with Excel's quote prefix in .xlsx, and
after a leading apostrophe in .csv, so no spreadsheet program runs it as a formula. Each
sheet has a title row (scope, period, time of export), a bold header frozen under it,
column widths fitted to the first rows, dates as dates and numbers as numbers. Rows are
streamed (openpyxl write-only): a sheet holds at most `ROWS_PER_SHEET` rows and continues
on the next one.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import IO, Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from zhiyuan.core.text import FORMULA_TRIGGERS, starts_like_formula

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
JSONL_TYPE = "application/x-ndjson; charset=utf-8"
# Excel's limit is 1,048,576 rows; a sheet per half million keeps each one quick to open.
ROWS_PER_SHEET = 500_000
# Widths are fitted to the header and this many rows (write-only sheets fix them up front).
SAMPLE_ROWS = 200
MAX_WIDTH = 60
_PLAIN = (int, float, Decimal, bool, dt.date)
BOLD = Font(bold=True)
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


def csv_text(text: str) -> str:
    """`text` for a .csv cell: an apostrophe before a formula trigger keeps it text."""
    return "'" + text if starts_like_formula(text) else text


def export_title(*parts: str, now: dt.datetime | None = None) -> str:
    """The title row: what is exported (scope, period …) and the time of export."""
    stamp = timezone.localtime(now or timezone.now()).strftime("%Y-%m-%d %H:%M")
    return "；".join([*(p for p in parts if p), _("Exported at %(time)s") % {"time": stamp}])


def _display_width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 19
    if isinstance(value, dt.date):
        return 10
    text = str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _sheet_name(name: str, used: set[str]) -> str:
    base = _SHEET_NAME_BAD.sub(" ", str(name)).strip()[:31] or "Sheet"
    candidate, n = base, 2
    while candidate.lower() in used:
        suffix = f" ({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate.lower())
    return candidate


class SheetWriter:
    """Rows of one logical sheet; continues on a new worksheet past `rows_per_sheet`."""

    def __init__(self, book: XlsxBook, name: str, header: Sequence, title: str | None):
        self._book = book
        self.name = str(name)
        self.header = [str(h) for h in header]
        self.title = title
        self.rows = 0
        self._pending: list[list] | None = []
        self._sheet = None
        self._in_sheet = 0
        self._parts = 0
        self._widths: list[float] = []

    # ---- cells

    def _text_cell(self, text: str):
        if not text.isprintable():
            text = ILLEGAL_CHARACTERS_RE.sub("", text)
        if not starts_like_formula(text):
            return text
        cell = WriteOnlyCell(self._sheet)
        cell.value = text
        cell.data_type = "s"
        cell.quotePrefix = True
        return cell

    def _cells(self, values: Iterable) -> list:
        out = []
        for value in values:
            kind = type(value)
            if kind is str:
                if value and (value[0] in FORMULA_TRIGGERS or not value.isprintable()):
                    value = self._text_cell(value)
            elif value is None or kind in _PLAIN:
                pass
            elif isinstance(value, dt.datetime):
                if timezone.is_aware(value):
                    value = timezone.make_naive(timezone.localtime(value))
            elif not isinstance(value, _PLAIN):
                # Lazy translations, enums: their text, checked like any other text.
                value = self._text_cell(str(value))
            out.append(value)
        return out

    def _bold(self, text: str):
        cell = WriteOnlyCell(self._sheet)
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", text)
        cell.data_type = "s"
        cell.quotePrefix = starts_like_formula(text)
        cell.font = BOLD
        return cell

    # ---- writing

    def append(self, values: Sequence) -> None:
        self.rows += 1
        if self._pending is not None:
            self._pending.append(list(values))
            if len(self._pending) >= SAMPLE_ROWS:
                self._flush()
            return
        if self._in_sheet >= self._book.rows_per_sheet:
            self._start()
        self._sheet.append(self._cells(values))
        self._in_sheet += 1

    def _fit(self, rows: list[list]) -> None:
        widths = [_display_width(h) for h in self.header]
        for row in rows:
            for i, value in enumerate(row):
                width = _display_width(value)
                if i >= len(widths):
                    widths.append(width)
                elif width > widths[i]:
                    widths[i] = width
        self._widths = [min(MAX_WIDTH, max(6, w) + 2) for w in widths]

    def _start(self) -> None:
        self._parts += 1
        name = self.name if self._parts == 1 else f"{self.name} ({self._parts})"
        sheet = self._book.book.create_sheet(_sheet_name(name, self._book.names))
        self._sheet = sheet
        for i, width in enumerate(self._widths, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = width
        top = 1
        if self.title:
            sheet.append([self._bold(self.title)])
            top += 1
        sheet.append([self._bold(title) for title in self.header])
        sheet.freeze_panes = f"A{top + 1}"
        self._in_sheet = 0

    def _flush(self) -> None:
        pending, self._pending = self._pending or [], None
        self._fit(pending)
        self._start()
        for row in pending:
            if self._in_sheet >= self._book.rows_per_sheet:
                self._start()
            self._sheet.append(self._cells(row))
            self._in_sheet += 1

    def close(self) -> None:
        if self._pending is not None:
            self._flush()


class XlsxBook:
    """A streamed .xlsx: `sheet(...)` per table, `append` rows, then `save()`."""

    def __init__(self, *, rows_per_sheet: int = ROWS_PER_SHEET):
        self.book = Workbook(write_only=True)
        self.rows_per_sheet = rows_per_sheet
        self.names: set[str] = set()
        self._sheets: list[SheetWriter] = []

    def sheet(self, name: str, header: Sequence, *, title: str | None = None) -> SheetWriter:
        # Sheets are created in order: finish the previous one before starting the next.
        if self._sheets:
            self._sheets[-1].close()
        writer = SheetWriter(self, name, header, title)
        self._sheets.append(writer)
        return writer

    def save(self, target: IO[bytes] | str | None = None) -> bytes | None:
        """Write the book to `target` (a path or a binary file), or return its bytes."""
        for writer in self._sheets:
            writer.close()
        if target is not None:
            self.book.save(target)
            return None
        buffer = io.BytesIO()
        self.book.save(buffer)
        return buffer.getvalue()


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return str(value)
    return csv_text(str(value))


def csv_bytes(header: Sequence, rows: Iterable[Sequence], *, title: str | None = None) -> bytes:
    """A .csv in UTF-8 with a BOM (what Excel on Chinese Windows opens correctly)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    if title:
        writer.writerow([csv_text(title)])
    writer.writerow([csv_text(str(h)) for h in header])
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")
