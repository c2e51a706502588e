"""The one permission-checked getter for a volunteer, used by every page and API endpoint."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections, transaction
from django.db.models import Subquery
from django.utils.translation import gettext_lazy as _

from zhiyuan.accounts import scopes
from zhiyuan.core.errors import NotFound, PermissionDenied
from zhiyuan.core.prepared import Prepared, rows_together
from zhiyuan.places.models import Region
from zhiyuan.volunteers.models import Volunteer
from zhiyuan.volunteers.selectors import visible_volunteers

_OWN_LOCKED = Prepared(
    lambda user_id: Volunteer._base_manager.select_for_update().filter(user_id=user_id)[:1]
)


def own_volunteer(actor) -> Volunteer:
    """The signed-in actor's own volunteer registration, which must be active: whose sign-up,
    scan, enrolment, team membership or correction request it is (403 otherwise). To write
    as that volunteer, hold the row: `own_volunteer_held`."""
    return _checked(getattr(actor, "volunteer", None) if actor.is_authenticated else None)


def _checked(volunteer: Volunteer | None) -> Volunteer:
    if volunteer is None:
        raise PermissionDenied(_("Register as a volunteer first."))
    if not volunteer.is_active:
        raise PermissionDenied(_("Your volunteer registration is not active."))
    return volunteer


def own_volunteer_id(user_id):
    """The id of an account's volunteer registration, as a scalar subquery: the statements
    sent with the volunteer's lock (`own_volunteer_held`) name the volunteer by the account,
    and the database then finds the rows by the volunteer's own indexes (a join through the
    account made SQLite scan a shift's sign-ups: 1.2 ms a sign-up)."""
    return Subquery(Volunteer._base_manager.filter(user_id=user_id).values("pk")[:1])


@contextmanager
def own_volunteer_held(
    actor, *also: tuple[Prepared, tuple]
) -> Iterator[tuple[Volunteer, list[list]]]:
    """`transaction.atomic()`, holding the actor's own registration (`own_volunteer`) until it
    ends: the block runs as the only write of that volunteer (a sign-up, a scan). Yields the
    volunteer and the rows of `also`, core.prepared calls run once the row is held (each
    `(prepared, args)`, by the actor's account, `own_volunteer_id`, as the volunteer's id is
    not known before).

    PostgreSQL reads, locks and checks the row inside the transaction, as it is once held,
    with one statement, and sends `also` with it (core.prepared.rows_together): the
    transaction's BEGIN, the lock and the statements that need it are one round trip, and
    the server runs them in that order, so each of `also` sees the row held. SQLite reads
    the row first, outside its write transaction, which already holds the database and
    which every other writer waits for.
    """
    if connections[Volunteer.objects.db].features.has_select_for_update:
        with transaction.atomic():
            rows: list[list] = []
            volunteer = None
            if actor.is_authenticated:
                found, *rows = rows_together((_OWN_LOCKED, (actor.pk,)), *also)
                volunteer = found[0] if found else None
            if volunteer is not None:  # `actor.volunteer` is this row from now on
                Volunteer._meta.get_field("user").set_cached_value(volunteer, actor)
                Volunteer._meta.get_field("user").remote_field.set_cached_value(actor, volunteer)
            yield _checked(volunteer), rows
    else:
        volunteer = own_volunteer(actor)
        with transaction.atomic():
            yield volunteer, [prepared.rows(*args) for prepared, args in also]


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
