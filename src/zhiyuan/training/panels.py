"""The training section of a volunteer's profile page (own page, or an office admin's view)."""

from __future__ import annotations

from django.template.loader import render_to_string

from zhiyuan.training import selectors
from zhiyuan.volunteers.access import may_manage


def volunteer_training(request, volunteer) -> str:
    user = request.user
    own = volunteer.user_id is not None and volunteer.user_id == user.pk
    if not (own or may_manage(user, volunteer)):
        return ""
    return render_to_string(
        "training/_record.html", {**selectors.record_of(volunteer), "own": False}, request=request
    )
