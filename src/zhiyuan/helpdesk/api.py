"""API: help requests (submit and track without an account, verify, reject, assign, start,
complete, cancel, rate, reveal), recipients, matching runs and their proposals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from zhiyuan.accounts.apiauth import OPTIONAL
from zhiyuan.core.errors import ValidationFailed
from zhiyuan.core.security import client_ip, throttle, throttle_registration
from zhiyuan.helpdesk import access, proposals, recipients, selectors, services, workflow
from zhiyuan.helpdesk.models import HelpRequest
from zhiyuan.places.models import Region
from zhiyuan.teams.models import Team
from zhiyuan.volunteers.models import Volunteer

router = Router(tags=["helpdesk"])


class SubmitIn(Schema):
    kind: str = Field(..., max_length=20)
    title: str = Field(..., max_length=100)
    description: str = Field("", max_length=2000)
    category: str = Field(..., max_length=24)
    community_id: int
    address: str = Field(..., max_length=200)
    latitude: float | None = None
    longitude: float | None = None
    coord_system: str = "wgs84"
    starts_at: dt.datetime
    ends_at: dt.datetime
    repeat: str = "once"
    repeat_until: dt.date | None = None
    urgency: str = "normal"
    volunteers_needed: int = 1
    persons_served: int = 1
    contact_name: str = Field(..., max_length=50)
    phone: str = Field(..., max_length=20)
    known_risks: str = Field("", max_length=500)
    truth_confirmed: bool


class SubmittedOut(Schema):
    code: str
    status: str


class TrackOut(Schema):
    """What anyone holding the code sees: no names, no address, no phone."""

    code: str
    status: str
    kind: str
    title: str
    community: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    repeat: str
    status_reason: str
    volunteers_assigned: int
    rating: int | None
    history: list[dict]

    @staticmethod
    def resolve_community(obj) -> str:
        return obj.community.name

    @staticmethod
    def resolve_volunteers_assigned(obj) -> int:
        return obj.assignments.filter(state="active").count()

    @staticmethod
    def resolve_history(obj) -> list[dict]:
        return [{"status": e.to_status, "at": e.at.isoformat()} for e in obj.events.all()]


class RequestOut(Schema):
    id: int
    code: str
    status: str
    kind: str
    title: str
    description: str
    category: str
    community_id: int
    address_masked: str
    phone_masked: str
    contact_name: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    repeat: str
    repeat_until: dt.date | None
    urgency: str
    volunteers_needed: int
    persons_served: int
    known_risks: str
    team_id: int | None
    status_reason: str
    rating: int | None
    submitted_at: dt.datetime
    volunteer_nos: list[str]

    @staticmethod
    def resolve_volunteer_nos(obj) -> list[str]:
        return [
            a.volunteer.volunteer_no
            for a in obj.assignments.filter(state="active").select_related("volunteer")
        ]


class HelpRequestReasonIn(Schema):
    reason: str = Field(..., max_length=300)


class VerifyIn(Schema):
    team_id: int | None = None


class RateIn(Schema):
    rating: int
    comment: str = Field("", max_length=500)


class AssignIn(Schema):
    volunteer_no: str = Field(..., max_length=20)


class CompleteIn(Schema):
    hours: dict[str, Decimal] = {}
    note: str = Field("", max_length=300)


class HelpRequestRevealIn(Schema):
    field: str = Field(..., max_length=20)
    reason: str = Field(..., max_length=300)


class HelpRequestRevealOut(Schema):
    field: str
    value: str


class RecipientIn(Schema):
    name: str = Field(..., max_length=50)
    category: str = Field(..., max_length=24)
    community_id: int
    address: str = Field(..., max_length=200)
    needs: str = Field("", max_length=2000)
    health: str = Field("", max_length=2000)
    contact_name: str = Field("", max_length=50)
    phone: str = Field("", max_length=20)
    latitude: float | None = None
    longitude: float | None = None
    coord_system: str = "wgs84"
    consent: bool


class RecipientPatch(Schema):
    name: str | None = Field(None, max_length=50)
    category: str | None = Field(None, max_length=24)
    address: str | None = Field(None, max_length=200)
    needs: str | None = Field(None, max_length=2000)
    health: str | None = Field(None, max_length=2000)
    contact_name: str | None = Field(None, max_length=50)
    phone: str | None = Field(None, max_length=20)
    is_active: bool | None = None


class RecipientOut(Schema):
    id: int
    name: str
    category: str
    community_id: int
    address_masked: str
    phone_masked: str
    contact_name: str
    needs: str
    has_health: bool
    is_active: bool


class RunIn(Schema):
    region_id: int
    days_ahead: int = 14
    include_requests: bool = True
    include_shifts: bool = True


class RunOut(Schema):
    id: int
    region_id: int
    status: str
    volunteer_count: int
    demand_count: int
    proposal_count: int
    unfilled_count: int
    total_score: float
    seconds: float
    error: str
    created_at: dt.datetime


class ProposalOut(Schema):
    id: int
    run_id: int
    volunteer_no: str
    demand_id: str
    score: float
    state: str
    reasons: list[dict]

    @staticmethod
    def resolve_volunteer_no(obj) -> str:
        return obj.volunteer.volunteer_no

    @staticmethod
    def resolve_reasons(obj) -> list[dict]:
        return [
            {**r, "text": proposals.reason_text(r.get("code", ""), r.get("params"))}
            for r in obj.reasons
        ]


class SwapIn(Schema):
    volunteer_no: str = Field(..., max_length=20)


def _volunteer(number: str, field: str = "volunteer_no") -> Volunteer:
    volunteer = Volunteer.objects.filter(volunteer_no=number).first()
    if volunteer is None:
        raise ValidationFailed({field: [_("Unknown volunteer number.")]})
    return volunteer


# Public ---------------------------------------------------------------------------------------


@router.post("/help-requests", response={201: SubmittedOut}, auth=OPTIONAL)
def submit(request, payload: SubmitIn):
    """我要求助: anyone may ask; keep the returned code to follow the request."""
    throttle_registration(request)
    data = payload.dict()
    help_request = services.submit_request(actor=request.user, **data)
    return Status(201, {"code": help_request.code, "status": help_request.status})


@router.get("/help-requests/track/{code}", response=TrackOut, auth=OPTIONAL)
def track(request, code: str):
    throttle("track", client_ip(request), limit=120, window=3600)
    return services.request_by_code(code)


@router.post("/help-requests/track/{code}/rate", response=TrackOut, auth=OPTIONAL)
def rate(request, code: str, payload: RateIn):
    throttle("track", client_ip(request), limit=120, window=3600)
    return workflow.rate_request(code=code, rating=payload.rating, comment=payload.comment)


@router.post("/help-requests/track/{code}/cancel", response=TrackOut, auth=OPTIONAL)
def cancel_by_code(request, code: str, payload: HelpRequestReasonIn):
    throttle("track", client_ip(request), limit=120, window=3600)
    help_request = services.request_by_code(code)
    return workflow.cancel_request(
        actor=request.user, request=help_request, reason=payload.reason, by_requester=True
    )


# Office, team and volunteers ------------------------------------------------------------------


@router.get("/help-requests", response=list[RequestOut])
def list_requests(request, status: str = "", kind: str = "", q: str = "", limit: int = 100):
    filters = selectors.RequestFilter(q=q, status=status, kind=kind)
    return list(selectors.request_list(request.auth, filters)[: max(1, min(limit, 500))])


@router.get("/help-requests/{request_id}", response=RequestOut)
def get_request(request, request_id: int):
    return access.request_for(request.auth, request_id)


@router.post("/help-requests/{request_id}/verify", response=RequestOut)
def verify(request, request_id: int, payload: VerifyIn):
    help_request = access.request_for(request.auth, request_id, verify=True)
    team = None
    if payload.team_id is not None:
        team = Team.objects.filter(pk=payload.team_id).first()
        if team is None:
            raise ValidationFailed({"team_id": [_("No such team.")]})
    return workflow.verify_request(actor=request.auth, request=help_request, team=team)


@router.post("/help-requests/{request_id}/reject", response=RequestOut)
def reject(request, request_id: int, payload: HelpRequestReasonIn):
    help_request = access.request_for(request.auth, request_id, verify=True)
    return workflow.reject_request(actor=request.auth, request=help_request, reason=payload.reason)


@router.post("/help-requests/{request_id}/assign", response=RequestOut)
def assign(request, request_id: int, payload: AssignIn):
    help_request = access.request_for(request.auth, request_id, handle=True)
    workflow.assign_volunteer(
        actor=request.auth,
        request=help_request,
        volunteer=_volunteer(payload.volunteer_no),
        check=proposals.request_refusals,
    )
    return access.request_for(request.auth, request_id)


@router.post("/help-requests/{request_id}/confirm-assignment", response=RequestOut)
def confirm_assignment(request, request_id: int, payload: AssignIn):
    """The handling team confirms a volunteer who took the request themselves."""
    help_request = access.request_for(request.auth, request_id, handle=True)
    workflow.confirm_assignment(
        actor=request.auth, request=help_request, volunteer=_volunteer(payload.volunteer_no)
    )
    return access.request_for(request.auth, request_id)


@router.post("/help-requests/{request_id}/accept", response=RequestOut)
def accept(request, request_id: int):
    """A volunteer takes a verified request offered to them."""
    help_request = HelpRequest.objects.filter(pk=request_id, status="verified").first()
    if help_request is None:
        raise ValidationFailed({"request": [_("This request is not open to take.")]})
    proposals.accept_request(actor=request.auth, request=help_request)
    return access.request_for(request.auth, request_id)


@router.post("/help-requests/{request_id}/start", response=RequestOut)
def start(request, request_id: int):
    help_request = access.request_for(request.auth, request_id)
    return workflow.start_service(actor=request.auth, request=help_request)


@router.post("/help-requests/{request_id}/complete", response=RequestOut)
def complete(request, request_id: int, payload: CompleteIn):
    help_request = access.request_for(request.auth, request_id, handle=True)
    numbers = dict(
        Volunteer.objects.filter(volunteer_no__in=list(payload.hours)).values_list(
            "volunteer_no", "pk"
        )
    )
    unknown = [n for n in payload.hours if n not in numbers]
    if unknown:
        raise ValidationFailed(
            {
                "hours": [
                    _("Unknown volunteer number: %(numbers)s") % {"numbers": ", ".join(unknown)}
                ]
            }
        )
    hours = {numbers[n]: h for n, h in payload.hours.items()}
    return workflow.complete_request(
        actor=request.auth, request=help_request, hours=hours, note=payload.note
    )


@router.post("/help-requests/{request_id}/cancel", response=RequestOut)
def cancel(request, request_id: int, payload: HelpRequestReasonIn):
    help_request = access.request_for(request.auth, request_id)
    return workflow.cancel_request(actor=request.auth, request=help_request, reason=payload.reason)


@router.post("/help-requests/{request_id}/reveal", response=HelpRequestRevealOut)
def reveal_request(request, request_id: int, payload: HelpRequestRevealIn):
    help_request = access.request_for(request.auth, request_id)
    value = services.reveal_request(
        actor=request.auth,
        request=help_request,
        field=payload.field,
        reason=payload.reason,
        ip_address=client_ip(request),
    )
    return {"field": payload.field, "value": value}


# Recipients ------------------------------------------------------------------------------------


@router.get("/recipients", response=list[RecipientOut])
def list_recipients(request, q: str = "", category: str = "", limit: int = 100):
    return list(
        selectors.recipient_list(request.auth, q=q, category=category)[: max(1, min(limit, 500))]
    )


@router.post("/recipients", response={201: RecipientOut})
def create_recipient(request, payload: RecipientIn):
    return Status(201, recipients.create_recipient(actor=request.auth, **payload.dict()))


@router.get("/recipients/{recipient_id}", response=RecipientOut)
def get_recipient(request, recipient_id: int):
    return access.recipient_for(request.auth, recipient_id)


@router.patch("/recipients/{recipient_id}", response=RecipientOut)
def update_recipient(request, recipient_id: int, payload: RecipientPatch):
    recipient = access.recipient_for(request.auth, recipient_id, manage=True)
    changes = payload.dict(exclude_unset=True)
    return recipients.update_recipient(actor=request.auth, recipient=recipient, **changes)


@router.post("/recipients/{recipient_id}/reveal", response=HelpRequestRevealOut)
def reveal_recipient(request, recipient_id: int, payload: HelpRequestRevealIn):
    recipient = access.recipient_for(request.auth, recipient_id, manage=True)
    value = recipients.reveal_recipient(
        actor=request.auth,
        recipient=recipient,
        field=payload.field,
        reason=payload.reason,
        ip_address=client_ip(request),
    )
    return {"field": payload.field, "value": value}


# Matching --------------------------------------------------------------------------------------


@router.post("/match-runs", response={201: RunOut})
def start_run(request, payload: RunIn):
    region = Region.objects.filter(pk=payload.region_id).first()
    if region is None:
        raise ValidationFailed({"region_id": [_("No such region.")]})
    run = proposals.start_run(
        actor=request.auth,
        region=region,
        days_ahead=payload.days_ahead,
        include_requests=payload.include_requests,
        include_shifts=payload.include_shifts,
    )
    return Status(201, run)


@router.get("/match-runs", response=list[RunOut])
def list_runs(request):
    return list(selectors.runs_for(request.auth)[:100])


@router.get("/match-runs/{run_id}", response=RunOut)
def get_run(request, run_id: int):
    return access.run_for(request.auth, run_id)


@router.get("/match-runs/{run_id}/proposals", response=list[ProposalOut])
def run_proposals(request, run_id: int):
    return list(selectors.proposals_of(access.run_for(request.auth, run_id)))


@router.post("/proposals/{proposal_id}/confirm", response=ProposalOut)
def confirm(request, proposal_id: int):
    proposal = access.proposal_for(request.auth, proposal_id)
    return proposals.confirm_proposal(actor=request.auth, proposal=proposal)


@router.post("/proposals/{proposal_id}/drop", response=ProposalOut)
def drop(request, proposal_id: int):
    proposal = access.proposal_for(request.auth, proposal_id)
    return proposals.drop_proposal(actor=request.auth, proposal=proposal)


@router.post("/proposals/{proposal_id}/swap", response=ProposalOut)
def swap(request, proposal_id: int, payload: SwapIn):
    proposal = access.proposal_for(request.auth, proposal_id)
    return proposals.swap_proposal(
        actor=request.auth, proposal=proposal, volunteer=_volunteer(payload.volunteer_no)
    )
