"""API: scanning a station's code, organiser check-in/out and entered hours, records and
their approval and correction, my hours, and who is at a station now."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from zhiyuan.core.errors import ValidationFailed
from zhiyuan.core.ids import RowId
from zhiyuan.projects.access import shift_for
from zhiyuan.service import access, checkin, outcomes, selectors, services
from zhiyuan.stations.access import station_for
from zhiyuan.volunteers.models import Volunteer

router = Router(tags=["service hours"])


class ScanIn(Schema):
    token: str = Field(..., max_length=40)
    longitude: float | None = None
    latitude: float | None = None
    coord_system: str = "wgs84"
    scanned_at: dt.datetime | None = Field(
        None, description="The phone's time of a scan kept offline and sent late."
    )
    client_id: str | None = Field(
        None,
        pattern=r"^[A-Za-z0-9_-]{8,64}$",
        description="Made by the phone for each scan: a scan sent twice counts once.",
    )
    action: str | None = Field(
        None, pattern="^(in|out)$", description="What the phone showed: check in or out."
    )


class NoteOut(Schema):
    level: str = Field(..., description="success, info or warning")
    text: str


class AttendanceOut(Schema):
    id: int
    volunteer_no: str
    shift_id: int
    station_id: int | None
    method: str
    checked_in_at: dt.datetime
    checked_out_at: dt.datetime | None
    in_distance_m: int | None
    auto_checked_out: bool
    position_verified: bool
    in_received_at: dt.datetime | None
    out_received_at: dt.datetime | None
    notes: list[NoteOut] = Field(
        [], description="A scan's answer: what it did, in the caller's language."
    )

    @staticmethod
    def resolve_volunteer_no(obj) -> str:
        return obj.volunteer.volunteer_no

    @staticmethod
    def resolve_notes(obj) -> list[dict]:
        return [{"level": n.level, "text": n.text} for n in getattr(obj, "notes", [])]


class OrganiserAttendanceIn(Schema):
    action: str = Field(..., pattern="^(check_in|check_out|confirm)$")
    volunteer_nos: list[str] | None = None


class HoursIn(Schema):
    volunteer_no: str = Field(..., max_length=20)
    hours: Decimal
    reason: str = Field(..., max_length=300)
    persons_served: int = 0
    content: str = Field("", max_length=300)


class RecordOut(Schema):
    id: int
    volunteer_no: str
    shift_id: int | None
    project: str | None
    team_id: int
    served_on: dt.date
    hours: Decimal
    persons_served: int
    content: str
    source: str
    state: str
    reason: str
    version: int
    supersedes_id: int | None
    is_current: bool

    @staticmethod
    def resolve_volunteer_no(obj) -> str:
        return obj.volunteer.volunteer_no

    @staticmethod
    def resolve_project(obj) -> str | None:
        return obj.project.name if obj.project_id else None


class DecideIn(Schema):
    ids: list[RowId]
    reason: str = Field("", max_length=300)


class CorrectIn(Schema):
    hours: Decimal
    reason: str = Field(..., max_length=300)


class CorrectionIn(Schema):
    record_id: int | None = None
    shift_id: int | None = None
    hours: Decimal
    message: str = Field(..., max_length=500)


class CorrectionOut(Schema):
    id: int
    record_id: int | None
    shift_id: int | None
    hours: Decimal
    message: str
    state: str
    answer: str


class AnswerIn(Schema):
    accept: bool
    answer: str = Field("", max_length=300)


class HoursOut(Schema):
    total: Decimal
    transferred: Decimal = Field(
        Decimal(0), description="Of the total: hours transferred in from other systems"
    )
    star_level: int
    next_level: int | None
    to_next: Decimal | None


def _volunteers(numbers: list[str] | None) -> list[int] | None:
    if numbers is None:
        return None
    ids = list(Volunteer.objects.filter(volunteer_no__in=numbers).values_list("pk", flat=True))
    if len(ids) != len(set(numbers)):
        raise ValidationFailed({"volunteer_nos": [_("Unknown volunteer number.")]})
    return ids


@router.post("/checkins", response=AttendanceOut)
def scan(request, payload: ScanIn):
    """What scanning a station's poster does: check in, or check out when checked in.

    The check-in page keeps scans made without network and sends them later with the
    phone's time and its own id for each scan (see ScanIn)."""
    position = checkin.position_from(payload.longitude, payload.latitude, payload.coord_system)
    attendance = checkin.scan(
        actor=request.auth,
        token=payload.token,
        position=position,
        scanned_at=payload.scanned_at,
        client_id=payload.client_id,
        action=payload.action,
    )
    repeated = outcomes.was_repeated(attendance, client_id=payload.client_id)
    attendance.notes = outcomes.scan_notes(attendance, repeated=repeated)
    return attendance


@router.post("/shifts/{shift_id}/attendance", response=list[AttendanceOut])
def organiser_attendance(request, shift_id: int, payload: OrganiserAttendanceIn):
    """Organisers check volunteers in or out, or confirm attendances scanned without a
    position (all confirmed volunteers, or all unverified attendances, when no numbers are
    given)."""
    shift = shift_for(request.auth, shift_id, organise=True)
    ids = _volunteers(payload.volunteer_nos)
    if payload.action == "check_in":
        return checkin.organiser_check_in(actor=request.auth, shift=shift, volunteer_ids=ids)
    if payload.action == "confirm":
        return checkin.confirm_attendance(actor=request.auth, shift=shift, volunteer_ids=ids)
    return checkin.organiser_check_out(actor=request.auth, shift=shift, volunteer_ids=ids)


@router.post("/shifts/{shift_id}/hours", response={201: RecordOut})
def enter_hours(request, shift_id: int, payload: HoursIn):
    shift = shift_for(request.auth, shift_id, organise=True)
    volunteer = Volunteer.objects.filter(volunteer_no=payload.volunteer_no).first()
    if volunteer is None:
        raise ValidationFailed({"volunteer_no": [_("Unknown volunteer number.")]})
    record = services.enter_hours(
        actor=request.auth,
        shift=shift,
        volunteer=volunteer,
        hours=payload.hours,
        reason=payload.reason,
        persons_served=payload.persons_served,
        content=payload.content,
    )
    return Status(201, record)


@router.get("/me/hours", response=HoursOut)
def my_hours(request):
    volunteer = getattr(request.auth, "volunteer", None)
    if volunteer is None:
        return {"total": Decimal(0), "star_level": 0, "next_level": 1, "to_next": None}
    return selectors.my_hours(volunteer)


@router.get("/me/records", response=list[RecordOut])
def my_records(request):
    volunteer = getattr(request.auth, "volunteer", None)
    return list(selectors.recent_records(volunteer, limit=200)) if volunteer else []


@router.get("/records/queue", response=list[RecordOut])
def queue(request):
    """Pending records of the teams the caller manages (never their own)."""
    return list(selectors.approval_queue(request.auth)[:500])


@router.post("/records/approve", response=list[RecordOut])
def approve(request, payload: DecideIn):
    records = [access.record_for(request.auth, pk) for pk in payload.ids]
    return services.decide_records(actor=request.auth, records=records, approve=True)


@router.post("/records/reject", response=list[RecordOut])
def reject(request, payload: DecideIn):
    records = [access.record_for(request.auth, pk) for pk in payload.ids]
    return services.decide_records(
        actor=request.auth, records=records, approve=False, reason=payload.reason
    )


@router.get("/records/{record_id}/history", response=list[RecordOut])
def record_history(request, record_id: int):
    return selectors.history(access.record_for(request.auth, record_id))


@router.post("/records/{record_id}/correct", response={201: RecordOut})
def correct(request, record_id: int, payload: CorrectIn):
    record = access.record_for(request.auth, record_id)
    return Status(
        201,
        services.correct_record(
            actor=request.auth, record=record, hours=payload.hours, reason=payload.reason
        ),
    )


@router.post("/corrections", response={201: CorrectionOut})
def ask_correction(request, payload: CorrectionIn):
    record = access.record_for(request.auth, payload.record_id) if payload.record_id else None
    shift = shift_for(request.auth, payload.shift_id) if payload.shift_id else None
    return Status(
        201,
        services.ask_correction(
            actor=request.auth,
            record=record,
            shift=shift,
            hours=payload.hours,
            message=payload.message,
        ),
    )


@router.post("/corrections/{request_id}/answer", response=CorrectionOut)
def answer_correction(request, request_id: int, payload: AnswerIn):
    row = access.correction_for(request.auth, request_id)
    return services.answer_correction(
        actor=request.auth, request=row, accept=payload.accept, answer=payload.answer
    )


@router.get("/stations/{station_id}/present", response=list[AttendanceOut])
def present(request, station_id: int):
    """Who is checked in at the station now: its managers and the office."""
    station = station_for(request.auth, station_id, manage=True)
    return list(selectors.present_at(station))
