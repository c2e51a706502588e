"""Reading a transfer file (转移接续) into rows: JSON Lines as the exchange export writes it,
or a spreadsheet (.xlsx, .csv) whose header names the service-record elements."""

from __future__ import annotations

import io
import json

from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

from zhiyuan.core.errors import ValidationFailed
from zhiyuan.exchange import fields
from zhiyuan.service.transfers import TransferRow
from zhiyuan.spreadsheets.columns import normalise_title
from zhiyuan.spreadsheets.reading import cell_text, check_limits, read_rows

MAX_BYTES = 20 * 1024 * 1024
HEADER_SCAN_ROWS = 20
_TITLES = {
    normalise_title(title): key
    for key, titles in fields.TRANSFER_COLUMNS.items()
    for title in titles
}


def _refuse(message: str) -> ValidationFailed:
    return ValidationFailed({"file": [message]})


def _row(number: int, values: dict[str, str]) -> TransferRow:
    return TransferRow(row=number, **{k: v for k, v in values.items() if k in _KEYS})


_KEYS = set(fields.TRANSFER_COLUMNS)


def _check_columns(found: set[str]) -> None:
    missing = [fields.TRANSFER_COLUMNS[k][0] for k in fields.TRANSFER_REQUIRED if k not in found]
    if not ({"national_no", "id_number"} & found):
        missing.append(_("%(a)s or %(b)s") % {"a": "志愿者统一编号", "b": "证件号码"})
    if missing:
        raise _refuse(
            _("The file has no column for: %(columns)s.") % {"columns": "、".join(missing)}
        )


def _mapped(item: dict) -> dict[str, str]:
    """A record's values under the transfer keys, whatever heading the source used."""
    values: dict[str, str] = {}
    for title, value in item.items():
        key = _TITLES.get(normalise_title(str(title)))
        if key is not None and key not in values:
            values[key] = value.strip() if isinstance(value, str) else cell_text(value)
    return values


def rows_from_records(records: list[dict]) -> list[TransferRow]:
    """The API's records (objects keyed by the elements' names) as transfer rows."""
    records = [
        item
        for item in records
        if item.get(fields.RECORD_TYPE) in (None, fields.RECORD.name)  # not volunteers …
    ]
    rows = [_row(number, _mapped(item)) for number, item in enumerate(records, start=1)]
    found = {key for item in records for key in _mapped(item)}
    if rows:
        _check_columns(found)
    return rows


def _jsonl(data: bytes) -> list[TransferRow]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse(_("A JSON Lines file must be UTF-8.")) from None
    rows: list[TransferRow] = []
    found: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError:
            raise _refuse(_("Line %(n)d is not JSON.") % {"n": number}) from None
        if not isinstance(item, dict):
            raise _refuse(_("Line %(n)d is not a JSON object.") % {"n": number})
        kind = item.get(fields.RECORD_TYPE)
        if kind == fields.HEADER:
            version = str(item.get("版本", ""))
            if (
                item.get("格式") == fields.FORMAT
                and version.split(".")[0] != fields.VERSION.split(".")[0]
            ):
                raise _refuse(
                    _(
                        "This file is in version %(v)s of the format; this system reads version %(ours)s."
                    )
                    % {"v": version, "ours": fields.VERSION}
                )
            continue
        if kind not in (None, fields.RECORD.name):
            continue  # volunteers, teams … of a full exchange file: not records to transfer
        values = _mapped(item)
        found.update(values)
        rows.append(_row(number, values))
    if rows:
        _check_columns(found)
    return rows


def _sheet(data: bytes, fmt: str) -> list[list[str]]:
    """The rows of the service-record sheet: the one named 志愿服务记录 (an exchange export),
    else the first."""
    if fmt == "csv":
        return read_rows(data, fmt)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        name = fields.RECORD.name if fields.RECORD.name in book.sheet_names else book.sheet_names[0]
        grid = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except (CalamineError, ValueError, IndexError, OSError) as exc:
        raise _refuse(_("The file cannot be read as a spreadsheet: %(e)s") % {"e": exc}) from None
    return [[cell_text(v) for v in row] for row in grid]


def _grid(grid: list[list[str]]) -> list[TransferRow]:
    best, best_columns = None, {}
    for index, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        columns: dict[str, int] = {}
        for position, title in enumerate(row):
            key = _TITLES.get(normalise_title(title))
            if key is not None and key not in columns:
                columns[key] = position
        if len(columns) > len(best_columns):
            best, best_columns = index, columns
    if best is None:
        raise _refuse(_("No header row naming the service-record fields was found."))
    _check_columns(set(best_columns))
    rows = []
    for index, cells in enumerate(grid[best + 1 :], start=best + 2):
        if not any(cells):
            continue
        values = {
            key: cells[position] if position < len(cells) else ""
            for key, position in best_columns.items()
        }
        rows.append(_row(index, values))
    return rows


def read_transfer_file(name: str, data: bytes) -> list[TransferRow]:
    """The service records of a transfer file; a file that cannot be read is refused whole."""
    if len(data) > MAX_BYTES:
        raise _refuse(_("A transfer file may be at most 20 MB."))
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext in ("jsonl", "ndjson"):
        return _jsonl(data)
    if ext in ("xlsx", "csv"):
        check_limits(data, ext)
        return _grid(_sheet(data, ext))
    raise _refuse(_("Upload a JSON Lines (.jsonl), Excel (.xlsx) or CSV (.csv) file."))
