"""Row ids from outside (an API body, a form's ticked rows, a query): one rule for what can be one.

Django answers a single id out of range with no row, but a list of ids (`pk__in`) is bound as
it is, and a 20-digit number fails in the driver (SQLite's OverflowError, a PostgreSQL
out-of-range error); "²".isdigit() is true and int("²") fails. Each was a server error for
what is only a bad request. Lists of ids in API request schemas are `list[RowId]` (a 400
naming the field); form and query values go through `row_id` / `ids_from`, which pass over
what cannot be an id; a form's multiple choice of rows is a `RowsChoiceField`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
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


class RowsChoiceField(forms.ModelMultipleChoiceField):
    """Django's multiple choice of rows, refusing a value that cannot be a row id as Django
    refuses "abc" (its own check binds the whole list in one `__in` query: see above)."""

    def clean(self, value):
        key = self.to_field_name or "pk"
        meta = self.queryset.model._meta
        target = meta.pk if key == "pk" else meta.get_field(key)
        if isinstance(value, list | tuple) and isinstance(target, models.IntegerField):
            for pk in value:
                if pk not in self.empty_values and row_id(str(pk)) is None:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": pk},
                    )
        return super().clean(value)
