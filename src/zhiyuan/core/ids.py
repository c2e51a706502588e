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


def ids_from(values: Iterable[str]) -> list[int]:
    """The values of a form's list (ticked rows: `request.POST.getlist(...)`) that can be row
    ids, as numbers; the rest are dropped. ASCII digits only ("²".isdigit() is true, and
    int("²") fails) and within the database's integers (see above)."""
    ids = []
    for value in values:
        if value.isascii() and value.isdigit() and 0 < (number := int(value)) <= BIGINT_MAX:
            ids.append(number)
    return ids
