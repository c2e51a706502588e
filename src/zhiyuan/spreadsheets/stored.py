"""The uploaded roster as stored: encrypted at rest (it holds ID numbers in clear), the rows
the upload check read from it (as text, encrypted too), and its data rows under the header."""

from __future__ import annotations

import base64
import json
import zlib
from collections.abc import Iterator
from typing import IO

from django.core.files.base import ContentFile
from django.utils import timezone

from zhiyuan.core import crypto
from zhiyuan.core.masking import mask_identifier
from zhiyuan.spreadsheets import columns, reading
from zhiyuan.spreadsheets.models import SHEET_STRIDE, ImportJob


def seal(data: bytes) -> bytes:
    return crypto.encrypt(base64.b64encode(data).decode("ascii")).encode("ascii")


def unseal(token: bytes) -> bytes:
    return base64.b64decode(crypto.decrypt(token.decode("ascii")))


SEAL_CHUNK = 1024 * 1024


def seal_file(source: str, target: str) -> None:
    """`source` sealed into `target` a chunk a line, never whole in memory (an export may be
    hundreds of megabytes)."""
    with open(source, "rb") as src, open(target, "wb") as dst:
        while chunk := src.read(SEAL_CHUNK):
            dst.write(seal(chunk) + b"\n")


def unsealed_chunks(handle: IO[bytes]) -> Iterator[bytes]:
    """The content of a file sealed by `seal_file` (or whole by `seal`: one line), a chunk
    at a time."""
    for line in handle:
        if line.strip():
            yield unseal(line.strip())


def source_bytes(job: ImportJob) -> bytes:
    with job.source.open("rb") as handle:
        return unseal(handle.read())


def keep_rows(job: ImportJob, sheet: str, rows: list[list[str]]) -> None:
    """Keep a sheet's rows as `reading.read_rows` gives them, for every later step of the
    job (saved with the job): reading the workbook again cost the import as much as the
    upload check's own read. The sheet is named as in the workbook ("" for a CSV)."""
    payload = json.dumps([sheet, rows], ensure_ascii=False, separators=(",", ":"))
    if job.parsed:
        job.parsed.delete(save=False)
    job.parsed.save(
        f"{timezone.now():%Y%m%d%H%M%S}.bin",
        ContentFile(seal(zlib.compress(payload.encode(), 1))),
        save=False,
    )


def _kept(job: ImportJob) -> tuple[str, list[list[str]]] | None:
    """(sheet, rows) kept by `keep_rows`, or None (a job uploaded before they were kept)."""
    if not job.parsed:
        return None
    try:
        with job.parsed.open("rb") as handle:
            token = handle.read()
    except FileNotFoundError:
        return None
    sheet, rows = json.loads(zlib.decompress(unseal(token)))
    return sheet, rows


def sheet_rows(job: ImportJob, name: str | None = None, data: bytes | None = None, book=None):
    """The text rows of the sheet `name` (the job's sheet by default): those kept at upload
    when they are that sheet's, else read from the stored file (`data` if already unsealed,
    `book` if already opened)."""
    first = job.sheet or (job.sheets[0] if job.sheets else "")
    name = first if name is None else name
    kept = _kept(job)
    if kept is not None and kept[0] == name:
        return kept[1]
    data = source_bytes(job) if data is None else data
    return reading.read_rows(data, job.file_format, name, book)


def data_rows(
    job: ImportJob, rows: list[list[str]], offset: int = 0
) -> list[tuple[int, list[str]]]:
    """(row number in the file, cells) for every non-blank row under the header."""
    start = job.header_row  # 1-based header row: the data begin on the next line
    first = offset + start + 1
    return [(first + i, cells) for i, cells in enumerate(rows[start:]) if any(cells)]


def same_header(job: ImportJob, rows: list[list[str]]) -> bool:
    """Whether a sheet's row at the job's header row has the job's column titles."""
    if len(rows) < job.header_row:
        return False
    titles = [columns.normalise_title(t) for t in rows[job.header_row - 1]]
    return titles == [columns.normalise_title(t) for t in job.columns]


def job_rows(job: ImportJob, data: bytes | None = None) -> list[tuple[int, list[str]]]:
    """The rows the import reads: its sheet's, or those of every sheet with the same header
    (numbered sheet by sheet: `ImportJob.sheet_and_row`)."""
    if not job.all_sheets:
        return data_rows(job, sheet_rows(job, data=data))
    found: list[tuple[int, list[str]]] = []
    data = source_bytes(job) if data is None else data
    book = reading.open_book(data, job.file_format)
    kept = _kept(job)
    for position, name in enumerate(job.sheets):
        if kept is not None and kept[0] == name:
            rows = kept[1]
        else:
            rows = reading.read_rows(data, job.file_format, name, book)
        if name == job.sheet or same_header(job, rows):
            found += data_rows(job, rows, position * SHEET_STRIDE)
    return found


def included_sheets(job: ImportJob) -> list[str]:
    """The sheets an import over every sheet with the same header reads."""
    if not job.all_sheets:
        return [job.sheet]
    data = source_bytes(job)
    book = reading.open_book(data, job.file_format)
    return [
        name
        for name in job.sheets
        if name == job.sheet
        or same_header(job, reading.read_rows(data, job.file_format, name, book))
    ]


def preview(job: ImportJob, count: int = 3) -> list[list[str]]:
    """The first data rows for the column check, ID numbers and phones masked."""
    rows = job_rows(job)
    sensitive = {job.mapping.get("id_number"), job.mapping.get("phone")}
    return [
        [mask_identifier(cell) if i in sensitive else cell for i, cell in enumerate(cells)]
        for _row, cells in rows[:count]
    ]
