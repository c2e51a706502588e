"""Use cases that write sign-ups: take a place (or a waitlist place), cancel, remove, confirm,
mark a no-show, and remind the day before.

Sign-up rules hold under concurrency: `sign_up` locks the volunteer's row (their own
sign-ups queue, so no two overlapping shifts) and then the shift's row (so the last slot
goes to exactly one person); a conditional unique index refuses a double sign-up.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable

from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhiyuan.accounts.models import User
from zhiyuan.core.errors import Conflict, DomainError, PermissionDenied, ValidationFailed
from zhiyuan.core.prepared import Computed, Prepared, insert_compiled
from zhiyuan.projects.eligibility import skills_needed, unmet_conditions
from zhiyuan.projects.models import CalendarFeed, Project, Shift, SignUp
from zhiyuan.projects.services import _check_organiser, _local, _tell
from zhiyuan.volunteers.access import own_volunteer, own_volunteer_held, own_volunteer_id
from zhiyuan.volunteers.models import Volunteer


class NotEligible(DomainError):
    code = "not_eligible"
    status = 403

    def __init__(self, reasons: list[str]):
        self.reasons = reasons
        super().__init__(" ".join(reasons), field="shift")


class ShiftUnavailable(Conflict):
    code = "shift_unavailable"


class Overlap(Conflict):
    code = "overlapping_shift"
    default_message = _("You already hold a shift at this time.")


class AlreadySignedUp(Conflict):
    code = "already_signed_up"
    default_message = _("You are already signed up for this shift.")


# Sign-ups -----------------------------------------------------------------------------


# Whether a volunteer is checked in to a shift: the service app (above this one) registers
# its answer from ServiceConfig.ready(), so a sign-up is not cancelled under a running
# attendance.
_presence_checks: list[Callable[[int, int], bool]] = []


def register_presence_check(check: Callable[[int, int], bool]) -> None:
    """`check(volunteer_id, shift_id)` answers whether the volunteer is checked in now."""
    _presence_checks.append(check)


def _check_open(shift: Shift) -> None:
    activity, project = shift.activity, shift.activity.project
    if project.state != Project.State.PUBLISHED:
        raise ShiftUnavailable(_("This project is not open for sign-up."))
    if activity.is_cancelled or not shift.is_open:
        raise ShiftUnavailable(_("This shift is cancelled."))
    if shift.starts_at <= timezone.now():
        raise ShiftUnavailable(_("This shift has already started."))


def sign_up(*, actor: User, shift: Shift) -> SignUp:
    """Take a place, or a place on the waitlist when the shift is full.

    Locks, in this order: the volunteer's row (read with the lock on PostgreSQL:
    volunteers.access.own_volunteer_held), then the shift's row, by a statement sent with the
    first (one round trip) and run once it holds. Holding the first, no other sign-up of the
    same person runs, so the overlap check (made by the statement that takes the second
    lock) is exact; holding the second, no one else counts the confirmed places at the same
    time, and the shift's state is checked again on the locked row (an activity cancelled
    after the first check has cancelled this shift under the same lock).
    """
    needed = skills_needed(shift)  # before the transaction, inside which nothing is remembered
    locking = (_OWN_LOCKED_SHIFT, (shift.pk, actor.pk, shift.starts_at, shift.ends_at))
    with own_volunteer_held(actor, locking) as (volunteer, (locked_rows,)):
        return _take_place(volunteer=volunteer, shift=shift, needed=needed, locked_rows=locked_rows)


def sign_up_for(*, actor: User, shift: Shift, volunteer: Volunteer) -> SignUp:
    """An organiser of the project signs a volunteer up on their behalf (a confirmed matching
    proposal: most roster volunteers have no account); every rule of `sign_up` applies and
    the volunteer is told, by SMS when they have no account."""
    shift = Shift.objects.select_related("activity__project", "activity__station").get(pk=shift.pk)
    _check_organiser(actor, shift.activity.project)
    if not volunteer.is_active:
        raise NotEligible([gettext("This volunteer is not active.")])
    needed = skills_needed(shift)
    with transaction.atomic():
        Volunteer.objects.lock(volunteer.pk)
        return _take_place(volunteer=volunteer, shift=shift, needed=needed)


def _places_of(volunteer):
    """The places a volunteer holds (confirmed or waitlisted): `volunteer` their id, or the
    signed-in volunteer's own found by their account (`own_volunteer_id`)."""
    return SignUp.objects.filter(volunteer_id=volunteer, state__in=SignUp.HOLDING)


def _at_the_same_time(starts_at, ends_at) -> Q:
    """Places whose time overlaps this one's: a volunteer holds one place at a time."""
    return Q(starts_at__lt=ends_at, ends_at__gt=starts_at)


# The statements of a sign-up's transaction, compiled once (core.prepared).
# The locked shift, with what _check_open and the count need of it, not its sixty columns (on
# SQLite the whole database is locked while this is read), and whether the volunteer
# already holds this shift or another one at the given time: their places are theirs alone
# to change once their row is locked, so the statement that waits for the shift's lock
# answers that too, a round trip less on every sign-up.
def _locked_shift(pk, volunteer, starts_at, ends_at):
    return (
        Shift.objects.select_for_update(of=("self",))
        .select_related("activity__project")
        .only(
            "status",
            "capacity",
            "starts_at",
            "ends_at",
            "activity__status",
            "activity__project__state",
        )
        .annotate(
            repeat=Exists(_places_of(volunteer).filter(shift_id=pk)),
            overlap=Exists(_places_of(volunteer).filter(_at_the_same_time(starts_at, ends_at))),
        )
        .filter(pk=pk)[:1]
    )


_LOCKED_SHIFT = Prepared(
    lambda pk, volunteer_id, starts_at, ends_at: _locked_shift(pk, volunteer_id, starts_at, ends_at)
)
# The same for the signed-in volunteer's own sign-up, by their account: it goes to the server
# with the lock of their row (own_volunteer_held), and runs once that is held.
_OWN_LOCKED_SHIFT = Prepared(
    lambda pk, user_id, starts_at, ends_at: _locked_shift(
        pk, own_volunteer_id(user_id), starts_at, ends_at
    )
)
# The volunteer's places at the same time, by another shift's times (a shift moved since the
# caller read it).
_HELD = Prepared(
    lambda volunteer_id, shift_id, starts_at, ends_at: (
        _places_of(volunteer_id)
        .filter(Q(shift_id=shift_id) | _at_the_same_time(starts_at, ends_at))
        .values_list("shift_id", flat=True)
    )
)


@functools.cache
def _state_sql(vendor: str) -> str:
    """The new sign-up's state, decided as it is written under the shift's lock: confirmed
    while the shift's confirmed places are fewer than its capacity, else on the waitlist
    (counted by the INSERT itself: a statement, and on PostgreSQL a round trip, less)."""
    quote = connection.ops.quote_name
    table, shift, state = quote(SignUp._meta.db_table), quote("shift_id"), quote("state")
    return (
        "SELECT CASE WHEN COUNT(*) < %s THEN %s ELSE %s END "  # noqa: S608 (quoted names)
        f"FROM {table} WHERE {shift} = %s AND {state} = %s"
    )


def _take_place(
    *, volunteer: Volunteer, shift: Shift, needed: set[int], locked_rows: list | None = None
) -> SignUp:
    """Inside the caller's transaction, which holds the volunteer's row. The caller's `shift` is
    checked as it is (the callers load it with its activity and project); everything that may
    have changed since is checked again on the locked row (`_locked_shift`'s rows, which the
    caller may have read already)."""
    _check_open(shift)
    reasons = unmet_conditions(volunteer, shift, required_skill_ids=needed)
    if reasons:
        raise NotEligible(reasons)
    if locked_rows is None:
        locked_rows = _LOCKED_SHIFT.rows(shift.pk, volunteer.pk, shift.starts_at, shift.ends_at)
    locked = locked_rows[0] if locked_rows else None
    if locked is None:
        raise ShiftUnavailable(_("This shift is cancelled."))
    if locked.repeat:
        raise AlreadySignedUp()
    if locked.overlap:
        raise Overlap()
    _check_open(locked)
    if (locked.starts_at, locked.ends_at) != (shift.starts_at, shift.ends_at):
        _check_held(volunteer, locked)  # moved since the caller read it: by its new times
    confirmed, waitlisted = SignUp.State.CONFIRMED, SignUp.State.WAITLISTED
    state = Computed(
        _state_sql(connection.vendor),
        (locked.capacity, confirmed, waitlisted, locked.pk, confirmed),
    )
    try:
        (signup,) = insert_compiled(
            [
                SignUp(
                    shift=locked,
                    volunteer=volunteer,
                    state=state,
                    starts_at=locked.starts_at,
                    ends_at=locked.ends_at,
                )
            ]
        )
    except IntegrityError:  # a racing double: the caller's transaction ends with this error
        raise AlreadySignedUp() from None
    signup.shift = shift
    _announce(signup)
    return signup


def _check_held(volunteer: Volunteer, shift: Shift) -> None:
    """Refuse a repeat of this shift, or a place at the same time as another one."""
    held = set(_HELD.rows(volunteer.pk, shift.pk, shift.starts_at, shift.ends_at))
    if shift.pk in held:
        raise AlreadySignedUp()
    if held:
        raise Overlap()


def _announce(signup: SignUp, *, promoted: bool = False) -> None:
    shift = signup.shift
    when = _local(shift.starts_at)
    if signup.state == SignUp.State.CONFIRMED and not promoted:
        kind, subject = "signup_confirmed", gettext("You are signed up")
        body = gettext("%(title)s · %(role)s, %(when)s at %(place)s.")
    elif signup.state == SignUp.State.WAITLISTED:
        kind, subject = "signup_waitlisted", gettext("You are on the waitlist")
        body = gettext(
            "%(title)s · %(role)s, %(when)s at %(place)s is full; we will tell you if a place frees up."
        )
    else:
        kind, subject = "signup_promoted", gettext("A place freed up: you are confirmed")
        body = gettext("%(title)s · %(role)s, %(when)s at %(place)s.")
    _tell(
        [signup],
        kind=kind,
        key=f"{signup.state}{'-promoted' if promoted else ''}",
        subject=subject,
        body_for=lambda s: (
            body
            % {
                "title": shift.activity.title,
                "role": shift.role,
                "when": when,
                "place": shift.activity.place,
            }
        ),
    )


def _promote(shift: Shift) -> list[SignUp]:
    """Fill free places from the waitlist, first come first served. Caller holds the shift lock."""
    free = shift.capacity - shift.signups.filter(state=SignUp.State.CONFIRMED).count()
    if free <= 0:
        return []
    promoted = list(
        shift.signups.filter(state=SignUp.State.WAITLISTED)
        .select_related("volunteer__user", "shift__activity")
        .order_by("created_at", "id")[:free]
    )
    for signup in promoted:
        signup.state = SignUp.State.CONFIRMED
        signup.save(update_fields=["state", "changed_at"])
        _announce(signup, promoted=True)
    return promoted


def cancel_signup(*, actor: User, signup: SignUp) -> SignUp:
    """The volunteer withdraws; the first on the waitlist takes the place."""
    volunteer = own_volunteer(actor)
    if signup.volunteer_id != volunteer.pk:
        raise PermissionDenied(_("This is someone else's sign-up."))
    return _release(signup, to=SignUp.State.CANCELLED, note="")


def _release(signup: SignUp, *, to: str, note: str) -> SignUp:
    with transaction.atomic():
        shift = Shift.objects.select_for_update().select_related("activity").get(pk=signup.shift_id)
        row = SignUp.objects.select_for_update().get(pk=signup.pk)
        if row.state not in SignUp.HOLDING:
            raise Conflict(_("This sign-up is no longer active."))
        if shift.starts_at <= timezone.now() and to == SignUp.State.CANCELLED:
            raise Conflict(_("The shift has started: ask the organiser."))
        if to == SignUp.State.CANCELLED and any(
            check(row.volunteer_id, shift.pk) for check in _presence_checks
        ):
            raise Conflict(
                _("You are checked in to this shift: check out first."), code="checked_in"
            )
        row.state = to
        row.note = note[:300]
        row.save(update_fields=["state", "note", "changed_at"])
        _promote(shift)
    return row


def withdraw_signup(*, signup: SignUp, note: str) -> SignUp:
    """Release a place held by a volunteer who leaves the corps (ops anonymises them).

    No actor check: the caller (zhiyuan.ops.privacy) has checked who may erase the person.
    """
    return _release(signup, to=SignUp.State.REMOVED, note=note)


def remove_signup(*, actor: User, signup: SignUp, reason: str) -> SignUp:
    _check_organiser(actor, signup.shift.activity.project)
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationFailed({"reason": [gettext("Say why the volunteer is removed.")]})
    return _release(signup, to=SignUp.State.REMOVED, note=reason)


def confirm_signup(*, actor: User, signup: SignUp) -> SignUp:
    """The organiser confirms someone from the waitlist, if a place is free."""
    _check_organiser(actor, signup.shift.activity.project)
    with transaction.atomic():
        shift = Shift.objects.select_for_update().get(pk=signup.shift_id)
        # Lock the sign-up's own row: PostgreSQL refuses FOR UPDATE across the outer join
        # to the volunteer's (nullable) user.
        row = (
            SignUp.objects.select_for_update(of=("self",))
            .select_related("volunteer__user", "shift__activity")
            .get(pk=signup.pk)
        )
        if row.state != SignUp.State.WAITLISTED:
            raise Conflict(_("Only a waitlisted volunteer can be confirmed."))
        if shift.signups.filter(state=SignUp.State.CONFIRMED).count() >= shift.capacity:
            raise Conflict(_("The shift is full: raise its capacity first."))
        row.state = SignUp.State.CONFIRMED
        row.save(update_fields=["state", "changed_at"])
        _announce(row, promoted=True)
    return row


def mark_no_show(*, actor: User, signup: SignUp) -> SignUp:
    _check_organiser(actor, signup.shift.activity.project)
    with transaction.atomic():
        row = SignUp.objects.select_for_update().select_related("shift").get(pk=signup.pk)
        if row.state != SignUp.State.CONFIRMED:
            raise Conflict(_("Only a confirmed volunteer can be marked as not showing up."))
        if row.shift.starts_at > timezone.now():
            raise Conflict(_("The shift has not started yet."))
        row.state = SignUp.State.NO_SHOW
        row.save(update_fields=["state", "changed_at"])
    return row


def send_reminders(*, now: dt.datetime | None = None) -> int:
    """Remind everyone confirmed for a shift that starts tomorrow (run daily; repeats are no-ops)."""
    now = now or timezone.now()
    tomorrow = timezone.localtime(now).date() + dt.timedelta(days=1)
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(tomorrow, dt.time.min, tzinfo=tz)
    signups = list(
        SignUp.objects.filter(
            state=SignUp.State.CONFIRMED,
            starts_at__gte=start,
            starts_at__lt=start + dt.timedelta(days=1),
            shift__status=Shift.Status.OPEN,
        ).select_related("volunteer__user", "shift__activity__station")
    )
    with transaction.atomic():
        _tell(
            signups,
            kind="shift_reminder",
            key=tomorrow.isoformat(),
            subject=gettext("Reminder: your shift tomorrow"),
            body_for=lambda s: (
                gettext("%(title)s · %(role)s, %(when)s at %(place)s.")
                % {
                    "title": s.shift.activity.title,
                    "role": s.shift.role,
                    "when": _local(s.shift.starts_at),
                    "place": s.shift.activity.place,
                }
            ),
        )
    return len(signups)


def open_calendar_feed(*, actor: User) -> CalendarFeed:
    """The secret link of the volunteer's shift calendar, made the first time they ask for it."""
    volunteer = getattr(actor, "volunteer", None) if actor.is_authenticated else None
    if volunteer is None:
        raise PermissionDenied(_("Register as a volunteer first."))
    feed, _created = CalendarFeed.objects.get_or_create(volunteer=volunteer)
    return feed
