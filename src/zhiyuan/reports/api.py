"""API: the statistics of a scope and period, snapshots, and yearly report generation."""

from __future__ import annotations

import datetime as dt

from django.utils import translation
from ninja import Router, Schema, Status
from pydantic import ConfigDict, Field, create_model

from zhiyuan.reports import access, glossary, services
from zhiyuan.reports.models import ReportFile
from zhiyuan.reports.statistics import compute

router = Router(tags=["reports"])


class CoverageRow(Schema):
    code: str
    name: str
    population: int
    volunteers: int
    one_in_every: int | None
    per_resident: float


class TopRow(Schema):
    id: int
    name: str
    hours: float
    persons_served: int
    person_times: int


class RatedRow(Schema):
    id: int
    name: str
    score: float = Field(description="average rating, 1–5")
    ratings: int


PROVIDED = ("helpdesk_", "honours_", "news_", "training_")
# Averages and shares of nothing (no ratings, no activities, no complaint closed) are null.
MAYBE_NONE = (
    "ratings_activity_score",
    "ratings_team_score",
    "ratings_service_score",
    "activities_rated_percent",
    "services_rated_percent",
    "complaint_days_median",
)
FLOATS = {"volunteers_per_resident", "helpdesk_average_rating", "helpdesk_help_hours"}


def _figure_type(key: str):
    """The JSON type of a figure, by its kind in the glossary."""
    if key.startswith("coverage_by_"):
        return list[CoverageRow]
    if key.startswith("top_"):
        return list[TopRow]
    if key.startswith("ratings_by_"):
        return list[RatedRow]
    if key in MAYBE_NONE:
        return float | None
    if key == "brand_project_names":
        return list[str]
    if key == "hours_by_month":
        return dict[str, float]
    if "_by_" in key or key == "star_distribution":
        return dict[str, int]
    if key.startswith("hours_") or key.endswith(("_hours", "_score", "_days")) or key in FLOATS:
        return float
    if key == "one_in_every":
        return int | None
    return int


def _figures_schema():
    """Every figure of the glossary with its type and definition; the figures other apps
    provide are present for region scopes only."""
    fields = {}
    with translation.override("en"):
        for key, d in glossary.GLOSSARY.items():
            kind = _figure_type(key)
            described = Field(description=f"{d.label} ({d.unit}). {d.tooltip}")
            if key.startswith(PROVIDED):
                kind = kind | None
                described = Field(None, description=described.description)
            fields[key] = (kind, described)
    # Extra keys pass: a new provider's figures appear before their definition does.
    return create_model("StatisticsFigures", __config__=ConfigDict(extra="allow"), **fields)


StatisticsFigures = _figures_schema()


class FiguresOut(Schema):
    scope: str
    scope_label: str
    start: dt.date
    end: dt.date
    frozen: bool
    figures: StatisticsFigures


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
