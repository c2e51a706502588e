"""Use cases that write service hours: records and their approval, hours entered by hand,
corrections as new versions, correction requests, and star levels.

Check-in and check-out, which measure the hours of a shift, live in `checkin`.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhiyuan.accounts.models import User
from zhiyuan.core.errors import Conflict, PermissionDenied, ValidationFailed
from zhiyuan.places.models import Region
from zhiyuan.projects.access import may_organise
from zhiyuan.projects.models import Shift, SignUp
from zhiyuan.service import access
from zhiyuan.service.models import (
    CorrectionRequest,
    HoursTotal,
    ServiceRecord,
    TransferredRecord,
)
from zhiyuan.teams.access import may_manage as may_manage_team
from zhiyuan.teams.models import Team
from zhiyuan.volunteers.access import own_volunteer
from zhiyuan.volunteers.models import Volunteer

HOUR = Decimal("0.01")


def _hours(delta: dt.timedelta) -> Decimal:
    return (Decimal(delta.total_seconds()) / Decimal(3600)).quantize(HOUR, ROUND_HALF_UP)


def star_level(hours: Decimal) -> int:
    return sum(1 for threshold in settings.STAR_THRESHOLDS if hours >= threshold)


def refresh_total(volunteer_id: int) -> HoursTotal:
    """Recompute one volunteer's approved hours and star level (call inside the write): the
    approved records here and the hours transferred in from other systems (service/transfers.py)."""
    total = ServiceRecord.objects.filter(
        volunteer_id=volunteer_id, is_current=True, state=ServiceRecord.State.APPROVED
    ).aggregate(total=Sum("hours"))["total"] or Decimal(0)
    total += TransferredRecord.objects.filter(volunteer_id=volunteer_id).aggregate(
        total=Sum("hours")
    )["total"] or Decimal(0)
    row, _created = HoursTotal.objects.update_or_create(
        volunteer_id=volunteer_id,
        defaults={"approved_hours": total, "star_level": star_level(total)},
    )
    return row


def _record(
    *,
    volunteer_id,
    shift: Shift,
    hours: Decimal,
    source,
    actor: User,
    reason="",
    persons_served=0,
    content="",
) -> ServiceRecord:
    activity = shift.activity
    return ServiceRecord.objects.create(
        volunteer_id=volunteer_id,
        shift=shift,
        project=activity.project,
        team=activity.project.organiser,
        served_on=timezone.localtime(shift.starts_at).date(),
        hours=hours,
        source=source,
        persons_served=persons_served,
        content=content or f"{activity.title} · {shift.role}",
        recorded_by=actor,
        reason=reason,
    )


def _check_organiser(actor: User, shift: Shift) -> None:
    if not may_organise(actor, shift.activity.project):
        raise PermissionDenied(_("Only the organisers of this project may do this."))


def hours_of(delta: dt.timedelta) -> Decimal:
    """Service hours in a stretch of time, to the hundredth: the one hours arithmetic."""
    return _hours(delta)


# One record is one day's service at most (a transferred record too): the bound where no
# shift gives a shorter one.
DAY_HOURS = Decimal(24)


def parse_hours(value) -> Decimal | None:
    """Hours as given (text, number), to the hundredth; None if not a finite number ("NaN"
    passes the rounding, then fails every comparison)."""
    try:
        hours = Decimal(str(value)).quantize(HOUR, ROUND_HALF_UP)
    except ArithmeticError:
        return None
    return hours if hours.is_finite() else None


def record_outside_shift(
    *,
    actor: User,
    volunteer_id: int,
    team: Team,
    region: Region,
    served_on: dt.date,
    hours: Decimal,
    persons_served: int,
    content: str,
    reason: str,
) -> ServiceRecord:
    """An entered record for service given outside any shift (a help request's visits), by
    the team's admins or the office of the region where it was given; pending approval by
    the team, as every entered record is. Caller holds a transaction."""
    if not access.may_enter_outside_shift(actor, team, region):
        raise PermissionDenied(_("Only the team's admins or the office may enter these hours."))
    if hours <= 0:
        raise ValidationFailed({"hours": [gettext("Hours must be more than zero.")]})
    return ServiceRecord.objects.create(
        volunteer_id=volunteer_id,
        team=team,
        served_on=served_on,
        hours=hours,
        persons_served=persons_served,
        content=content[:300],
        source=ServiceRecord.Source.ENTERED,
        recorded_by=actor,
        reason=reason[:300],
    )


# The most people one record can say it served (a day of guidance at a busy crossing serves
# thousands); beyond it a typing slip, and past the column's integer a database error.
PERSONS_SERVED_MAX = 100_000


def enter_hours(
    *,
    actor: User,
    shift: Shift,
    volunteer: Volunteer,
    hours,
    reason: str,
    persons_served: int = 0,
    content: str = "",
) -> ServiceRecord:
    """Hours entered after the fact for someone who could not check in: never longer than the shift."""
    _check_organiser(actor, shift)
    errors: dict[str, list[str]] = {}
    hours = parse_hours(hours)
    limit = _hours(shift.ends_at - shift.starts_at)
    if hours is None or hours <= 0:
        errors["hours"] = [gettext("Hours must be more than zero.")]
    elif hours > limit:
        errors["hours"] = [
            gettext("At most %(limit)s hours: the length of the shift.") % {"limit": limit}
        ]
    if len((reason or "").strip()) < 2:
        errors["reason"] = [gettext("Say why the hours are entered by hand.")]
    if persons_served is None or not 0 <= persons_served <= PERSONS_SERVED_MAX:
        errors["persons_served"] = [
            gettext("Persons served: a whole number from 0 to %(most)s.")
            % {"most": f"{PERSONS_SERVED_MAX:,}"}
        ]
    # A shift of today may be entered already (the organiser enters the day's hours at
    # once, within the shift's length); a shift of a later day has not happened yet.
    if timezone.localtime(shift.starts_at).date() > timezone.localdate():
        errors["hours"] = [gettext("The shift has not happened yet.")]
    if errors:
        raise ValidationFailed(errors)
    if not SignUp.objects.filter(shift=shift, volunteer=volunteer).exists():
        raise ValidationFailed(
            {"volunteer": [gettext("This volunteer was not signed up for the shift.")]}
        )
    with transaction.atomic():
        Volunteer.objects.lock(volunteer.pk)
        if ServiceRecord.objects.filter(volunteer=volunteer, shift=shift, is_current=True).exists():
            raise Conflict(
                _("This shift already has a record for the volunteer: correct it instead.")
            )
        return _record(
            volunteer_id=volunteer.pk,
            shift=shift,
            hours=hours,
            source=ServiceRecord.Source.ENTERED,
            actor=actor,
            reason=reason.strip()[:300],
            persons_served=persons_served,
            content=content,
        )


def _check_approver(actor: User, record: ServiceRecord) -> None:
    if not may_manage_team(actor, record.team):
        raise PermissionDenied(_("Only admins of the recording team may approve its records."))
    if record.volunteer.user_id is not None and record.volunteer.user_id == actor.pk:
        raise PermissionDenied(_("Nobody approves their own hours."))


def decide_records(*, actor: User, records, approve: bool, reason: str = "") -> list[ServiceRecord]:
    """Approve (or reject, with a reason) pending current records; totals follow at once."""
    if not approve and len((reason or "").strip()) < 2:
        raise ValidationFailed({"reason": [gettext("Say why the hours are rejected.")]})
    decided = []
    with transaction.atomic():
        rows = list(
            ServiceRecord.objects.select_for_update(of=("self",))
            .filter(
                pk__in=[r.pk for r in records], is_current=True, state=ServiceRecord.State.PENDING
            )
            .select_related("volunteer", "team__region")
        )
        for record in rows:
            _check_approver(actor, record)
        now = timezone.now()
        for record in rows:
            record.state = ServiceRecord.State.APPROVED if approve else ServiceRecord.State.REJECTED
            record.decided_by, record.decided_at = actor, now
            if not approve:
                record.reason = reason.strip()[:300]
            record.save(update_fields=["state", "decided_by", "decided_at", "reason"])
            decided.append(record)
        for volunteer_id in {r.volunteer_id for r in decided}:
            refresh_total(volunteer_id)
    return decided


def correct_record(
    *, actor: User, record: ServiceRecord, hours, reason: str, persons_served=None, content=None
) -> ServiceRecord:
    """A new version with the corrected hours, approved by the corrector; the old one stays."""
    with transaction.atomic():
        old = (
            ServiceRecord.objects.select_for_update(of=("self",))
            .select_related("volunteer", "team__region", "shift")
            .get(pk=record.pk)
        )
        _check_approver(actor, old)
        if not old.is_current:
            raise Conflict(_("This version has been corrected already: correct the current one."))
        errors: dict[str, list[str]] = {}
        hours = parse_hours(hours)
        if hours is None or hours <= 0:
            errors["hours"] = [gettext("Hours must be more than zero.")]
        elif old.shift is not None and hours > _hours(old.shift.ends_at - old.shift.starts_at):
            errors["hours"] = [
                gettext("At most %(limit)s hours: the length of the shift.")
                % {"limit": _hours(old.shift.ends_at - old.shift.starts_at)}
            ]
        elif hours > DAY_HOURS:
            errors["hours"] = [gettext("At most 24 hours in one record.")]
        if len((reason or "").strip()) < 2:
            errors["reason"] = [gettext("Say why the record is corrected.")]
        if errors:
            raise ValidationFailed(errors)
        old.is_current = False
        old.save(update_fields=["is_current"])
        new = ServiceRecord.objects.create(
            volunteer=old.volunteer,
            shift=old.shift,
            project=old.project,
            team=old.team,
            served_on=old.served_on,
            hours=hours,
            source=old.source,
            persons_served=old.persons_served if persons_served is None else persons_served,
            content=old.content if content is None else content,
            state=ServiceRecord.State.APPROVED,
            reason=reason.strip()[:300],
            recorded_by=actor,
            decided_by=actor,
            decided_at=timezone.now(),
            version=old.version + 1,
            supersedes=old,
        )
        refresh_total(old.volunteer_id)
    return new


def ask_correction(
    *,
    actor: User,
    hours,
    message: str,
    record: ServiceRecord | None = None,
    shift: Shift | None = None,
) -> CorrectionRequest:
    """The volunteer asks about a wrong record, or a shift with no record at all."""
    volunteer = own_volunteer(actor)
    errors: dict[str, list[str]] = {}
    if record is not None and record.volunteer_id != volunteer.pk:
        raise PermissionDenied(_("This is someone else's record."))
    if record is None and shift is None:
        errors["shift"] = [gettext("Name the record or the shift.")]
    if shift is not None and not SignUp.objects.filter(shift=shift, volunteer=volunteer).exists():
        errors["shift"] = [gettext("You were not signed up for this shift.")]
    hours = parse_hours(hours)
    if hours is None or hours <= 0:
        errors["hours"] = [gettext("Hours must be more than zero.")]
    elif hours > DAY_HOURS:
        errors["hours"] = [gettext("At most 24 hours in one record.")]
    if len((message or "").strip()) < 2:
        errors["message"] = [gettext("Say what is wrong or missing.")]
    if errors:
        raise ValidationFailed(errors)
    if record is not None:
        team = record.team
    else:
        assert shift is not None  # "Name the record or the shift." was raised otherwise
        team = shift.activity.project.organiser
    return CorrectionRequest.objects.create(
        volunteer=volunteer,
        record=record,
        shift=shift or (record.shift if record else None),
        team=team,
        hours=hours,
        message=message.strip()[:500],
    )


def answer_correction(
    *, actor: User, request: CorrectionRequest, accept: bool, answer: str = ""
) -> CorrectionRequest:
    """Accepting corrects the record (or enters the missing hours); refusing needs a reason."""
    if not may_manage_team(actor, request.team):
        raise PermissionDenied(_("Only admins of the recording team may answer."))
    if not accept and len((answer or "").strip()) < 2:
        raise ValidationFailed({"answer": [gettext("Say why the request is refused.")]})
    with transaction.atomic():
        row = (
            CorrectionRequest.objects.select_for_update(of=("self",))
            .select_related("record", "shift__activity__project", "volunteer")
            .get(pk=request.pk)
        )
        if row.state != CorrectionRequest.State.OPEN:
            raise Conflict(_("This request has been answered already."))
        if accept:
            current = None
            if row.record is not None:
                current = row.record
                while not current.is_current:
                    current = current.superseded_by
            elif row.shift is not None:
                current = ServiceRecord.objects.filter(
                    volunteer=row.volunteer, shift=row.shift, is_current=True
                ).first()
            reason = gettext("Correction requested by the volunteer: %(message)s") % {
                "message": row.message
            }
            if current is not None:
                correct_record(actor=actor, record=current, hours=row.hours, reason=reason[:300])
            else:
                assert row.shift is not None  # a request names a record or a shift
                record = enter_hours(
                    actor=actor,
                    shift=row.shift,
                    volunteer=row.volunteer,
                    hours=row.hours,
                    reason=reason[:300],
                )
                decide_records(actor=actor, records=[record], approve=True)
        row.state = CorrectionRequest.State.ACCEPTED if accept else CorrectionRequest.State.REFUSED
        row.answer = (answer or "").strip()[:300]
        row.answered_by = actor
        row.save(update_fields=["state", "answer", "answered_by"])
    return row
