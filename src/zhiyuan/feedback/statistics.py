"""Evaluation and complaint figures for any period and region subtree (reports reads these)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q
from django.utils import timezone

from zhiyuan.accounts import scopes
from zhiyuan.feedback.models import ActivityRating, Complaint, ServiceRating


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end, dt.time.min, tzinfo=tz),
    )


def figures(start: dt.date, end: dt.date, region=None) -> dict:
    """Ratings given and complaints filed in the period; `end` is exclusive."""
    since, until = _bounds(start, end)
    period = Q(created_at__gte=since, created_at__lt=until)

    def area(lookup: str) -> Q:
        return scopes.within(lookup, region.path) if region is not None else Q()

    activity = ActivityRating.objects.filter(period, area("team__region__path")).aggregate(
        n=Count("pk"), score=Avg("score"), team_score=Avg("team_score")
    )
    service = ServiceRating.objects.filter(
        period, area("activity__project__organiser__region__path")
    ).aggregate(n=Count("pk"), score=Avg("score"))
    filed = Complaint.objects.filter(area("region__path"), filed_at__gte=since, filed_at__lt=until)
    by_status = dict(
        filed.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    closed = Complaint.objects.filter(
        area("region__path"), closed_at__gte=since, closed_at__lt=until
    ).aggregate(
        n=Count("pk"),
        handling=Avg(
            ExpressionWrapper(F("closed_at") - F("filed_at"), output_field=DurationField())
        ),
    )
    overdue = Complaint.objects.filter(
        area("region__path"),
        status__in=Complaint.OPEN_STATUSES,
        due_on__lt=min(end, timezone.localdate()),
    ).count()
    handling = closed["handling"]
    return {
        "activity_ratings": activity["n"],
        "activity_score": round(activity["score"], 2) if activity["score"] else None,
        "team_score": round(activity["team_score"], 2) if activity["team_score"] else None,
        "service_ratings": service["n"],
        "service_score": round(service["score"], 2) if service["score"] else None,
        "complaints_filed": sum(by_status.values()),
        "complaints_by_status": by_status,
        "complaints_closed": closed["n"],
        "complaint_days": round(handling.total_seconds() / 86400, 1) if handling else None,
        "complaints_overdue": overdue,
    }
