"""API: a volunteer's personal-data export and the anonymisation of one who left."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Router, Schema

from zhiyuan.core.errors import NotFound, ValidationFailed
from zhiyuan.core.security import client_ip
from zhiyuan.ops import privacy
from zhiyuan.volunteers.access import volunteer_for

router = Router(tags=["privacy"])


class PrivacyExportIn(Schema):
    reason: str = Field(
        ..., max_length=300, description="Why the office exports this person's data"
    )


class AnonymiseIn(Schema):
    reason: str = Field(..., max_length=300, description="Why; do not name the person")
    confirm: str = Field(..., max_length=30, description="The volunteer number, typed again")


class AnonymisationOut(Schema):
    volunteer_no: str = Field(..., description="The new number; the old one leads nowhere")
    at: dt.datetime
    reason: str
    records_kept: int
    hours_kept: Decimal
    certificates_kept: int
    memberships_ended: int
    signups_released: int
    messages_deleted: int

    @staticmethod
    def resolve_volunteer_no(obj) -> str:
        return obj.volunteer.volunteer_no


@router.get("/privacy/me/export", response=dict[str, Any])
def my_export(request):
    """Everything held on the signed-in volunteer (ID number and phone in clear); audited."""
    volunteer = getattr(request.user, "volunteer", None)
    if volunteer is None:
        raise NotFound(privacy.NO_PROFILE)
    return privacy.export_for(
        actor=request.user, volunteer=volunteer, ip_address=client_ip(request)
    )


@router.post("/privacy/volunteers/{volunteer_no}/export", response=dict[str, Any])
def volunteer_export(request, volunteer_no: str, payload: PrivacyExportIn):
    """An office admin of the volunteer's region exports their data, with a reason; audited."""
    volunteer = volunteer_for(request.user, volunteer_no, manage=True)
    return privacy.export_for(
        actor=request.user,
        volunteer=volunteer,
        reason=payload.reason,
        ip_address=client_ip(request),
    )


@router.post("/privacy/volunteers/{volunteer_no}/anonymise", response=AnonymisationOut)
def anonymise(request, volunteer_no: str, payload: AnonymiseIn):
    """Erase the person, keep their service in the statistics. Irreversible."""
    volunteer = volunteer_for(request.user, volunteer_no, manage=True)
    if payload.confirm.strip() != volunteer.volunteer_no:
        raise ValidationFailed({"confirm": [str(privacy.CONFIRM_MISMATCH)]})
    return privacy.anonymise_volunteer(
        actor=request.user, volunteer=volunteer, reason=payload.reason
    )
