"""Training figures for the reports: sessions held in a period, their enrolments, passes and hours."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, Q, Sum
from django.utils import timezone

from zhiyuan.accounts import scopes
from zhiyuan.training.models import Enrolment, Session

if TYPE_CHECKING:
    from zhiyuan.places.models import Region


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=zone),
        dt.datetime.combine(end, dt.time.min, tzinfo=zone),
    )


def figures(start: dt.date, end: dt.date, region: Region | None = None) -> dict:
    """Sessions (not cancelled) starting in [start, end), of courses in `region`'s subtree.

    courses: distinct courses given; enrolments: places held (cancelled ones left out);
    completions: passed; training_hours: hours credited for attendance (never service hours).
    """
    since, until = _bounds(start, end)
    sessions = Session.objects.filter(
        status=Session.Status.SCHEDULED, starts_at__gte=since, starts_at__lt=until
    )
    if region is not None:
        sessions = sessions.filter(scopes.within("course__region__path", region.path))
    given = sessions.aggregate(sessions=Count("pk"), courses=Count("course", distinct=True))
    enrolments = Enrolment.objects.filter(
        session__in=sessions.values("pk"), state=Enrolment.State.ENROLLED
    ).aggregate(
        enrolments=Count("pk"),
        completions=Count("pk", filter=Q(result=Enrolment.Result.PASSED)),
        hours=Sum("hours"),
    )
    return {
        "courses": given["courses"],
        "sessions": given["sessions"],
        "enrolments": enrolments["enrolments"],
        "completions": enrolments["completions"],
        "training_hours": float(enrolments["hours"] or Decimal(0)),
    }
