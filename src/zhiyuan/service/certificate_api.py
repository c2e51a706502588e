"""API: certificates of service (志愿服务记录证明): ask, list, issue, refuse, and the public check."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.urls import reverse
from ninja import Field, Router, Schema, Status

from zhiyuan.accounts.apiauth import OPTIONAL
from zhiyuan.core.errors import NotFound
from zhiyuan.core.security import client_ip
from zhiyuan.service import certificates
from zhiyuan.teams.access import team_for

router = Router(tags=["certificates"])


class CertificateIn(Schema):
    team_id: int
    period_from: dt.date
    period_to: dt.date


class CertificateOut(Schema):
    id: int
    volunteer_no: str
    volunteer_name: str
    team_id: int
    team_name: str
    period_from: dt.date
    period_to: dt.date
    state: str
    number: str | None
    total_hours: Decimal | None
    content: str
    responsible_person: str
    contact: str
    issued_on: dt.date | None
    refuse_reason: str
    requested_at: dt.datetime
    verify_url: str | None

    @staticmethod
    def resolve_volunteer_no(obj) -> str:
        return obj.volunteer.volunteer_no

    @staticmethod
    def resolve_volunteer_name(obj) -> str:
        return obj.volunteer.real_name

    @staticmethod
    def resolve_team_name(obj) -> str:
        return obj.team.name

    @staticmethod
    def resolve_verify_url(obj, context) -> str | None:
        if obj.state != obj.State.ISSUED:
            return None
        return context["request"].build_absolute_uri(
            reverse("service:certificate_verify", args=[obj.verify_token])
        )


class IssueIn(Schema):
    responsible_person: str = Field(..., max_length=50)
    contact: str = Field(..., max_length=50, description="A phone with area code, or an address")
    handler_name: str = Field(
        "", max_length=50, description="经办人; default: the caller's own real name"
    )


class RefuseIn(Schema):
    reason: str = Field(..., max_length=300)


class VerifyOut(Schema):
    """What anyone may learn about a genuine certificate: no ID number, no phone."""

    genuine: bool
    number: str
    issued_on: dt.date
    issuer: str
    volunteer_no: str
    volunteer_name: str
    period_from: dt.date
    period_to: dt.date
    total_hours: Decimal


def _genuine(certificate) -> dict:
    if certificate is None:
        raise NotFound(certificates.NOT_GENUINE)
    return {"genuine": True, **certificates.public_facts(certificate)}


@router.post("/certificates", response={201: CertificateOut})
def request_certificate(request, payload: CertificateIn):
    """Ask a team that recorded your approved hours for a certificate of the period."""
    team = team_for(request.auth, payload.team_id)
    return Status(
        201,
        certificates.request_certificate(
            actor=request.auth,
            team=team,
            period_from=payload.period_from,
            period_to=payload.period_to,
        ),
    )


@router.get("/certificates", response=list[CertificateOut])
def list_certificates(request, team_id: int | None = None, state: str = ""):
    """Your own certificates; with `team_id`, that team's (its managers only)."""
    if team_id is not None:
        team = team_for(request.auth, team_id, manage=True)
        qs = certificates.team_certificates(team)
    else:
        volunteer = getattr(request.auth, "volunteer", None)
        if volunteer is None:
            return []
        qs = certificates.my_certificates(volunteer)
    if state:
        qs = qs.filter(state=state)
    return list(qs[:500])


@router.post("/certificates/{certificate_id}/issue", response=CertificateOut)
def issue_certificate(request, certificate_id: int, payload: IssueIn):
    certificate = certificates.certificate_for(request.auth, certificate_id, handle=True)
    return certificates.issue_certificate(
        actor=request.auth,
        certificate=certificate,
        responsible_person=payload.responsible_person,
        contact=payload.contact,
        handler_name=payload.handler_name,
    )


@router.post("/certificates/{certificate_id}/refuse", response=CertificateOut)
def refuse_certificate(request, certificate_id: int, payload: RefuseIn):
    certificate = certificates.certificate_for(request.auth, certificate_id, handle=True)
    return certificates.refuse_certificate(
        actor=request.auth, certificate=certificate, reason=payload.reason
    )


@router.get("/certificates/verify/{token}", auth=OPTIONAL, response=VerifyOut)
def verify_by_token(request, token: str):
    """Public: is the certificate behind this QR code genuine? 404 when it is not."""
    return _genuine(certificates.genuine_by_token(token))


@router.get("/certificates/check", auth=OPTIONAL, response=VerifyOut)
def verify_by_number(request, number: str, volunteer_no: str):
    """Public: is there an issued certificate with this number for this volunteer number?
    404 when there is not; 429 past the hourly limit of checks per address."""
    return _genuine(certificates.genuine_by_number(number, volunteer_no, client=client_ip(request)))
