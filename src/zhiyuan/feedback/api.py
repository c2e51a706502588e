"""API: rating an activity and a volunteer's service; filing, tracking and handling complaints."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.utils.translation import gettext
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile

from zhiyuan.accounts.apiauth import OPTIONAL
from zhiyuan.core.errors import ValidationFailed
from zhiyuan.core.security import client_ip, throttle, throttle_registration
from zhiyuan.feedback import access, selectors, services
from zhiyuan.projects.access import activity_for
from zhiyuan.volunteers.models import Volunteer

router = Router(tags=["evaluations and complaints"])


class ActivityRatingIn(Schema):
    score: int = Field(..., ge=1, le=5, description="The activity, 1–5")
    team_score: int = Field(..., ge=1, le=5, description="Its organising team, 1–5")
    comment: str = Field("", max_length=500)


class ActivityRatingOut(Schema):
    id: int
    activity_id: int
    team_id: int
    score: int
    team_score: int
    comment: str


class ServiceRatingIn(Schema):
    volunteer_no: str = Field(..., max_length=20)
    score: int = Field(..., ge=1, le=5)
    comment: str = Field("", max_length=500)


class ServiceRatingOut(Schema):
    id: int
    activity_id: int
    volunteer_no: str
    score: int
    comment: str

    @staticmethod
    def resolve_volunteer_no(obj) -> str:
        return obj.volunteer.volunteer_no


class ComplaintIn(Schema):
    subject_type: str = Field(..., pattern="^(volunteer|team|project|station)$")
    subject: str = Field(
        ..., max_length=20, description="The volunteer number, or the team/project/station id"
    )
    what: str = Field(..., max_length=2000)
    happened_on: dt.date
    place: str = Field("", max_length=200)
    contact_name: str = Field("", max_length=50)
    contact: str = Field("", max_length=20, description="A mobile number, optional")


class ComplaintTrackOut(Schema):
    code: str
    subject_type: str
    status: str
    filed_at: dt.datetime
    due_on: dt.date
    outcome: str


class ComplaintOut(ComplaintTrackOut):
    id: int
    what: str
    happened_on: dt.date
    place: str
    contact_name: str
    contact_masked: str
    region_id: int
    team_id: int | None
    answer: str
    closed_at: dt.datetime | None
    has_evidence: bool = Field(
        ..., description="A photo is attached: GET /complaints/{id}/evidence (office, team)"
    )

    @staticmethod
    def resolve_has_evidence(obj) -> bool:
        found = getattr(obj, "has_evidence", None)
        return bool(found) if found is not None else hasattr(obj, "evidence")


class ComplaintMoveIn(Schema):
    to: str = Field(..., pattern="^(investigating|resolved|dismissed)$")
    note: str = Field("", max_length=1000)


class ComplaintAnswerIn(Schema):
    answer: str = Field(..., max_length=1000)


class RevealIn(Schema):
    reason: str = Field(..., max_length=300)


class RevealOut(Schema):
    contact: str


@router.post("/activities/{activity_id}/ratings", response={201: ActivityRatingOut})
def rate_activity(request, activity_id: int, payload: ActivityRatingIn):
    """A volunteer who served in the activity rates it and its organising team."""
    activity = activity_for(request.auth, activity_id)
    return Status(
        201,
        services.rate_activity(
            actor=request.auth,
            activity=activity,
            score=payload.score,
            team_score=payload.team_score,
            comment=payload.comment,
        ),
    )


@router.post("/activities/{activity_id}/service-ratings", response={201: ServiceRatingOut})
def rate_service(request, activity_id: int, payload: ServiceRatingIn):
    """The organiser rates one volunteer's service in the activity."""
    activity = activity_for(request.auth, activity_id, organise=True)
    volunteer = Volunteer.objects.filter(volunteer_no=payload.volunteer_no).first()
    if volunteer is None:
        raise ValidationFailed({"volunteer_no": [gettext("Unknown volunteer number.")]})
    return Status(
        201,
        services.rate_service(
            actor=request.auth,
            activity=activity,
            volunteer=volunteer,
            score=payload.score,
            comment=payload.comment,
        ),
    )


@router.post("/complaints", response={201: ComplaintTrackOut}, auth=OPTIONAL)
def file_complaint(request, payload: ComplaintIn):
    """Anyone, signed in or not, files a complaint; keep the code to follow it."""
    throttle_registration(request)
    return Status(
        201,
        services.file_complaint(
            actor=request.auth,
            subject_type=payload.subject_type,
            subject=payload.subject,
            what=payload.what,
            happened_on=payload.happened_on,
            place=payload.place,
            contact_name=payload.contact_name,
            contact=payload.contact,
        ),
    )


@router.get("/complaints/track/{code}", response=ComplaintTrackOut, auth=OPTIONAL)
def track_complaint(request, code: str):
    throttle("track", client_ip(request), limit=120, window=3600)
    return services.complaint_by_code(code)


@router.post("/complaints/track/{code}/evidence", response=ComplaintTrackOut, auth=OPTIONAL)
def attach_evidence(request, code: str, evidence: File[UploadedFile]):
    """The complainant adds a photo (JPEG, PNG or WebP, at most 5 MB, checked by content) to
    a complaint filed without one, by its tracking code, until the office starts on it."""
    throttle_registration(request)
    complaint = services.complaint_by_code(code)
    return services.attach_evidence(actor=request.auth, complaint=complaint, upload=evidence)


@router.get("/complaints", response=list[ComplaintOut])
def list_complaints(request, status: str = ""):
    """Complaints the caller may see: the office in charge, the team concerned, the filer."""
    return list(selectors.complaints_for(request.auth, status=status)[:500])


@router.get("/complaints/{complaint_id}", response=ComplaintOut)
def read_complaint(request, complaint_id: int):
    return access.complaint_for(request.auth, complaint_id)


@router.get("/complaints/{complaint_id}/evidence", response={200: None})
def read_evidence(request, complaint_id: int):
    """The complainant's photo (the image itself): the office in charge and the team concerned."""
    evidence = access.evidence_for(request.auth, complaint_id)
    response = HttpResponse(evidence.image(), content_type=evidence.content_type)
    response["Cache-Control"] = "private, no-store"
    return response


@router.post("/complaints/{complaint_id}/move", response=ComplaintOut)
def move_complaint(request, complaint_id: int, payload: ComplaintMoveIn):
    complaint = access.complaint_for(request.auth, complaint_id)
    return services.move_complaint(
        actor=request.auth, complaint=complaint, to=payload.to, note=payload.note
    )


@router.post("/complaints/{complaint_id}/answer", response=ComplaintOut)
def answer_complaint(request, complaint_id: int, payload: ComplaintAnswerIn):
    complaint = access.complaint_for(request.auth, complaint_id)
    return services.answer_complaint(actor=request.auth, complaint=complaint, answer=payload.answer)


@router.post("/complaints/{complaint_id}/reveal", response=RevealOut)
def reveal_contact(request, complaint_id: int, payload: RevealIn):
    """The complainant's full contact: the office in charge, audit-logged."""
    complaint = access.complaint_for(request.auth, complaint_id)
    contact = services.reveal_contact(
        actor=request.auth,
        complaint=complaint,
        reason=payload.reason,
        ip_address=client_ip(request),
    )
    return {"contact": contact}
