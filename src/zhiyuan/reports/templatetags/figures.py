"""The `figure` filter: a number as a report prints it (thousands separated, no trailing .0)."""

from __future__ import annotations

from django import template

from zhiyuan.reports.wording import number

register = template.Library()


@register.filter
def figure(value) -> str:
    return number(value)
