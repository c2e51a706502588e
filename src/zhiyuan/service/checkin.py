"""Use cases that write attendances: check in and out (three ways: the volunteer's scan, the
organiser's list, an organiser vouching for a scan without a position) and closing the
check-ins left open past a shift's end; a closed, verified attendance becomes a measured
record.

Check-in races (two scans at once, repeated scans) are settled by the volunteer's row lock
and two unique indexes: one attendance per shift, one open attendance per volunteer.
"""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhiyuan.accounts.models import User
from zhiyuan.core.errors import DomainError, ValidationFailed
from zhiyuan.core.prepared import Prepared, insert_compiled
from zhiyuan.places import geo
from zhiyuan.projects.models import Shift, SignUp
from zhiyuan.service.models import Attendance, ServiceRecord
from zhiyuan.service.services import _check_organiser, _hours, _record
from zhiyuan.stations.models import Station
from zhiyuan.volunteers.access import own_volunteer_held, own_volunteer_id
from zhiyuan.volunteers.models import Volunteer

OPENS_BEFORE = dt.timedelta(minutes=30)
GRACE = dt.timedelta(minutes=30)
# A phone's clock may run a little fast; a scan dated further ahead than this is refused.
CLOCK_AHEAD = dt.timedelta(minutes=5)


class CheckInRefused(DomainError):
    code = "check_in_refused"
    status = 409


# The statements of a scan, compiled once (core.prepared).
_STATION = Prepared(
    lambda token: Station.objects.filter(checkin_token=token, status=Station.Status.OPEN)[:1],
    remember=True,  # read on every scan; a new poster or a closed station renews it
)
# The signed-in volunteer's confirmed places at a station (by their account: these go to the
# server with the lock of their row, own_volunteer_held, and run once it is held), each with
# its attendance's id if they have one for that shift already (a scan after check-out
# answers with it).
_CONFIRMED_HERE = Prepared(
    lambda user_id, station_id: (
        SignUp.objects.filter(
            volunteer_id=own_volunteer_id(user_id),
            state=SignUp.State.CONFIRMED,
            shift__activity__station_id=station_id,
        )
        .select_related("shift", "shift__activity")
        .annotate(
            done_id=Subquery(
                Attendance.objects.filter(
                    volunteer_id=OuterRef("volunteer_id"), shift_id=OuterRef("shift_id")
                ).values("pk")[:1]
            )
        )
    )
)
# Their open attendance, at most one (a unique index): here, or elsewhere, which refuses a
# check-in here. Only its own row is locked: not the shift, activity and project every
# sign-up and scan reads.
_OPEN_NOW = Prepared(
    lambda user_id: (
        Attendance.objects.select_for_update(of=("self",))
        .filter(volunteer_id=own_volunteer_id(user_id), checked_out_at__isnull=True)
        .select_related("shift__activity__project")[:1]
    )
)


def _shift_here(signups: list, now: dt.datetime) -> tuple[Shift, int | None]:
    """Of the volunteer's confirmed places at this station (`_CONFIRMED_HERE`), the shift open
    for check-in now, and the id of their attendance of it, if they have one."""
    current = [s for s in signups if s.shift.starts_at - OPENS_BEFORE <= now <= s.shift.ends_at]
    if current:
        return current[0].shift, current[0].done_id
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
    station = _STATION.first(token)
    if station is None:
        raise CheckInRefused(
            _("This check-in code is out of date or unknown. Ask for a new poster.")
        )
    with own_volunteer_held(
        actor, (_OPEN_NOW, (actor.pk,)), (_CONFIRMED_HERE, (actor.pk, station.pk))
    ) as (volunteer, (open_rows, here)):
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
                return _of(sent_before, volunteer)
        open_now = _of(open_rows[0] if open_rows else None, volunteer)
        open_here = open_now if open_now is not None and open_now.station_id == station.pk else None
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
            closed = _check_out(
                open_here, actor=actor, position=position, now=when, station=station
            )
            closed.closed_now = True  # this scan checked out (outcomes.was_repeated)
            return closed
        if action == "out":
            raise CheckInRefused(_nothing_to_check_out(volunteer, station, when), code="not_in")
        shift, done_id = _shift_here(here, when)
        if done_id is not None:
            return _of(Attendance.objects.get(pk=done_id), volunteer)
        distance, verified = _distance(station, position)
        if open_now is not None:
            raise CheckInRefused(_("You are still checked in elsewhere: check out there first."))
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


_Read = TypeVar("_Read", Attendance, None)


def _of(attendance: _Read, volunteer: Volunteer) -> _Read:
    """An attendance read by its volunteer, with that volunteer attached: the answer names
    them (AttendanceOut.volunteer_no), which read them again for every check-out."""
    if attendance is not None:
        attendance.volunteer = volunteer
    return attendance


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
    """A new attendance. The caller holds the volunteer's lock and has made sure they are not
    checked in anywhere; the unique indexes refuse a racing double all the same (the error
    ends the caller's transaction, so no savepoint is needed)."""
    try:
        with transaction.atomic(savepoint=False):
            (attendance,) = insert_compiled(
                [
                    Attendance(
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
                ]
            )
            return attendance
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
            Volunteer.objects.lock(signup.volunteer_id)
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
