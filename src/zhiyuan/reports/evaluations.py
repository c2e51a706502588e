"""Ratings (评价) and complaints (投诉) as figures of any scope and period (statistics.compute).

Ratings are counted for the activities held in the period, whenever they were given: the
volunteers' ratings of an activity and its organiser are scoped like the activities
(activities_total), the organisers' ratings of each volunteer's service like the service
records (person_times), so each share has its own denominator. Complaints are scoped by
their subject (the region recorded on the complaint, the team that answers for it, or the
station complained about). Each figure's rule is written out in glossary.py.

Cost: the ratings are read from their tallies (feedback.RatingTally, kept by the rating
services in the rating's transaction: a few rows per activity, so always fresh), one grouped
query and one aggregate over the period's activities; then three small queries over the
complaints. Neither the ratings nor the service records are scanned.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass

from django.db.models import Sum
from django.utils import timezone

from zhiyuan.feedback.models import Complaint, RatingTally
from zhiyuan.projects.models import Activity, Project
from zhiyuan.reports.scope import Scope
from zhiyuan.stations.models import Station
from zhiyuan.teams.models import Team

RANKED = 10  # rows of each "average rating by project / team / station" table
# The headline figures of ratings and complaints, in the order the dashboard, the workbook
# and the yearly report show them (one list for all three).
HEADLINE = (
    "ratings_activity_score",
    "ratings_team_score",
    "activities_rated_percent",
    "ratings_service_score",
    "services_rated_percent",
    "complaints_filed",
    "complaints_resolved",
    "complaints_dismissed",
    "complaint_days_median",
    "complaints_closed_late",
    "complaints_overdue",
)
RANKINGS = ("ratings_by_project", "ratings_by_team", "ratings_by_station")


def figures(scope: Scope, start: dt.date, end: dt.date, bounds, data: dict) -> dict:
    """The rating and complaint figures of `scope` for [start, end); `data` holds the figures
    computed so far (activities_total and person_times are the shares' denominators)."""
    return {
        **_activity_ratings(scope, bounds, data.get("activities_total", 0)),
        **_service_ratings(scope, bounds, data.get("person_times", 0)),
        **_complaints(scope, end, bounds),
    }


def _held(bounds) -> dict:
    return {
        "activity__status": Activity.Status.SCHEDULED,
        "activity__starts_at__gte": bounds[0],
        "activity__starts_at__lt": bounds[1],
    }


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _mean(total: int, n: int) -> float | None:
    return round(total / n, 2) if n else None


@dataclass
class _Tally:
    n: int = 0
    total: int = 0

    def add(self, n: int, total: int) -> None:
        self.n += n
        self.total += total


def _tallies(scope: Scope, bounds, kind: str):
    """The rating tallies (feedback.RatingTally: a few rows per activity) of the activities
    held in the period, in the scope: a region by each tally's place, a team by the
    activity's organiser, a station by the activity's station."""
    return RatingTally.objects.filter(kind=kind, **_held(bounds)).filter(
        scope.q(
            region="place__path",
            team="activity__project__organiser__path",
            station="activity__station",
        )
    )


def _activity_ratings(scope: Scope, bounds, activities_total: int) -> dict:
    rows = (
        _tallies(scope, bounds, RatingTally.Kind.ACTIVITY)
        .values(
            "activity_id",
            "activity__project_id",
            "activity__station_id",
            "activity__project__organiser_id",
        )
        .annotate(n=Sum("ratings"), score=Sum("score_sum"), team_score=Sum("team_score_sum"))
        .order_by()
    )
    score, team_score = _Tally(), _Tally()
    by_project: dict[int, _Tally] = {}
    by_station: dict[int, _Tally] = {}
    by_team: dict[int, _Tally] = {}
    activities = set()
    for row in rows:  # one row per rated activity
        activities.add(row["activity_id"])
        score.add(row["n"], row["score"])
        team_score.add(row["n"], row["team_score"])
        by_project.setdefault(row["activity__project_id"], _Tally()).add(row["n"], row["score"])
        if row["activity__station_id"] is not None:
            by_station.setdefault(row["activity__station_id"], _Tally()).add(row["n"], row["score"])
        by_team.setdefault(row["activity__project__organiser_id"], _Tally()).add(
            row["n"], row["team_score"]
        )
    return {
        "ratings_activity": score.n,
        "ratings_activity_score": _mean(score.total, score.n),
        "ratings_team_score": _mean(team_score.total, team_score.n),
        "activities_rated": len(activities),
        "activities_rated_percent": _percent(len(activities), activities_total),
        "ratings_by_project": _ranked(by_project, Project),
        "ratings_by_team": _ranked(by_team, Team),
        "ratings_by_station": _ranked(by_station, Station),
    }


def _ranked(tallies: dict[int, _Tally], model) -> list[dict]:
    """The most-rated first (then the better average), with their average (1–5)."""
    best = sorted(tallies.items(), key=lambda kv: (-kv[1].n, -kv[1].total / kv[1].n, kv[0]))
    best = best[:RANKED]
    names = dict(model.objects.filter(pk__in=[pk for pk, _t in best]).values_list("pk", "name"))
    return [
        {"id": pk, "name": names.get(pk, ""), "score": _mean(t.total, t.n), "ratings": t.n}
        for pk, t in best
    ]


def _service_ratings(scope: Scope, bounds, person_times: int) -> dict:
    found = _tallies(scope, bounds, RatingTally.Kind.SERVICE).aggregate(
        n=Sum("ratings"), score=Sum("score_sum")
    )
    n = found["n"] or 0
    return {
        "ratings_service": n,
        "ratings_service_score": _mean(found["score"] or 0, n),
        "services_rated_percent": _percent(n, person_times),
    }


def _complaints(scope: Scope, end: dt.date, bounds) -> dict:
    complaints = Complaint.objects.filter(
        scope.q(region="region__path", team="team__path", station="station")
    )
    filed = complaints.filter(filed_at__gte=bounds[0], filed_at__lt=bounds[1]).count()
    closed = list(
        complaints.filter(closed_at__gte=bounds[0], closed_at__lt=bounds[1]).values_list(
            "status", "filed_at", "closed_at", "due_on"
        )
    )
    days = [
        (closed_at - filed_at).total_seconds() / 86400 for _s, filed_at, closed_at, _d in closed
    ]
    late = sum(1 for _s, _f, closed_at, due in closed if timezone.localdate(closed_at) > due)
    overdue = complaints.filter(
        status__in=Complaint.OPEN_STATUSES, due_on__lt=min(end, timezone.localdate())
    ).count()
    return {
        "complaints_filed": filed,
        "complaints_resolved": sum(1 for s, *_r in closed if s == Complaint.Status.RESOLVED),
        "complaints_dismissed": sum(1 for s, *_r in closed if s == Complaint.Status.DISMISSED),
        "complaint_days_median": round(statistics.median(days), 1) if days else None,
        "complaints_closed_late": late,
        "complaints_overdue": overdue,
    }
