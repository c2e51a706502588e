"""API: the exchange export (JSON Lines or .xlsx) and transfers in (转移接续)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpResponse
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from zhiyuan.core.security import client_ip
from zhiyuan.exchange import access, exports, selectors
from zhiyuan.exchange.files import read_transfer_file
from zhiyuan.service.transfers import transfer_in

router = Router(tags=["exchange"])


class ExchangeExportIn(Schema):
    region_id: int | None = Field(None, description="The scope; default: the caller's region")
    start: dt.date
    end: dt.date = Field(..., description="Last day of the period (included)")
    format: str = Field("jsonl", description="jsonl or xlsx")
    reveal: bool = Field(False, description="Full ID numbers and phones (office, audited)")
    reason: str = Field("", max_length=300)


class TransferIn(Schema):
    source: str = Field(..., max_length=100, description="The system the records come from")


class TransferOut(Schema):
    id: int
    source: str
    filename: str
    rows: int
    added: int
    already_held: int
    created_at: dt.datetime


class TransferResultOut(TransferOut):
    added_hours: Decimal


@router.post("/exchange/exports")
def export(request, payload: ExchangeExportIn):
    """The scope's volunteers, teams, projects, activities, service records and certificates
    for the period, in the exchange format (docs/exchange.md)."""
    result = exports.export_exchange(
        actor=request.auth,
        request=exports.ExchangeRequest(
            region_id=payload.region_id,
            start=payload.start,
            end=payload.end,
            format=payload.format,
            reveal=payload.reveal,
            reason=payload.reason,
            ip_address=client_ip(request),
        ),
    )
    response = HttpResponse(result.content, content_type=result.content_type)
    response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    response["X-Export-Counts"] = ",".join(f"{k}={v}" for k, v in result.counts.items())
    return response


@router.get("/exchange/transfers", response=list[TransferOut])
def transfers(request):
    access.check_exchange(request.auth)
    return list(selectors.transfer_batches(request.auth)[:100])


@router.post("/exchange/transfers", response={201: TransferResultOut})
def transfer(request, file: File[UploadedFile], payload: Form[TransferIn]):
    """Service records from another system for volunteers of the caller's region: a bad row
    refuses the file and nothing changes; records already transferred are skipped."""
    access.check_exchange(request.auth)
    name = file.name or ""
    outcome = transfer_in(
        actor=request.auth,
        source=payload.source,
        filename=name,
        rows=read_transfer_file(name, file.read()),
    )
    batch = outcome.batch
    return Status(
        201,
        {
            "id": batch.pk,
            "source": batch.source,
            "filename": batch.filename,
            "rows": batch.rows,
            "added": outcome.added,
            "already_held": outcome.already_held,
            "created_at": batch.created_at,
            "added_hours": outcome.added_hours,
        },
    )
