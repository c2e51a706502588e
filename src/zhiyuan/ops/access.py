"""Who may act on a person's data as a whole (export, anonymise)."""

from __future__ import annotations

from zhiyuan.accounts import scopes
from zhiyuan.volunteers.models import Volunteer


def may_export(user, volunteer: Volunteer) -> bool:
    """The volunteer themselves, or an office admin of their region."""
    own = volunteer.user_id is not None and volunteer.user_id == getattr(user, "pk", None)
    return own or scopes.administers_region(user, volunteer.community)
