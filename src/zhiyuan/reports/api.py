"""API: the statistics of a scope and period, snapshots, and yearly report generation."""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema, Status

from zhiyuan.reports import access, services
from zhiyuan.reports.models import ReportFile
from zhiyuan.reports.statistics import compute

router = Router(tags=["reports"])


class FiguresOut(Schema):
    scope: str
    scope_label: str
    start: dt.date
    end: dt.date
    frozen: bool
    figures: dict


class PeriodIn(Schema):
    scope: str
    start: dt.date
    end: dt.date


class SnapshotOut(Schema):
    scope: str
    start: dt.date
    end: dt.date
    frozen_at: dt.datetime


class ReportIn(Schema):
    scope: str | None = None
    year: int


class ReportOut(Schema):
    id: int
    year: int
    scope: str
    state: str
    error: str
    download_url: str | None


def _report_out(report: ReportFile) -> dict:
    from django.urls import reverse

    return {
        "id": report.pk,
        "year": report.year,
        "scope": report.scope_key,
        "state": report.state,
        "error": report.error,
        "download_url": reverse("reports:download", args=[report.pk])
        if report.state == ReportFile.State.DONE
        else None,
    }


@router.get("/statistics", response=FiguresOut)
def statistics(request, scope: str | None = None, start: str | None = None, end: str | None = None):
    """Every figure for a scope (`region:ID`, `team:ID`, `station:ID`; default: the caller's
    own) and period [start, end) (default: the current calendar year)."""
    the_scope, start_day, end_day = access.figures_request(request.auth, scope, start, end)
    return compute(the_scope, start_day, end_day).as_json()


@router.post("/statistics/snapshots", response={201: SnapshotOut})
def freeze(request, payload: PeriodIn):
    scope = access.parse_scope_key(request.auth, payload.scope)
    snapshot = services.freeze(
        actor=request.auth, scope=scope, start=payload.start, end=payload.end
    )
    return Status(
        201,
        {
            "scope": snapshot.scope_key,
            "start": snapshot.start,
            "end": snapshot.end,
            "frozen_at": snapshot.frozen_at,
        },
    )


@router.delete("/statistics/snapshots", response={204: None})
def unfreeze(request, scope: str, start: dt.date, end: dt.date):
    the_scope = access.parse_scope_key(request.auth, scope)
    services.unfreeze(actor=request.auth, scope=the_scope, start=start, end=end)
    return Status(204, None)


@router.post("/yearly-reports", response={202: ReportOut})
def request_report(request, payload: ReportIn):
    scope = (
        access.parse_scope_key(request.auth, payload.scope)
        if payload.scope
        else access.default_scope(request.auth)
    )
    report = services.request_report(actor=request.auth, scope=scope, year=payload.year)
    report.refresh_from_db()
    return Status(202, _report_out(report))


@router.get("/yearly-reports/{report_id}", response=ReportOut)
def report_status(request, report_id: int):
    return _report_out(access.report_for(request.auth, report_id))
