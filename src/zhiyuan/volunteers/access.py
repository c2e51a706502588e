"""The one permission-checked getter for a volunteer, used by every page and API endpoint."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections, transaction
from django.utils.translation import gettext_lazy as _

from zhiyuan.accounts import scopes
from zhiyuan.core.errors import NotFound, PermissionDenied
from zhiyuan.core.prepared import Prepared
from zhiyuan.places.models import Region
from zhiyuan.volunteers.models import Volunteer
from zhiyuan.volunteers.selectors import visible_volunteers

_OWN_LOCKED = Prepared(
    lambda user_id: Volunteer._base_manager.select_for_update().filter(user_id=user_id)[:1]
)


def own_volunteer(actor, *, lock: bool = False) -> Volunteer:
    """The signed-in actor's own volunteer registration, which must be active: whose sign-up,
    scan, enrolment, team membership or correction request it is (403 otherwise).

    lock=True, inside `transaction.atomic()`: the row is also held until the transaction
    ends, as `Volunteer.objects.lock` holds it (their own writes run one at a time), and the
    registration is checked as it is once held. On PostgreSQL one statement reads and locks
    it (a sign-up or a scan was a read, then a lock: a round trip more on every write of a
    civility day); SQLite's write transaction already holds the whole database. Callers
    use `own_volunteer_held`.
    """
    volunteer = None
    if actor.is_authenticated:
        if lock and connections[Volunteer.objects.db].features.has_select_for_update:
            volunteer = _OWN_LOCKED.first(actor.pk)
            if volunteer is not None:  # `actor.volunteer` is this row from now on
                Volunteer._meta.get_field("user").set_cached_value(volunteer, actor)
                Volunteer._meta.get_field("user").remote_field.set_cached_value(actor, volunteer)
        else:
            volunteer = getattr(actor, "volunteer", None)
    if volunteer is None:
        raise PermissionDenied(_("Register as a volunteer first."))
    if not volunteer.is_active:
        raise PermissionDenied(_("Your volunteer registration is not active."))
    return volunteer


@contextmanager
def own_volunteer_held(actor) -> Iterator[Volunteer]:
    """`transaction.atomic()`, holding the actor's own registration (`own_volunteer`) until it
    ends: the block runs as the only write of that volunteer (a sign-up, a scan).

    PostgreSQL reads, locks and checks the row with one statement inside the transaction;
    SQLite reads it first, outside its write transaction, which already holds the database
    and which every other writer waits for.
    """
    if connections[Volunteer.objects.db].features.has_select_for_update:
        with transaction.atomic():
            yield own_volunteer(actor, lock=True)
    else:
        volunteer = own_volunteer(actor)
        with transaction.atomic():
            yield volunteer


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
