"""The uploaded roster as stored: encrypted at rest (it holds ID numbers in clear), and its
data rows under the header."""

from __future__ import annotations

import base64

from zhiyuan.core import crypto
from zhiyuan.core.masking import mask_identifier
from zhiyuan.spreadsheets import reading
from zhiyuan.spreadsheets.models import ImportJob


def seal(data: bytes) -> bytes:
    return crypto.encrypt(base64.b64encode(data).decode("ascii")).encode("ascii")


def unseal(token: bytes) -> bytes:
    return base64.b64decode(crypto.decrypt(token.decode("ascii")))


def source_bytes(job: ImportJob) -> bytes:
    with job.source.open("rb") as handle:
        return unseal(handle.read())


def data_rows(job: ImportJob, rows: list[list[str]]) -> list[tuple[int, list[str]]]:
    """(row number in the file, cells) for every non-blank row under the header."""
    start = job.header_row  # 1-based header row: the data begin on the next line
    return [(start + 1 + i, cells) for i, cells in enumerate(rows[start:]) if any(cells)]


def preview(job: ImportJob, count: int = 3) -> list[list[str]]:
    """The first data rows for the column check, ID numbers and phones masked."""
    rows = data_rows(job, reading.read_rows(source_bytes(job), job.file_format))
    sensitive = {job.mapping.get("id_number"), job.mapping.get("phone")}
    return [
        [mask_identifier(cell) if i in sensitive else cell for i, cell in enumerate(cells)]
        for _row, cells in rows[:count]
    ]
