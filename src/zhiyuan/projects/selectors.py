"""Queries that read projects: the public 项目公布 list, a project's schedule, my shifts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from zhiyuan.accounts import scopes
from zhiyuan.places.models import Region
from zhiyuan.projects.models import Activity, Category, Project, Shift, SignUp


@dataclass(frozen=True)
class ProjectFilter:
    q: str = ""
    category: str = ""
    region_id: int | None = None
    date_from: dt.date | None = None
    skill: str = ""


def published_projects(filters: ProjectFilter | None = None) -> QuerySet[Project]:
    """Published projects, the ones with upcoming activities first."""
    filters = filters or ProjectFilter()
    now = timezone.now()
    upcoming = Activity.objects.filter(
        project=OuterRef("pk"), status=Activity.Status.SCHEDULED, starts_at__gte=now
    )
    qs = Project.objects.filter(state=Project.State.PUBLISHED).select_related(
        "category", "category__parent", "organiser"
    )
    text = filters.q.strip()
    if text:
        qs = qs.filter(
            Q(name__contains=text)
            | Q(description__contains=text)
            | Q(organiser__name__contains=text)
        )
    if filters.category:
        qs = qs.filter(
            Q(category__code=filters.category) | Q(category__parent__code=filters.category)
        )
    if filters.region_id:
        region = Region.objects.filter(pk=filters.region_id).first()
        if region is None:
            return qs.none()
        upcoming = upcoming.filter(scopes.within("station__region__path", region.path))
        qs = qs.filter(scopes.within("organiser__region__path", region.path) | Exists(upcoming))
    if filters.date_from:
        start = dt.datetime.combine(
            filters.date_from, dt.time.min, tzinfo=timezone.get_current_timezone()
        )
        qs = qs.filter(
            Exists(
                Activity.objects.filter(
                    project=OuterRef("pk"), status=Activity.Status.SCHEDULED, starts_at__gte=start
                )
            )
        )
    if filters.skill:
        qs = qs.filter(
            Exists(
                Shift.objects.filter(
                    activity__project=OuterRef("pk"),
                    status=Shift.Status.OPEN,
                    starts_at__gte=now,
                    required_skills__code=filters.skill,
                )
            )
        )
    return qs.annotate(has_upcoming=Exists(upcoming)).order_by(
        "-has_upcoming", "-is_brand", "-starts_on", "-id"
    )


def categories() -> QuerySet[Category]:
    return Category.objects.select_related("parent")


def upcoming_activities(project: Project, *, limit: int = 30) -> list[Activity]:
    """The next activities with their open shifts and confirmed counts (3 queries)."""
    shifts = (
        Shift.objects.annotate(
            confirmed=Count("signups", filter=Q(signups__state=SignUp.State.CONFIRMED)),
            waiting=Count("signups", filter=Q(signups__state=SignUp.State.WAITLISTED)),
        )
        .prefetch_related("required_skills")
        .order_by("starts_at", "id")
    )
    return list(
        project.activities.filter(starts_at__gte=timezone.now())
        .select_related("station")
        .prefetch_related(Prefetch("shifts", queryset=shifts))
        .order_by("starts_at", "id")[:limit]
    )


def holdings(volunteer, shift_ids) -> dict[int, SignUp]:
    """The volunteer's active sign-ups among these shifts, by shift id."""
    if volunteer is None:
        return {}
    return {
        s.shift_id: s
        for s in SignUp.objects.filter(
            volunteer=volunteer, shift_id__in=shift_ids, state__in=SignUp.HOLDING
        )
    }


def my_signups(volunteer) -> QuerySet[SignUp]:
    return SignUp.objects.filter(volunteer=volunteer).select_related(
        "shift", "shift__activity", "shift__activity__project", "shift__activity__station"
    )


def my_shifts(volunteer) -> dict[str, list[SignUp]]:
    """Upcoming confirmed, waitlisted (with their place in the queue) and past sign-ups."""
    now = timezone.now()
    rows = list(
        my_signups(volunteer)
        .filter(Q(state__in=SignUp.HOLDING) | Q(starts_at__lt=now))
        .order_by("starts_at")
    )
    waitlisted = [s for s in rows if s.state == SignUp.State.WAITLISTED and s.starts_at >= now]
    for signup in waitlisted:
        signup.position = (
            SignUp.objects.filter(
                shift_id=signup.shift_id,
                state=SignUp.State.WAITLISTED,
                created_at__lt=signup.created_at,
            ).count()
            + 1
        )
    return {
        "upcoming": [s for s in rows if s.state == SignUp.State.CONFIRMED and s.starts_at >= now],
        "waitlisted": waitlisted,
        "past": [s for s in reversed(rows) if s.starts_at < now][:50],
    }


def roster(shift: Shift) -> QuerySet[SignUp]:
    """Everyone on a shift, confirmed first, then the waitlist in order."""
    return (
        shift.signups.exclude(state=SignUp.State.CANCELLED)
        .select_related("volunteer", "volunteer__community")
        .order_by("state", "created_at", "id")
    )
