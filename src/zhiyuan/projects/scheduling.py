"""Use cases that schedule a project: one-off activities, recurring series and shifts.

Editing or cancelling an activity tells every volunteer holding one of its shifts; raising
a shift's capacity fills the new places from the waitlist (`signups._promote`).
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhiyuan.accounts.models import User
from zhiyuan.core.errors import Conflict, ValidationFailed
from zhiyuan.projects.models import Activity, ActivitySeries, Project, Shift, SignUp
from zhiyuan.projects.services import _check_organiser, _local, _tell
from zhiyuan.projects.signups import _promote
from zhiyuan.stations.models import Station
from zhiyuan.volunteers.models import Skill

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
