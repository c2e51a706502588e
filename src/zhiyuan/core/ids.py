"""A row's id as the API takes it in a body: a positive integer the database can hold.

Django answers a single id out of that range with no row, but a list of ids (`pk__in`) is
bound as it is, and a 20-digit number fails in the driver (SQLite's OverflowError, a
PostgreSQL out-of-range error): a server error for what is only a bad request. Lists of
ids in request schemas are `list[RowId]`, so such a number is refused with the field named.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

from ninja import Field

BIGINT_MAX = 2**63 - 1

RowId = Annotated[int, Field(ge=1, le=BIGINT_MAX)]


def row_id(value: str | None) -> int | None:
    """A row id from a form's or a query's value, or None: not ASCII digits ("²".isdigit()
    is true, and int("²") fails), 0, or past the database's integers (see above)."""
    if not value or not value.isascii() or not value.isdigit() or len(value) > 19:
        return None
    number = int(value)
    return number if 0 < number <= BIGINT_MAX else None


def ids_from(values: Iterable[str]) -> list[int]:
    """The values of a form's list (ticked rows: `request.POST.getlist(...)`) that are row
    ids (`row_id`), as numbers; the rest are dropped."""
    return [number for value in values if (number := row_id(value)) is not None]
