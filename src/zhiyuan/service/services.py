"""Use cases that write service hours: check in and out (three ways), records and their
approval, corrections as new versions, correction requests, and star levels.

Check-in races (two scans at once, repeated scans) are settled by the volunteer's row lock
and two unique indexes: one attendance per shift, one open attendance per volunteer.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhiyuan.accounts.models import Actor, User
from zhiyuan.core.errors import Conflict, DomainError, PermissionDenied, ValidationFailed
from zhiyuan.places import geo
from zhiyuan.places.models import Region
from zhiyuan.projects.access import may_organise
from zhiyuan.projects.models import Shift, SignUp
from zhiyuan.service import access
from zhiyuan.service.models import (
    Attendance,
    CorrectionRequest,
    HoursTotal,
    ServiceRecord,
    TransferredRecord,
)
from zhiyuan.stations.models import Station
from zhiyuan.teams.access import may_manage as may_manage_team
from zhiyuan.teams.models import Team
from zhiyuan.volunteers.models import Volunteer

HOUR = Decimal("0.01")
OPENS_BEFORE = dt.timedelta(minutes=30)
GRACE = dt.timedelta(minutes=30)
# A phone's clock may run a little fast; a scan dated further ahead than this is refused.
CLOCK_AHEAD = dt.timedelta(minutes=5)


class CheckInRefused(DomainError):
    code = "check_in_refused"
    status = 409


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


def _volunteer_of(actor: Actor) -> Volunteer:
    volunteer = getattr(actor, "volunteer", None) if actor.is_authenticated else None
    if volunteer is None or not volunteer.is_active:
        raise PermissionDenied(_("Only active volunteers can check in."))
    return volunteer


def _shift_here(volunteer: Volunteer, station: Station, now: dt.datetime) -> Shift:
    """The volunteer's confirmed shift at this station that is open for check-in now."""
    signups = SignUp.objects.filter(
        volunteer=volunteer, state=SignUp.State.CONFIRMED, shift__activity__station=station
    ).select_related("shift", "shift__activity")
    current = [
        s.shift for s in signups if s.shift.starts_at - OPENS_BEFORE <= now <= s.shift.ends_at
    ]
    if current:
        return current[0]
    upcoming = [s.shift for s in signups if s.shift.starts_at - OPENS_BEFORE > now]
    if upcoming:
        first = min(upcoming, key=lambda shift: shift.starts_at)
        raise CheckInRefused(
            gettext("Check-in opens 30 minutes before your shift, at %(time)s.")
            % {"time": timezone.localtime(first.starts_at - OPENS_BEFORE).strftime("%m-%d %H:%M")}
        )
    raise CheckInRefused(_("You have no confirmed shift at this station now."))


def _distance(station: Station, position) -> tuple[int | None, bool]:
    """Metres from the station to a WGS-84 (lng, lat), and whether the position was given.

    Beyond the check-in radius the scan is refused. Every station has a position, so a
    scan without one is refused too, unless the district takes such scans as unverified
    (CHECKIN_ALLOW_UNVERIFIED): then it is recorded, and its hours wait for an organiser.
    """
    if position is None:
        if settings.CHECKIN_ALLOW_UNVERIFIED:
            return None, False
        raise CheckInRefused(
            _(
                "This station checks where you are: let the browser share your position "
                "and scan again."
            ),
            field="position",
            code="position_required",
        )
    lng, lat = position
    distance = round(geo.distance_m(float(station.longitude), float(station.latitude), lng, lat))
    if distance > station.checkin_radius_m:
        raise CheckInRefused(
            gettext("You are %(distance)d m from the station; check-in works within %(radius)d m.")
            % {"distance": distance, "radius": station.checkin_radius_m},
            field="position",
        )
    return distance, True


def position_from(longitude, latitude, coord_system="wgs84"):
    """A (lng, lat) WGS-84 tuple from the browser's geolocation, or None when not given."""
    if longitude in (None, "") or latitude in (None, ""):
        return None
    try:
        return geo.to_wgs84(float(longitude), float(latitude), coord_system or "wgs84")
    except (TypeError, ValueError):
        raise ValidationFailed({"position": [gettext("The position could not be read.")]}) from None


def _scan_time(scanned_at: dt.datetime | None, received: dt.datetime) -> dt.datetime:
    """When the scan was made: the phone's time for a scan sent late, else its receipt."""
    if scanned_at is None:
        return received
    if timezone.is_naive(scanned_at):
        scanned_at = timezone.make_aware(scanned_at)
    if scanned_at > received + CLOCK_AHEAD:
        raise CheckInRefused(
            _("Your phone's clock is ahead of the right time: set it right and scan again."),
            field="scanned_at",
            code="clock_ahead",
        )
    return scanned_at


def scan(
    *,
    actor: User,
    token: str,
    position=None,
    now: dt.datetime | None = None,
    scanned_at: dt.datetime | None = None,
    client_id: str | None = None,
    action: str | None = None,
) -> Attendance:
    """A scan of the station's poster: checks in, or checks out if already checked in.

    Repeating a scan never makes a second record: the open attendance is found and
    closed once; a scan after check-out returns the closed attendance unchanged.

    A scan kept on a phone without network arrives late with `scanned_at` (the phone's
    time, taken as the check-in or check-out time when it falls in the shift and the
    position is within the radius), `client_id` (a scan sent twice is answered with the
    attendance it made, unchanged) and `action` ("in" or "out": what the phone showed,
    so a queued check-out never becomes a check-in when its check-in was refused).
    All of it is decided on the volunteer's locked row.
    """
    volunteer = _volunteer_of(actor)
    station = Station.objects.filter(checkin_token=token, status=Station.Status.OPEN).first()
    if station is None:
        raise CheckInRefused(
            _("This check-in code is out of date or unknown. Ask for a new poster.")
        )
    with transaction.atomic():
        Volunteer.objects.select_for_update().only("pk").get(pk=volunteer.pk)
        # The time is read once the lock is held: a scan that waited for a racing one of
        # the same volunteer is not dated before the check-in that one made.
        received = now or timezone.now()
        when = _scan_time(scanned_at, received)
        late = received if scanned_at is not None else None
        if client_id:
            sent_before = Attendance.objects.filter(
                Q(in_client_id=client_id) | Q(out_client_id=client_id), volunteer=volunteer
            ).first()
            if sent_before is not None:
                return sent_before
        open_here = (
            Attendance.objects.select_for_update()
            .filter(volunteer=volunteer, checked_out_at__isnull=True, station=station)
            .select_related("shift__activity__project")
            .first()
        )
        if open_here is not None:
            if action == "in":
                return open_here
            if when < open_here.checked_in_at:
                raise CheckInRefused(
                    _("This check-out was made before the check-in: it is not taken."),
                    code="out_before_in",
                )
            open_here.out_client_id = client_id or None
            open_here.out_received_at = late
            return _check_out(open_here, actor=actor, position=position, now=when, station=station)
        if action == "out":
            raise CheckInRefused(_nothing_to_check_out(volunteer, station, when), code="not_in")
        shift = _shift_here(volunteer, station, when)
        done = Attendance.objects.filter(volunteer=volunteer, shift=shift).first()
        if done is not None:
            return done
        distance, verified = _distance(station, position)
        return _check_in(
            volunteer,
            shift,
            station=station,
            actor=actor,
            method=Attendance.Method.QR,
            now=when,
            distance=distance,
            verified=verified,
            client_id=client_id,
            received=late,
        )


def _nothing_to_check_out(volunteer: Volunteer, station: Station, when: dt.datetime) -> str:
    """Why a check-out sent late finds no open check-in here."""
    closed = (
        Attendance.objects.filter(
            volunteer=volunteer,
            station=station,
            checked_in_at__lte=when,
            auto_checked_out=True,
        )
        .order_by("-checked_in_at")
        .first()
    )
    if closed is not None:
        return gettext(
            "Your check-in was closed automatically at the shift's end before this check-out "
            "arrived: ask the organiser to correct the hours."
        )
    return gettext("You are not checked in here, so there is nothing to check out of.")


def _check_in(
    volunteer,
    shift,
    *,
    station,
    actor: User,
    method,
    now,
    distance=None,
    verified=True,
    client_id=None,
    received=None,
) -> Attendance:
    if Attendance.objects.filter(volunteer=volunteer, checked_out_at__isnull=True).exists():
        raise CheckInRefused(_("You are still checked in elsewhere: check out there first."))
    try:
        with transaction.atomic():
            return Attendance.objects.create(
                volunteer=volunteer,
                shift=shift,
                station=station,
                method=method,
                checked_in_at=now,
                in_distance_m=distance,
                position_verified=verified,
                in_client_id=client_id or None,
                in_received_at=received,
                recorded_by=actor,
            )
    except IntegrityError:
        raise CheckInRefused(_("You are already checked in.")) from None


def _check_out(
    attendance: Attendance, *, actor: User, position, now, station=None, auto=False
) -> Attendance:
    fields = ["checked_out_at", "out_distance_m", "auto_checked_out"]
    fields += ["out_client_id", "out_received_at"]
    if station is not None and not auto:
        attendance.out_distance_m, verified = _distance(station, position)
        if not verified and attendance.position_verified:
            attendance.position_verified = False
            fields.append("position_verified")
    attendance.checked_out_at = min(now, attendance.shift.ends_at) if auto else now
    attendance.auto_checked_out = auto
    attendance.save(update_fields=fields)
    if attendance.position_verified:
        _record_measured(
            attendance,
            actor=actor,
            reason=gettext("Checked out automatically after the shift") if auto else "",
        )
    return attendance


def _record_measured(attendance: Attendance, *, actor: User, reason="") -> None:
    """The measured record of a closed, verified attendance: its time within the shift."""
    shift = attendance.shift
    assert attendance.checked_out_at is not None, "only a closed attendance is measured"
    start = max(attendance.checked_in_at, shift.starts_at)
    end = min(attendance.checked_out_at, shift.ends_at)
    if end > start and _hours(end - start) > 0:
        _record(
            volunteer_id=attendance.volunteer_id,
            shift=shift,
            hours=_hours(end - start),
            source=ServiceRecord.Source.MEASURED,
            actor=actor,
            reason=reason,
        )


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


def organiser_check_in(
    *, actor: User, shift: Shift, volunteer_ids=None, now=None
) -> list[Attendance]:
    """Check in the listed confirmed volunteers ("all present" when None)."""
    _check_organiser(actor, shift)
    now = now or timezone.now()
    if now < shift.starts_at - OPENS_BEFORE or now > shift.ends_at:
        raise CheckInRefused(_("Check-in is open from 30 minutes before the shift until its end."))
    signups = SignUp.objects.filter(shift=shift, state=SignUp.State.CONFIRMED)
    if volunteer_ids is not None:
        signups = signups.filter(volunteer_id__in=volunteer_ids)
    done = []
    for signup in signups.select_related("volunteer"):
        with transaction.atomic():
            Volunteer.objects.select_for_update().only("pk").get(pk=signup.volunteer_id)
            existing = Attendance.objects.filter(
                volunteer_id=signup.volunteer_id, shift=shift
            ).first()
            if existing is not None:
                done.append(existing)
                continue
            if Attendance.objects.filter(
                volunteer_id=signup.volunteer_id, checked_out_at__isnull=True
            ).exists():
                continue
            done.append(
                _check_in(
                    signup.volunteer,
                    shift,
                    station=shift.activity.station,
                    actor=actor,
                    method=Attendance.Method.ORGANISER,
                    now=now,
                )
            )
    return done


def organiser_check_out(
    *, actor: User, shift: Shift, volunteer_ids=None, now=None
) -> list[Attendance]:
    _check_organiser(actor, shift)
    now = now or timezone.now()
    rows = Attendance.objects.filter(shift=shift, checked_out_at__isnull=True)
    if volunteer_ids is not None:
        rows = rows.filter(volunteer_id__in=volunteer_ids)
    done = []
    for attendance in rows:
        with transaction.atomic():
            locked = (
                Attendance.objects.select_for_update()
                .select_related("shift__activity__project")
                .get(pk=attendance.pk)
            )
            if locked.checked_out_at is None:
                done.append(_check_out(locked, actor=actor, position=None, now=now))
    return done


def confirm_attendance(
    *, actor: User, shift: Shift, volunteer_ids=None, now=None
) -> list[Attendance]:
    """An organiser vouches for attendances recorded without a position (all when None).

    A confirmed attendance that is already closed gets its measured record now; an open
    one gets it at check-out. Confirming twice changes nothing. Each row is locked and
    re-read, so a confirmation racing a check-out records the hours once.
    """
    _check_organiser(actor, shift)
    now = now or timezone.now()
    rows = Attendance.objects.filter(shift=shift, position_verified=False)
    if volunteer_ids is not None:
        rows = rows.filter(volunteer_id__in=volunteer_ids)
    done = []
    for attendance in rows:
        with transaction.atomic():
            locked = (
                Attendance.objects.select_for_update()
                .select_related("shift__activity__project")
                .get(pk=attendance.pk)
            )
            if locked.position_verified:
                continue
            locked.position_verified = True
            locked.confirmed_by = actor
            locked.confirmed_at = now
            locked.save(update_fields=["position_verified", "confirmed_by", "confirmed_at"])
            if locked.checked_out_at is not None and not (
                ServiceRecord.objects.filter(
                    volunteer_id=locked.volunteer_id, shift=shift, is_current=True
                ).exists()
            ):
                _record_measured(
                    locked,
                    actor=actor,
                    reason=gettext("Scanned without a position; confirmed by the organiser"),
                )
            done.append(locked)
    return done


def close_stale(*, now: dt.datetime | None = None) -> int:
    """Check out, at the shift's end, anyone still checked in past its end plus the grace period."""
    now = now or timezone.now()
    count = 0
    stale = Attendance.objects.filter(checked_out_at__isnull=True, shift__ends_at__lt=now - GRACE)
    for attendance in stale.select_related("shift__activity__project", "recorded_by"):
        with transaction.atomic():
            locked = (
                Attendance.objects.select_for_update()
                .select_related("shift__activity__project")
                .get(pk=attendance.pk)
            )
            if locked.checked_out_at is None:
                _check_out(
                    locked,
                    actor=attendance.recorded_by,
                    position=None,
                    now=locked.shift.ends_at,
                    auto=True,
                )
                count += 1
    return count


def hours_of(delta: dt.timedelta) -> Decimal:
    """Service hours in a stretch of time, to the hundredth: the one hours arithmetic."""
    return _hours(delta)


def parse_hours(value) -> Decimal | None:
    """Hours as given (text, number), to the hundredth; None if not a number."""
    try:
        return Decimal(str(value)).quantize(HOUR, ROUND_HALF_UP)
    except ArithmeticError:
        return None


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
    try:
        hours = Decimal(str(hours)).quantize(HOUR, ROUND_HALF_UP)
    except ArithmeticError:
        hours = None
    limit = _hours(shift.ends_at - shift.starts_at)
    if hours is None or hours <= 0:
        errors["hours"] = [gettext("Hours must be more than zero.")]
    elif hours > limit:
        errors["hours"] = [
            gettext("At most %(limit)s hours: the length of the shift.") % {"limit": limit}
        ]
    if len((reason or "").strip()) < 2:
        errors["reason"] = [gettext("Say why the hours are entered by hand.")]
    if persons_served is None or persons_served < 0:
        errors["persons_served"] = [gettext("Persons served cannot be negative.")]
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
        Volunteer.objects.select_for_update().only("pk").get(pk=volunteer.pk)
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
        try:
            hours = Decimal(str(hours)).quantize(HOUR, ROUND_HALF_UP)
        except ArithmeticError:
            hours = None
        if hours is None or hours <= 0:
            errors["hours"] = [gettext("Hours must be more than zero.")]
        elif old.shift is not None and hours > _hours(old.shift.ends_at - old.shift.starts_at):
            errors["hours"] = [
                gettext("At most %(limit)s hours: the length of the shift.")
                % {"limit": _hours(old.shift.ends_at - old.shift.starts_at)}
            ]
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
    volunteer = _volunteer_of(actor)
    errors: dict[str, list[str]] = {}
    if record is not None and record.volunteer_id != volunteer.pk:
        raise PermissionDenied(_("This is someone else's record."))
    if record is None and shift is None:
        errors["shift"] = [gettext("Name the record or the shift.")]
    if shift is not None and not SignUp.objects.filter(shift=shift, volunteer=volunteer).exists():
        errors["shift"] = [gettext("You were not signed up for this shift.")]
    try:
        hours = Decimal(str(hours)).quantize(HOUR, ROUND_HALF_UP)
        if hours <= 0:
            raise ArithmeticError
    except ArithmeticError:
        errors["hours"] = [gettext("Hours must be more than zero.")]
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
