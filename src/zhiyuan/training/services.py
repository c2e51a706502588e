"""Use cases that write training: courses, sessions, enrolment, attendance, completion, expiry.

Enrolment holds under concurrency: `enrol` locks the session's row before counting its
places, so the last place goes to exactly one volunteer; a conditional unique index
refuses a second live enrolment of the same person in the same session.

Certified skills (Art. 16). A passed course that certifies a skill records a
Certification and adds the skill to `volunteer.skills`, the set shift eligibility
(projects.eligibility) reads. That set stays the one source of truth at sign-up time:
`expire_certifications` (run daily, `zhiyuan expire_certifications`) marks certifications
past their last valid day as lapsed and removes the skill unless another valid
certification of the same skill remains.
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhiyuan.accounts import scopes
from zhiyuan.accounts.models import User
from zhiyuan.core.errors import Conflict, PermissionDenied, ValidationFailed
from zhiyuan.places.models import Region
from zhiyuan.stations.models import Station
from zhiyuan.teams.access import may_manage as may_manage_team
from zhiyuan.teams.models import Team
from zhiyuan.training.access import may_manage
from zhiyuan.training.models import Certification, Course, Enrolment, Session
from zhiyuan.volunteers.access import own_volunteer
from zhiyuan.volunteers.models import Skill, Volunteer


class SessionFull(Conflict):
    code = "session_full"
    default_message = _("This session is full.")


class AlreadyEnrolled(Conflict):
    code = "already_enrolled"
    default_message = _("You are already enrolled in this session.")


class SessionClosed(Conflict):
    code = "session_closed"
    default_message = _("This session has started or was cancelled: enrolment is closed.")


class AlreadyCompleted(Conflict):
    code = "already_completed"
    default_message = _("The result of this enrolment is already recorded.")


MAX_HOURS = Decimal("999.9")
MAX_VALIDITY_MONTHS = 240
MAX_CAPACITY = 10000


# Who may manage ---------------------------------------------------------------------


def _check_manages(actor: User, course: Course) -> None:
    if not may_manage(actor, course):
        raise PermissionDenied(
            _("Only office admins of the region or admins of the organiser team may do this.")
        )


# Courses and sessions ----------------------------------------------------------------


def _parse_hours(errors: dict, hours) -> Decimal | None:
    try:
        value = Decimal(str(hours)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError, TypeError):
        errors["hours"] = [gettext("Give the hours as a number, e.g. 4 or 2.5.")]
        return None
    if not value.is_finite() or value <= 0 or value > MAX_HOURS:
        errors["hours"] = [gettext("The hours must be more than 0 and at most 999.9.")]
        return None
    return value


def create_course(
    *,
    actor: User,
    title: str,
    hours,
    kind: str = Course.Kind.GENERAL,
    description: str = "",
    organiser_id=None,
    region_id=None,
    skill: str = "",
    validity_months: int | None = None,
) -> Course:
    """A course of a team the actor manages, or of a region the actor administers.

    With an organiser the course belongs to that team's region; without one the actor
    must be an office admin and name a region in their scope.
    """
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = [gettext("The title is required.")]
    elif len(title) > 100:
        errors["title"] = [gettext("The title is at most 100 characters.")]
    if kind not in Course.Kind.values:
        errors["kind"] = [gettext("Choose general or specialised training.")]
    value = _parse_hours(errors, hours)
    skill_row = None
    if skill:
        skill_row = Skill.objects.filter(code=skill).first()
        if skill_row is None:
            errors["skill"] = [gettext("Unknown skill: %(code)s.") % {"code": skill}]
    months = None if validity_months in (None, "") else _int(validity_months)
    if months is not None and not 1 <= months <= MAX_VALIDITY_MONTHS:
        errors["validity_months"] = [gettext("The validity is 1 to 240 months, or empty.")]
    organiser = region = None
    if organiser_id not in (None, ""):
        organiser = Team.objects.select_related("region").filter(pk=_int(organiser_id)).first()
        if organiser is None or not organiser.is_active:
            errors["organiser_id"] = [gettext("No such active team.")]
        elif not may_manage_team(actor, organiser):
            raise PermissionDenied(_("You may only set up courses for teams you manage."))
        else:
            region = organiser.region
    elif region_id not in (None, ""):
        region = Region.objects.filter(pk=_int(region_id)).first()
        if region is None:
            errors["region_id"] = [gettext("No such region.")]
        elif not scopes.administers_region(actor, region):
            raise PermissionDenied(_("You may only set up courses in regions you administer."))
    else:
        errors["organiser_id"] = [gettext("Choose the organiser team or the region.")]
    if errors:
        raise ValidationFailed(errors)
    return Course.objects.create(
        title=title,
        kind=kind,
        description=description or "",
        hours=value,
        organiser=organiser,
        region=region,
        skill=skill_row,
        validity_months=months,
        created_by=actor,
    )


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def schedule_session(
    *,
    actor: User,
    course: Course,
    starts_at: dt.datetime | None,
    ends_at: dt.datetime | None,
    trainer: str,
    capacity,
    station_id=None,
    address: str = "",
) -> Session:
    """A session of `course` in the future, at a station or an address."""
    _check_manages(actor, course)
    errors: dict[str, list[str]] = {}
    if not course.is_active:
        errors["course"] = [gettext("This course is closed for new sessions.")]
    if starts_at is None or ends_at is None:
        errors["starts_at"] = [gettext("Give the start and end times.")]
    elif ends_at <= starts_at:
        errors["ends_at"] = [gettext("The end must be after the start.")]
    elif starts_at <= timezone.now():
        errors["starts_at"] = [gettext("The session must start in the future.")]
    elif ends_at - starts_at > dt.timedelta(days=14):
        errors["ends_at"] = [gettext("A session lasts at most 14 days.")]
    trainer = (trainer or "").strip()
    if not trainer:
        errors["trainer"] = [gettext("Name the trainer.")]
    elif len(trainer) > 100:
        errors["trainer"] = [gettext("The trainer's name is at most 100 characters.")]
    seats = _int(capacity)
    if not 1 <= seats <= MAX_CAPACITY:
        errors["capacity"] = [gettext("The capacity is 1 to 10000.")]
    station = None
    if station_id not in (None, ""):
        station = Station.objects.filter(pk=_int(station_id)).first()
        if station is None:
            errors["station_id"] = [gettext("No such station.")]
    address = (address or "").strip()
    if len(address) > 200:
        errors["address"] = [gettext("The place is at most 200 characters.")]
    elif station is None and not address and "station_id" not in errors:
        errors["address"] = [gettext("Choose a station or give the place.")]
    if errors:
        raise ValidationFailed(errors)
    return Session.objects.create(
        course=course,
        starts_at=starts_at,
        ends_at=ends_at,
        trainer=trainer,
        capacity=seats,
        station=station,
        address=address,
    )


# Enrolment ----------------------------------------------------------------------------


def enrol(*, actor: User, session: Session) -> Enrolment:
    """Take a place in `session`; refused when it is full, started, or already held.

    Locks the session's row, then counts the live enrolments: two volunteers racing for
    the last place are served one after the other, and the second is told it is full.
    """
    volunteer = own_volunteer(actor)
    try:
        with transaction.atomic():
            locked = Session.objects.select_for_update().get(pk=session.pk)
            if not locked.is_open:
                raise SessionClosed()
            live = Enrolment.objects.filter(session=locked, state=Enrolment.State.ENROLLED)
            if live.filter(volunteer=volunteer).exists():
                raise AlreadyEnrolled()
            if live.count() >= locked.capacity:
                raise SessionFull()
            enrolment = Enrolment.objects.create(session=locked, volunteer=volunteer)
    except IntegrityError:
        raise AlreadyEnrolled() from None
    enrolment.session = session
    return enrolment


def cancel_enrolment(*, actor: User, enrolment: Enrolment) -> Enrolment:
    """The volunteer gives the place back before the session starts."""
    own = enrolment.volunteer.user_id is not None and enrolment.volunteer.user_id == actor.pk
    if not own:
        raise PermissionDenied(_("Only the volunteer may cancel an enrolment."))
    with transaction.atomic():
        locked = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if not locked.is_active:
            raise Conflict(_("This enrolment is already cancelled."), code="already_cancelled")
        if enrolment.session.has_started:
            raise SessionClosed(_("The session has started: it can no longer be cancelled."))
        locked.state = Enrolment.State.CANCELLED
        locked.cancelled_at = timezone.now()
        locked.save(update_fields=["state", "cancelled_at"])
    return locked


# Attendance and completion ------------------------------------------------------------


def _locked_for_marking(actor: User, enrolment: Enrolment) -> Enrolment:
    """Caller holds a transaction; the enrolment's row is locked and checked."""
    _check_manages(actor, enrolment.session.course)
    locked = (
        Enrolment.objects.select_for_update()
        .select_related("session", "session__course", "volunteer")
        .get(pk=enrolment.pk)
    )
    if not locked.is_active:
        raise Conflict(_("This enrolment was cancelled."), code="enrolment_cancelled")
    if not locked.session.has_started:
        raise Conflict(
            _("Attendance can be marked once the session has started."), code="not_started"
        )
    return locked


def mark_attendance(*, actor: User, enrolment: Enrolment, attended: bool) -> Enrolment:
    """Present or absent; being present credits the course's training hours."""
    with transaction.atomic():
        locked = _locked_for_marking(actor, enrolment)
        if locked.is_completed:
            raise AlreadyCompleted()
        locked.attended = bool(attended)
        locked.hours = locked.session.course.hours if attended else Decimal(0)
        locked.marked_by = actor
        locked.save(update_fields=["attended", "hours", "marked_by"])
    return locked


def _add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def complete(*, actor: User, enrolment: Enrolment, passed: bool) -> Enrolment:
    """Record the result. A pass marks attendance if unmarked and, when the course certifies
    a skill, records a Certification and adds the skill to the volunteer's skills.
    """
    now = timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        locked = _locked_for_marking(actor, enrolment)
        if locked.is_completed:
            raise AlreadyCompleted()
        if passed and locked.attended is False:
            raise Conflict(_("The volunteer was marked absent and cannot pass."), code="absent")
        course = locked.session.course
        fields = ["result", "completed_at", "marked_by"]
        if locked.attended is None:
            locked.attended = bool(passed)
            locked.hours = course.hours if passed else Decimal(0)
            fields += ["attended", "hours"]
        locked.result = Enrolment.Result.PASSED if passed else Enrolment.Result.FAILED
        locked.completed_at = now
        locked.marked_by = actor
        locked.save(update_fields=fields)
        if passed and course.skill_id is not None:
            _certify(
                locked,
                course,
                granted_on=min(today, timezone.localdate(locked.session.ends_at)),
                today=today,
            )
    return locked


def _certify(enrolment: Enrolment, course: Course, *, granted_on: dt.date, today: dt.date) -> None:
    expires_on = (
        _add_months(granted_on, course.validity_months) - dt.timedelta(days=1)
        if course.validity_months
        else None
    )
    valid = expires_on is None or expires_on >= today
    Certification.objects.create(
        volunteer=enrolment.volunteer,
        skill_id=course.skill_id,
        course=course,
        session=enrolment.session,
        enrolment=enrolment,
        granted_on=granted_on,
        expires_on=expires_on,
        lapsed_at=None if valid else timezone.now(),
    )
    if valid and course.skill_id is not None:
        enrolment.volunteer.skills.add(course.skill_id)


# Expiry ---------------------------------------------------------------------------------


def expire_certifications(*, today: dt.date | None = None) -> tuple[int, int]:
    """Lapse certifications past their last valid day; take the skill away from volunteers
    who hold no other valid certification of it. Safe to repeat. Returns (lapsed, removed).
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        due = list(
            Certification.objects.select_for_update()
            .filter(lapsed_at__isnull=True, expires_on__lt=today)
            .values_list("pk", "volunteer_id", "skill_id")
        )
        if not due:
            return 0, 0
        Certification.objects.filter(pk__in=[pk for pk, _v, _s in due]).update(
            lapsed_at=timezone.now()
        )
        pairs = {(volunteer_id, skill_id) for _pk, volunteer_id, skill_id in due}
        still_valid = set(
            Certification.objects.filter(
                Q(expires_on__isnull=True) | Q(expires_on__gte=today),
                lapsed_at__isnull=True,
                volunteer_id__in={v for v, _s in pairs},
            ).values_list("volunteer_id", "skill_id")
        )
        removed = 0
        through = Volunteer.skills.through
        by_skill: dict[int, list[int]] = {}
        for volunteer_id, skill_id in pairs - still_valid:
            by_skill.setdefault(skill_id, []).append(volunteer_id)
        for skill_id, volunteer_ids in by_skill.items():
            removed += through.objects.filter(
                skill_id=skill_id, volunteer_id__in=volunteer_ids
            ).delete()[0]
    return len(due), removed
