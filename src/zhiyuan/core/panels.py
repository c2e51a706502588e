"""Sections that higher apps add to a lower app's page (a team's honours, a volunteer's courses).

A lower app's detail template says `{% object_panels team %}`; an app above it registers,
from its AppConfig.ready(), a function that renders its section for such an object:

    register_panel("teams.team", render_team_honours, order=20)

The function takes (request, obj) and returns HTML (already escaped, e.g. from
render_to_string) or "" to show nothing. So teams never imports honours, and a page
shows whatever the installed apps have to say about its object.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.safestring import SafeString, mark_safe

Panel = Callable[[object, object], str]

_PANELS: dict[str, list[tuple[int, Panel]]] = {}


def register_panel(model_label: str, panel: Panel, *, order: int = 50) -> None:
    """Add `panel` to the pages of objects of `model_label` ("app_label.modelname")."""
    entries = _PANELS.setdefault(model_label.lower(), [])
    if any(existing is panel for _order, existing in entries):
        return
    entries.append((order, panel))
    entries.sort(key=lambda entry: entry[0])


def render_panels(request, obj) -> SafeString:
    if obj is None:
        return mark_safe("")
    label = obj._meta.label_lower
    parts = [panel(request, obj) for _order, panel in _PANELS.get(label, [])]
    return mark_safe("".join(part for part in parts if part))  # noqa: S308 (panels escape)
