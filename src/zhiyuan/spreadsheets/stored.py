"""The uploaded roster as stored: encrypted at rest (it holds ID numbers in clear), and its
data rows under the header."""

from __future__ import annotations

import base64

from zhiyuan.core import crypto
from zhiyuan.core.masking import mask_identifier
from zhiyuan.spreadsheets import columns, reading
from zhiyuan.spreadsheets.models import SHEET_STRIDE, ImportJob


def seal(data: bytes) -> bytes:
    return crypto.encrypt(base64.b64encode(data).decode("ascii")).encode("ascii")


def unseal(token: bytes) -> bytes:
    return base64.b64decode(crypto.decrypt(token.decode("ascii")))


def source_bytes(job: ImportJob) -> bytes:
    with job.source.open("rb") as handle:
        return unseal(handle.read())


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
    data = source_bytes(job) if data is None else data
    if not job.all_sheets:
        return data_rows(job, reading.read_rows(data, job.file_format, job.sheet))
    found: list[tuple[int, list[str]]] = []
    book = reading.open_book(data, job.file_format)
    for position, name in enumerate(job.sheets):
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
