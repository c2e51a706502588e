"""Use cases that write projects: publish, schedule (one-off and recurring), shifts, sign-ups.

Sign-up rules hold under concurrency: `sign_up` locks the volunteer's row (their own
sign-ups queue, so no two overlapping shifts) and then the shift's row (so the last slot
goes to exactly one person); a conditional unique index refuses a double sign-up.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Iterable

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhiyuan.accounts import scopes
from zhiyuan.accounts.models import Actor, User
from zhiyuan.core.errors import Conflict, DomainError, PermissionDenied, ValidationFailed
from zhiyuan.projects.access import may_organise
from zhiyuan.projects.eligibility import unmet_conditions
from zhiyuan.projects.models import Activity, ActivitySeries, Category, Project, Shift, SignUp
from zhiyuan.stations.models import Station
from zhiyuan.teams.access import may_manage as may_manage_team
from zhiyuan.teams.models import Team
from zhiyuan.volunteers.models import Skill, Volunteer
from zhiyuan.volunteers.notices import notify_volunteer


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


def _check_organiser(actor: User, project: Project) -> None:
    if not may_organise(actor, project):
        raise PermissionDenied(_("Only admins of the organising team may do this."))


def _local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


# Projects -----------------------------------------------------------------------------


def _project_errors(*, name, category, starts_on, ends_on) -> dict:
    errors: dict[str, list[str]] = {}
    if not (name or "").strip():
        errors["name"] = [gettext("The name is required.")]
    if category is None:
        errors["category"] = [gettext("Choose a category.")]
    if starts_on is None or ends_on is None:
        errors["ends_on"] = [gettext("Give the start and end dates.")]
    elif ends_on < starts_on:
        errors["ends_on"] = [gettext("The end cannot be before the start.")]
    return errors


def create_project(
    *,
    actor: User,
    name: str,
    category: Category | None,
    organiser: Team,
    starts_on: dt.date,
    ends_on: dt.date,
    description: str = "",
    target_recipients: str = "",
    is_brand: bool = False,
) -> Project:
    """A draft project of the organiser team; its admins (and the office above) may."""
    if not may_manage_team(actor, organiser):
        raise PermissionDenied(_("Only admins of the organising team may create its projects."))
    errors = _project_errors(name=name, category=category, starts_on=starts_on, ends_on=ends_on)
    if not organiser.is_active:
        errors["organiser"] = [gettext("The organising team is dissolved.")]
    if is_brand and not scopes.administers_region(actor, organiser.region):
        errors["is_brand"] = [gettext("Only the office names brand projects.")]
    if errors:
        raise ValidationFailed(errors)
    return Project.objects.create(
        name=name.strip(),
        category=category,
        organiser=organiser,
        starts_on=starts_on,
        ends_on=ends_on,
        description=(description or "").strip(),
        target_recipients=(target_recipients or "").strip(),
        is_brand=is_brand,
    )


def update_project(*, actor: User, project: Project, **changes) -> Project:
    _check_organiser(actor, project)
    allowed = {
        "name",
        "category",
        "description",
        "target_recipients",
        "starts_on",
        "ends_on",
        "is_brand",
    }
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationFailed(
            {name: [gettext("This field cannot be changed.")] for name in unknown}
        )
    merged = {name: changes.get(name, getattr(project, name)) for name in allowed}
    errors = _project_errors(
        name=merged["name"],
        category=merged["category"],
        starts_on=merged["starts_on"],
        ends_on=merged["ends_on"],
    )
    if "is_brand" in changes and not scopes.administers_region(actor, project.organiser.region):
        errors["is_brand"] = [gettext("Only the office names brand projects.")]
    if errors:
        raise ValidationFailed(errors)
    for name, value in changes.items():
        setattr(project, name, value.strip() if isinstance(value, str) else value)
    if changes:
        project.save(update_fields=list(changes))
    return project


def publish_project(*, actor: User, project: Project) -> Project:
    _check_organiser(actor, project)
    if project.state != Project.State.DRAFT:
        raise Conflict(_("Only a draft can be published."))
    project.state = Project.State.PUBLISHED
    project.published_at = timezone.now()
    project.save(update_fields=["state", "published_at"])
    return project


def close_project(*, actor: User, project: Project) -> Project:
    _check_organiser(actor, project)
    if project.state != Project.State.PUBLISHED:
        raise Conflict(_("Only a published project can be closed."))
    project.state = Project.State.CLOSED
    project.save(update_fields=["state"])
    return project


# Activities ---------------------------------------------------------------------------


def _activity_errors(project, *, title, station, address, starts_at, ends_at) -> dict:
    errors: dict[str, list[str]] = {}
    if not (title or "").strip():
        errors["title"] = [gettext("The title is required.")]
    if station is None and not (address or "").strip():
        errors["address"] = [gettext("Give a station or an address.")]
    if station is not None and not station.is_open:
        errors["station"] = [gettext("This station is closed.")]
    if starts_at is None or ends_at is None:
        errors["ends_at"] = [gettext("Give the start and end times.")]
    elif ends_at <= starts_at:
        errors["ends_at"] = [gettext("The end must be after the start.")]
    elif not (
        project.starts_on <= timezone.localtime(starts_at).date()
        and timezone.localtime(ends_at).date() <= project.ends_on
    ):
        errors["starts_at"] = [gettext("The activity must fall within the project's dates.")]
    return errors


def create_activity(
    *,
    actor: User,
    project: Project,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    station: Station | None = None,
    address: str = "",
    description: str = "",
) -> Activity:
    _check_organiser(actor, project)
    if project.state == Project.State.CLOSED:
        raise Conflict(_("The project is closed."))
    errors = _activity_errors(
        project, title=title, station=station, address=address, starts_at=starts_at, ends_at=ends_at
    )
    if errors:
        raise ValidationFailed(errors)
    return Activity.objects.create(
        project=project,
        title=title.strip(),
        station=station,
        address=(address or "").strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        description=(description or "").strip(),
    )


def _holders(shifts) -> list[SignUp]:
    return list(
        SignUp.objects.filter(shift__in=shifts, state__in=SignUp.HOLDING).select_related(
            "volunteer__user", "shift__activity"
        )
    )


def _tell(signups: Iterable[SignUp], *, kind: str, subject, body_for, key: str) -> None:
    for signup in signups:
        notify_volunteer(
            signup.volunteer,
            kind=kind,
            key=f"{kind}:{key}:{signup.pk}",
            subject=subject,
            body=body_for(signup),
            link=reverse("projects:my_shifts"),
        )


def update_activity(
    *,
    actor: User,
    activity: Activity,
    title=None,
    starts_at=None,
    ends_at=None,
    station=None,
    address=None,
    description=None,
) -> Activity:
    """Edit one activity (of a series too); volunteers holding its shifts are told of a change."""
    _check_organiser(actor, activity.project)
    if activity.is_cancelled:
        raise Conflict(_("This activity is cancelled."))
    starts = activity.starts_at if starts_at is None else starts_at
    ends = activity.ends_at if ends_at is None else ends_at
    new = {
        "title": activity.title if title is None else title,
        "starts_at": starts,
        "ends_at": ends,
        "station": activity.station if station is None else station,
        "address": activity.address if address is None else address,
    }
    errors = _activity_errors(activity.project, **new)
    moved = (starts, ends) != (activity.starts_at, activity.ends_at)
    if moved:
        delta_start = starts - activity.starts_at
        delta_end = ends - activity.ends_at
        for shift in activity.shifts.all():
            if not (starts <= shift.starts_at + delta_start and shift.ends_at + delta_end <= ends):
                errors["starts_at"] = [gettext("A shift would fall outside the activity.")]
                break
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        for name, value in new.items():
            setattr(activity, name, value.strip() if isinstance(value, str) else value)
        if description is not None:
            activity.description = description.strip()
        activity.save()
        shifts = list(activity.shifts.select_for_update())
        if moved:
            for shift in shifts:
                shift.starts_at += delta_start
                shift.ends_at += delta_end
                shift.save(update_fields=["starts_at", "ends_at"])
                shift.signups.filter(state__in=SignUp.HOLDING).update(
                    starts_at=shift.starts_at, ends_at=shift.ends_at
                )
        stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
        _tell(
            _holders(shifts),
            kind="shift_changed",
            key=stamp,
            subject=gettext("Your shift has changed"),
            body_for=lambda s: (
                gettext("%(title)s: now %(when)s at %(place)s.")
                % {
                    "title": activity.title,
                    "when": _local(s.shift.starts_at),
                    "place": activity.place,
                }
            ),
        )
    return activity


def cancel_activity(*, actor: User, activity: Activity, reason: str) -> Activity:
    """Cancel one activity and its shifts; everyone signed up is told why."""
    _check_organiser(actor, activity.project)
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationFailed({"reason": [gettext("Say why the activity is cancelled.")]})
    with transaction.atomic():
        activity = Activity.objects.select_for_update().get(pk=activity.pk)
        if activity.is_cancelled:
            raise Conflict(_("This activity is already cancelled."))
        activity.status = Activity.Status.CANCELLED
        activity.cancel_reason = reason[:300]
        activity.save(update_fields=["status", "cancel_reason"])
        shifts = list(activity.shifts.select_for_update())
        holders = _holders(shifts)
        Shift.objects.filter(activity=activity).update(status=Shift.Status.CANCELLED)
        SignUp.objects.filter(pk__in=[s.pk for s in holders]).update(
            state=SignUp.State.CANCELLED, note=reason[:300]
        )
        _tell(
            holders,
            kind="shift_cancelled",
            key="activity",
            subject=gettext("Your shift is cancelled"),
            body_for=lambda s: (
                gettext("%(title)s on %(when)s is cancelled: %(reason)s")
                % {"title": activity.title, "when": _local(s.shift.starts_at), "reason": reason}
            ),
        )
    return activity


def _series_dates(frequency: str, day: int, first: dt.date, last: dt.date) -> list[dt.date]:
    dates = []
    if frequency == ActivitySeries.Frequency.MONTHLY:
        year, month = first.year, first.month
        while (year, month) <= (last.year, last.month):
            if day <= calendar.monthrange(year, month)[1]:
                candidate = dt.date(year, month, day)
                if first <= candidate <= last:
                    dates.append(candidate)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    else:
        current = first + dt.timedelta(days=(day - 1 - first.weekday()) % 7)
        while current <= last:
            dates.append(current)
            current += dt.timedelta(days=7)
    return dates


def _template_errors(template) -> tuple[dict, list[tuple[str, int, list[Skill], int, bool]]]:
    errors: dict[str, list[str]] = {}
    rows = []
    if not isinstance(template, list) or not template:
        return {"shift_template": [gettext("Give at least one shift: a role and a capacity.")]}, []
    for entry in template:
        role = str((entry or {}).get("role", "")).strip()
        capacity = (entry or {}).get("capacity")
        if not role or not isinstance(capacity, int) or capacity < 1:
            errors["shift_template"] = [
                gettext("Each shift needs a role and a capacity of at least 1.")
            ]
            break
        codes = list(entry.get("skills") or [])
        skills = list(Skill.objects.filter(code__in=codes))
        if len(skills) != len(set(codes)):
            errors["shift_template"] = [gettext("A shift names an unknown skill.")]
            break
        rows.append(
            (
                role,
                capacity,
                skills,
                int(entry.get("min_age") or 0),
                bool(entry.get("insurance_required")),
            )
        )
    return errors, rows


def create_series(
    *,
    actor: User,
    project: Project,
    title: str,
    frequency: str,
    day: int,
    start_time: dt.time,
    end_time: dt.time,
    first_date: dt.date,
    last_date: dt.date,
    stations: list[Station],
    shift_template: list[dict],
) -> ActivitySeries:
    """One action for a whole year of, e.g., 文明礼让日: every date × every station, with shifts.

    Each activity it creates stands alone afterwards: edit or cancel it by itself.
    """
    _check_organiser(actor, project)
    errors: dict[str, list[str]] = {}
    if not (title or "").strip():
        errors["title"] = [gettext("The title is required.")]
    if frequency not in ActivitySeries.Frequency.values:
        errors["frequency"] = [gettext("Choose monthly or weekly.")]
    elif frequency == ActivitySeries.Frequency.MONTHLY and not 1 <= day <= 28:
        errors["day"] = [gettext("A monthly day must be between 1 and 28.")]
    elif frequency == ActivitySeries.Frequency.WEEKLY and not 1 <= day <= 7:
        errors["day"] = [gettext("A weekday is 1 (Monday) to 7 (Sunday).")]
    if start_time is None or end_time is None or end_time <= start_time:
        errors["end_time"] = [gettext("The end must be after the start.")]
    if first_date is None or last_date is None or last_date < first_date:
        errors["last_date"] = [gettext("The end cannot be before the start.")]
    elif first_date < project.starts_on or last_date > project.ends_on:
        errors["last_date"] = [gettext("The series must fall within the project's dates.")]
    if not stations:
        errors["stations"] = [gettext("Choose at least one station.")]
    elif any(not s.is_open for s in stations):
        errors["stations"] = [gettext("A chosen station is closed.")]
    template_errors, rows = _template_errors(shift_template)
    errors.update(template_errors)
    if errors:
        raise ValidationFailed(errors)
    tz = timezone.get_current_timezone()
    with transaction.atomic():
        series = ActivitySeries.objects.create(
            project=project,
            title=title.strip(),
            frequency=frequency,
            day=day,
            start_time=start_time,
            end_time=end_time,
            first_date=first_date,
            last_date=last_date,
            shift_template=shift_template,
            created_by=actor,
        )
        series.stations.set(stations)
        activities = [
            Activity(
                project=project,
                series=series,
                title=series.title,
                station=station,
                address=station.address,
                starts_at=dt.datetime.combine(date, start_time, tzinfo=tz),
                ends_at=dt.datetime.combine(date, end_time, tzinfo=tz),
            )
            for date in _series_dates(frequency, day, first_date, last_date)
            for station in stations
        ]
        Activity.objects.bulk_create(activities, batch_size=1000)
        activities = list(Activity.objects.filter(series=series).order_by("id"))
        shifts = [
            Shift(
                activity=activity,
                role=role,
                starts_at=activity.starts_at,
                ends_at=activity.ends_at,
                capacity=capacity,
                min_age=min_age,
                insurance_required=insured,
            )
            for activity in activities
            for role, capacity, _skills, min_age, insured in rows
        ]
        Shift.objects.bulk_create(shifts, batch_size=1000)
        through = Shift.required_skills.through
        created = list(Shift.objects.filter(activity__series=series).order_by("activity_id", "id"))
        links = []
        for index, shift in enumerate(created):
            for skill in rows[index % len(rows)][2]:
                links.append(through(shift_id=shift.pk, skill_id=skill.pk))
        through.objects.bulk_create(links, batch_size=1000)
    return series


# Shifts -------------------------------------------------------------------------------


def create_shift(
    *,
    actor: User,
    activity: Activity,
    role: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    capacity: int,
    required_skills: list[Skill] | None = None,
    min_age: int = 0,
    insurance_required: bool = False,
) -> Shift:
    _check_organiser(actor, activity.project)
    errors: dict[str, list[str]] = {}
    if activity.is_cancelled:
        raise Conflict(_("This activity is cancelled."))
    if not (role or "").strip():
        errors["role"] = [gettext("Name the role, e.g. 义务指路.")]
    if capacity is None or capacity < 1:
        errors["capacity"] = [gettext("The capacity must be at least 1.")]
    if starts_at is None or ends_at is None or ends_at <= starts_at:
        errors["ends_at"] = [gettext("The end must be after the start.")]
    elif starts_at < activity.starts_at or ends_at > activity.ends_at:
        errors["starts_at"] = [gettext("The shift must fall within its activity's times.")]
    if min_age is not None and not 0 <= min_age <= 100:
        errors["min_age"] = [gettext("The minimum age must be between 0 and 100.")]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        shift = Shift.objects.create(
            activity=activity,
            role=role.strip(),
            starts_at=starts_at,
            ends_at=ends_at,
            capacity=capacity,
            min_age=min_age or 0,
            insurance_required=insurance_required,
        )
        shift.required_skills.set(required_skills or [])
    return shift


def set_capacity(*, actor: User, shift: Shift, capacity: int) -> Shift:
    """Change a shift's capacity; new places go to the waitlist in order."""
    _check_organiser(actor, shift.activity.project)
    if capacity is None or capacity < 1:
        raise ValidationFailed({"capacity": [gettext("The capacity must be at least 1.")]})
    with transaction.atomic():
        shift = Shift.objects.select_for_update().get(pk=shift.pk)
        confirmed = shift.signups.filter(state=SignUp.State.CONFIRMED).count()
        if capacity < confirmed:
            raise Conflict(
                _("%(n)d volunteers are confirmed: remove some before lowering the capacity.")
                % {"n": confirmed}
            )
        shift.capacity = capacity
        shift.save(update_fields=["capacity"])
        _promote(shift)
    return shift


# Sign-ups -----------------------------------------------------------------------------


# Whether a volunteer is checked in to a shift: the service app (above this one) registers
# its answer from ServiceConfig.ready(), so a sign-up is not cancelled under a running
# attendance.
_presence_checks: list[Callable[[int, int], bool]] = []


def register_presence_check(check: Callable[[int, int], bool]) -> None:
    """`check(volunteer_id, shift_id)` answers whether the volunteer is checked in now."""
    _presence_checks.append(check)


def _volunteer_of(actor: Actor) -> Volunteer:
    volunteer = getattr(actor, "volunteer", None) if actor.is_authenticated else None
    if volunteer is None:
        raise PermissionDenied(_("Register as a volunteer first."))
    if not volunteer.is_active:
        raise PermissionDenied(_("Your volunteer registration is not active yet."))
    return volunteer


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

    Locks, in this order: the volunteer's row, then the shift's row. Holding the first,
    no other sign-up of the same person runs, so the overlap check is exact; holding the
    second, no one else counts the confirmed places at the same time, and the shift's state
    is checked again on the locked row (an activity cancelled after the first check has
    cancelled this shift under the same lock).
    """
    return _take_place(volunteer=_volunteer_of(actor), shift=shift)


def sign_up_for(*, actor: User, shift: Shift, volunteer: Volunteer) -> SignUp:
    """An organiser of the project signs a volunteer up on their behalf (a confirmed matching
    proposal: most roster volunteers have no account); every rule of `sign_up` applies and
    the volunteer is told, by SMS when they have no account."""
    shift = Shift.objects.select_related("activity__project").get(pk=shift.pk)
    _check_organiser(actor, shift.activity.project)
    if not volunteer.is_active:
        raise NotEligible([gettext("This volunteer is not active.")])
    return _take_place(volunteer=volunteer, shift=shift)


def _take_place(*, volunteer: Volunteer, shift: Shift) -> SignUp:
    shift = Shift.objects.select_related("activity__project", "activity__station").get(pk=shift.pk)
    _check_open(shift)
    reasons = unmet_conditions(volunteer, shift)
    if reasons:
        raise NotEligible(reasons)
    try:
        with transaction.atomic():
            Volunteer.objects.select_for_update().only("pk").get(pk=volunteer.pk)
            locked = (
                Shift.objects.select_for_update(of=("self",))
                .select_related("activity__project")
                .get(pk=shift.pk)
            )
            _check_open(locked)
            if SignUp.objects.filter(
                shift=locked, volunteer=volunteer, state__in=SignUp.HOLDING
            ).exists():
                raise AlreadySignedUp()
            if SignUp.objects.filter(
                volunteer=volunteer,
                state__in=SignUp.HOLDING,
                starts_at__lt=locked.ends_at,
                ends_at__gt=locked.starts_at,
            ).exists():
                raise Overlap()
            confirmed = locked.signups.filter(state=SignUp.State.CONFIRMED).count()
            state = (
                SignUp.State.CONFIRMED if confirmed < locked.capacity else SignUp.State.WAITLISTED
            )
            signup = SignUp.objects.create(
                shift=locked,
                volunteer=volunteer,
                state=state,
                starts_at=locked.starts_at,
                ends_at=locked.ends_at,
            )
            signup.shift = shift
            _announce(signup)
    except IntegrityError:
        raise AlreadySignedUp() from None
    return signup


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
    volunteer = _volunteer_of(actor)
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


def create_category(
    *, actor: User, code: str, name: str, parent: Category | None = None
) -> Category:
    if not scopes.is_district_admin(actor):
        raise PermissionDenied(_("Only the district office may add categories."))
    code, name = (code or "").strip().lower(), (name or "").strip()
    errors = {}
    if not code or not code.isascii() or not all(c.isalnum() or c in "-_" for c in code):
        errors["code"] = [gettext("The code uses lower-case letters, digits, - and _.")]
    if not name:
        errors["name"] = [gettext("The name is required.")]
    if errors:
        raise ValidationFailed(errors)
    if Category.objects.filter(code=code).exists() or Category.objects.filter(name=name).exists():
        raise Conflict(_("This category exists already."), field="name")
    return Category.objects.create(code=code, name=name, parent=parent, sort_order=100)
