"""Dates typed in (a form field, a query's filter): one rule for the range the platform holds.

Python's dates run from the year 1 to 9999, but a day at either end cannot become a time in
Asia/Shanghai and back (0001-01-01 00:00 +08:00 is in the year 0 in UTC; the day after
9999-12-31 does not exist), and every period filter does just that: 0001-01-01 typed in a
"from" box was a server error on the project list, the exchange export and the dashboard.
A date outside these years is the field's error, or no filter where a query is read.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2199, 12, 31)


def in_range(day: dt.date) -> bool:
    return EARLIEST <= day <= LATEST


def out_of_range_message() -> str:
    return str(
        _("Enter a date between %(earliest)s and %(latest)s.")
        % {"earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()}
    )


def day_from(value: str | None) -> dt.date | None:
    """A date from a query's value (YYYY-MM-DD), or None: empty, not a date, or out of range."""
    try:
        day = dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return None
    return day if in_range(day) else None


class DateField(forms.DateField):
    """A form's date field that refuses a date outside EARLIEST–LATEST with a clear message."""

    def validate(self, value) -> None:
        super().validate(value)
        if value not in self.empty_values and not in_range(value):
            raise ValidationError(out_of_range_message(), code="date_out_of_range")
