"""API: the exchange export (JSON Lines or .xlsx, a background export job) and transfers in
(转移接续)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Router, Schema, Status

from zhiyuan.core.security import client_ip
from zhiyuan.exchange import access, exports, selectors
from zhiyuan.exchange.files import rows_from_records
from zhiyuan.service.transfers import transfer_in
from zhiyuan.spreadsheets.api import ExportJobOut
from zhiyuan.spreadsheets.export_jobs import start_export
from zhiyuan.spreadsheets.models import ExportJob

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
    filename: str = Field("", max_length=200, description="Where the records were read from")
    records: list[dict[str, Any]] = Field(
        ...,
        max_length=20_000,
        description="Service records keyed by the elements' names (docs/exchange.md): "
        "记录编号, 志愿者统一编号 or 证件号码, 服务日期, 服务时长, 记录团体名称 …",
    )


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


@router.post("/exchange/exports", response={202: ExportJobOut})
def export(request, payload: ExchangeExportIn):
    """Start writing the scope's volunteers, teams, projects, activities, service records and
    certificates for the period, in the exchange format (docs/exchange.md), in the
    background: poll the job's `url` (`GET /exports/{id}`), then fetch its `download_url`
    (the caller only, for a day). `reveal` (with a reason) is audited when asked for."""
    job = start_export(
        actor=request.auth,
        kind=ExportJob.Kind.EXCHANGE,
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
    # A backend that runs at once (or a fast worker) may have finished it already.
    job.refresh_from_db()
    return Status(202, job)


@router.get("/exchange/transfers", response=list[TransferOut])
def transfers(request):
    access.check_exchange(request.auth)
    return list(selectors.transfer_batches(request.auth)[:100])


@router.post("/exchange/transfers", response={201: TransferResultOut})
def transfer(request, payload: TransferIn):
    """Service records from another system for volunteers of the caller's region: one bad
    record refuses them all and nothing changes; records already transferred are skipped.
    (The page /exchange/ takes the same records as a .jsonl, .xlsx or .csv file.)"""
    access.check_exchange(request.auth)
    outcome = transfer_in(
        actor=request.auth,
        source=payload.source,
        filename=payload.filename or "api",
        rows=rows_from_records(payload.records),
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
