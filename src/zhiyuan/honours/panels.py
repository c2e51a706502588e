"""The honours section on a volunteer's, team's, project's and station's page."""

from __future__ import annotations

from django.template.loader import render_to_string

from zhiyuan.honours.selectors import honours_of


def honours_panel(request, obj) -> str:
    awards = list(honours_of(obj)[:50])
    if not awards:
        return ""
    return render_to_string(
        "honours/_panel.html", {"awards": awards, "object": obj}, request=request
    )
