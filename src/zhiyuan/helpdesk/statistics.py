"""Help-desk figures for any period and region subtree (the reports app reads these)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Avg, Count, Q, Sum
from django.utils import timezone

from zhiyuan.accounts import scopes
from zhiyuan.helpdesk.models import Assignment, HelpRequest, Recipient


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end, dt.time.min, tzinfo=tz),
    )


def figures(start: dt.date, end: dt.date, region=None) -> dict:
    """Recipients, requests and their outcome; `end` is exclusive, `region` a subtree or None."""
    since, until = _bounds(start, end)
    in_region = scopes.within("community__path", region.path) if region is not None else Q()
    recipients = Recipient.objects.filter(in_region, is_active=True, created_at__lt=until)
    by_category = dict(
        recipients.order_by()
        .values_list("category")
        .annotate(n=Count("pk"))
        .values_list("category", "n")
    )
    submitted = HelpRequest.objects.filter(
        in_region, submitted_at__gte=since, submitted_at__lt=until
    )
    by_status = dict(
        submitted.order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    finished = HelpRequest.objects.filter(
        in_region,
        status__in=HelpRequest.FINISHED_STATUSES,
        finished_at__gte=since,
        finished_at__lt=until,
    ).aggregate(
        done=Count("pk"),
        persons=Sum("persons_served"),
        rating=Avg("rating"),
    )
    assignment_region = (
        scopes.within("request__community__path", region.path) if region is not None else Q()
    )
    hours = Assignment.objects.filter(
        assignment_region,
        request__status__in=HelpRequest.FINISHED_STATUSES,
        request__finished_at__gte=since,
        request__finished_at__lt=until,
        record__isnull=False,
    ).aggregate(total=Sum("record__hours"))["total"]
    return {
        "recipients": sum(by_category.values()),
        "recipients_by_category": by_category,
        "requests_submitted": sum(by_status.values()),
        "requests_by_status": by_status,
        "requests_done": finished["done"] or 0,
        "persons_served": finished["persons"] or 0,
        "average_rating": round(float(finished["rating"] or 0), 2),
        "help_hours": float(hours or 0),
    }
