"""The one permission-checked getter for a volunteer, used by every page and API endpoint."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhiyuan.accounts import scopes
from zhiyuan.core.errors import NotFound, PermissionDenied
from zhiyuan.places.models import Region
from zhiyuan.volunteers.models import Volunteer
from zhiyuan.volunteers.selectors import visible_volunteers


def volunteer_for(user, volunteer_no: str, *, manage: bool = False) -> Volunteer:
    """The volunteer with this public number if `user` may see it (404 otherwise).

    With `manage=True` the user must also administer the volunteer's region (403):
    reviewing, suspending and revealing personal data.
    """
    volunteer = (
        visible_volunteers(user)
        .select_related("community", "community__parent", "reviewed_by")
        .filter(volunteer_no=volunteer_no)
        .first()
    )
    if volunteer is None:
        raise NotFound(_("No such volunteer."))
    if manage and not scopes.administers_region(user, volunteer.community):
        raise PermissionDenied(_("Only an office admin of the volunteer's region may do this."))
    return volunteer


def check_roster(user) -> None:
    """The roster is the offices' (each sees its own region's volunteers: the selector scopes)."""
    if not scopes.is_district_admin(user):
        raise PermissionDenied(_("Only office admins may see the roster."))


def may_manage(user, volunteer: Volunteer) -> bool:
    return scopes.administers_region(user, volunteer.community)


def may_register_in(user, community: Region) -> bool:
    """An office admin registers (and so approves) volunteers only in their own region;
    anyone else registers themselves, anywhere, and waits for that region's office."""
    return not scopes.is_district_admin(user) or scopes.administers_region(user, community)
