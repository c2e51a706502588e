"""Queries that read service hours: my totals, the approval queue, who is here now."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear

from zhiyuan.core.dates import day_from
from zhiyuan.core.ids import row_id
from zhiyuan.projects.models import Activity, Project
from zhiyuan.service.models import (
    Attendance,
    CorrectionRequest,
    HoursTotal,
    ServiceRecord,
    TransferredRecord,
)
from zhiyuan.teams.selectors import managed_teams
from zhiyuan.volunteers.models import Volunteer


def current_records(volunteer) -> QuerySet[ServiceRecord]:
    return ServiceRecord.objects.filter(volunteer=volunteer, is_current=True)


def my_hours(volunteer) -> dict:
    """Approved hours in total, by year and by project; the star level and hours to the next."""
    approved = current_records(volunteer).filter(state=ServiceRecord.State.APPROVED)
    total = HoursTotal.objects.filter(volunteer=volunteer).first()
    hours = total.approved_hours if total else Decimal(0)
    level = total.star_level if total else 0
    thresholds = settings.STAR_THRESHOLDS
    next_at = thresholds[level] if level < len(thresholds) else None
    return {
        "total": hours,
        "star_level": level,
        "stars": range(level),
        "next_level": level + 1 if next_at is not None else None,
        "to_next": (Decimal(next_at) - hours) if next_at is not None else None,
        "by_year": list(
            approved.annotate(year=ExtractYear("served_on"))
            .values("year")
            .annotate(hours=Sum("hours"), records=Count("id"))
            .order_by("-year")
        ),
        "by_project": list(
            approved.values("project__name")
            .annotate(hours=Sum("hours"), records=Count("id"))
            .order_by("-hours")[:20]
        ),
        "pending": current_records(volunteer)
        .filter(state=ServiceRecord.State.PENDING)
        .aggregate(hours=Sum("hours"), records=Count("id")),
        **transferred_hours(volunteer),
    }


def transferred_hours(volunteer) -> dict:
    """Hours transferred in from other systems (转移接续), apart from the records made here:
    their sum (part of the total above) and the records, newest first."""
    rows = TransferredRecord.objects.filter(volunteer=volunteer)
    summary = rows.aggregate(hours=Sum("hours"), records=Count("id"))
    return {
        "transferred": (summary["hours"] or Decimal(0)).quantize(Decimal("0.01")),
        "transferred_count": summary["records"],
        "transferred_records": list(rows.order_by("-served_on", "-id")[:200]),
    }


def recent_records(volunteer, limit: int = 50) -> QuerySet[ServiceRecord]:
    return (
        current_records(volunteer)
        .select_related("project", "team")
        .order_by("-served_on", "-id")[:limit]
    )


def history(record: ServiceRecord) -> list[ServiceRecord]:
    """Every version of a record, oldest first."""
    chain = [record]
    while chain[0].supersedes_id:
        chain.insert(
            0,
            ServiceRecord.objects.select_related("recorded_by", "decided_by").get(
                pk=chain[0].supersedes_id
            ),
        )
    newer = chain[-1]
    while True:
        following = (
            ServiceRecord.objects.filter(supersedes=newer)
            .select_related("recorded_by", "decided_by")
            .first()
        )
        if following is None:
            return chain
        chain.append(following)
        newer = following


@dataclass(frozen=True)
class QueueFilter:
    """What the hours queue is narrowed to: a name, number or content; a project, an
    activity; a date range; oldest or newest first."""

    q: str = ""
    project: int | None = None
    activity: int | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    newest_first: bool = False

    @classmethod
    def from_query(cls, data) -> QueueFilter:
        def number(name: str) -> int | None:
            return row_id((data.get(name) or "").strip())

        return cls(
            q=(data.get("q") or "").strip()[:50],
            project=number("project"),
            activity=number("activity"),
            since=day_from(data.get("since")),
            until=day_from(data.get("until")),
            newest_first=data.get("order") == "newest",
        )


def approval_queue(user, filters: QueueFilter | None = None) -> QuerySet[ServiceRecord]:
    """Pending current records of the teams the user manages, oldest first unless asked."""
    filters = filters or QueueFilter()
    qs = ServiceRecord.objects.filter(
        is_current=True, state=ServiceRecord.State.PENDING, team__in=managed_teams(user)
    )
    # Not one's own records: by the user's volunteer id, not a join to every record's
    # volunteer (that join was most of the queue's time over 20,000 pending records).
    own = Volunteer.objects.filter(user=user).values_list("pk", flat=True).first()
    if own is not None:
        qs = qs.exclude(volunteer_id=own)
    if filters.q:
        qs = qs.filter(
            Q(volunteer__real_name__contains=filters.q)
            | Q(volunteer__volunteer_no=filters.q)
            | Q(content__contains=filters.q)
        )
    if filters.project:
        qs = qs.filter(project_id=filters.project)
    if filters.activity:
        qs = qs.filter(shift__activity_id=filters.activity)
    if filters.since:
        qs = qs.filter(served_on__gte=filters.since)
    if filters.until:
        qs = qs.filter(served_on__lte=filters.until)
    order = ("-served_on", "-id") if filters.newest_first else ("served_on", "id")
    return qs.select_related("volunteer", "team", "project", "shift__activity").order_by(*order)


def queue_projects(user) -> QuerySet[Project]:
    """The projects that have records waiting in the user's queue, for its filter.

    An EXISTS per project (a few dozen probes of record_pending_project), not the list of
    every waiting record's project: that read each of 20,000 pending rows (200 ms)."""
    waiting = approval_queue(user).filter(project=OuterRef("pk"))
    return Project.objects.filter(Exists(waiting)).order_by("-starts_on", "id").only("pk", "name")


def queue_activities(user, project_id: int) -> QuerySet[Activity]:
    """The activities of one project with records waiting in the user's queue."""
    waiting = approval_queue(user, QueueFilter(project=project_id)).values("shift__activity_id")
    return (
        Activity.objects.filter(pk__in=waiting)
        .order_by("-starts_at")
        .only("pk", "title", "starts_at")
    )


def open_corrections(user) -> QuerySet[CorrectionRequest]:
    return (
        CorrectionRequest.objects.filter(
            state=CorrectionRequest.State.OPEN, team__in=managed_teams(user)
        )
        .select_related("volunteer", "record", "shift__activity")
        .order_by("id")
    )


def present_at(station) -> QuerySet[Attendance]:
    """Who is checked in at the station right now."""
    return (
        Attendance.objects.filter(station=station, checked_out_at__isnull=True)
        .select_related("volunteer", "shift", "shift__activity")
        .order_by("checked_in_at")
    )


def shift_attendance(shift) -> dict[int, Attendance]:
    return {a.volunteer_id: a for a in Attendance.objects.filter(shift=shift)}


def star_distribution() -> dict[int, int]:
    rows = HoursTotal.objects.values("star_level").annotate(n=Count("pk"))
    return {row["star_level"]: row["n"] for row in rows}


def open_attendance(volunteer, station) -> Attendance | None:
    return (
        Attendance.objects.filter(volunteer=volunteer, station=station, checked_out_at__isnull=True)
        .select_related("shift", "shift__activity")
        .first()
    )
