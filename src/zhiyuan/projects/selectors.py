"""Queries that read projects: the public 项目公布 list, a project's schedule, my shifts."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from zhiyuan.accounts import scopes
from zhiyuan.core.ids import row_id
from zhiyuan.places.models import Region
from zhiyuan.projects.models import Activity, CalendarFeed, Category, Project, Shift, SignUp
from zhiyuan.stations.models import Station


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
    """The activities not yet ended (started ones too, so shifts can still be added), with
    their shifts and confirmed counts (3 queries)."""
    shifts = (
        Shift.objects.annotate(
            confirmed=Count("signups", filter=Q(signups__state=SignUp.State.CONFIRMED)),
            waiting=Count("signups", filter=Q(signups__state=SignUp.State.WAITLISTED)),
        )
        .prefetch_related("required_skills")
        .order_by("starts_at", "id")
    )
    return list(
        project.activities.filter(ends_at__gt=timezone.now())
        .select_related("station")
        .prefetch_related(Prefetch("shifts", queryset=shifts))
        .order_by("starts_at", "id")[:limit]
    )


@dataclass(frozen=True)
class ShiftFilter:
    """A project's shift list narrowed to a station, a subdistrict or one shift (the link
    from a recommendation), or ordered by the distance from a point the phone gave
    ("near me")."""

    station_id: int | None = None
    region_id: int | None = None
    shift_id: int | None = None
    near: tuple[float, float] | None = None

    @classmethod
    def from_query(cls, data) -> ShiftFilter:
        def number(name: str) -> int | None:
            return row_id((data.get(name) or "").strip())

        near = None
        try:
            lat, lon = float(data.get("lat", "")), float(data.get("lon", ""))
        except ValueError:
            pass
        else:
            if -90 <= lat <= 90 and -180 <= lon <= 180:
                near = (lat, lon)
        return cls(
            station_id=number("station"),
            region_id=number("region"),
            shift_id=number("shift"),
            near=near,
        )


def project_shifts(project: Project, volunteer=None, filters: ShiftFilter | None = None):
    """The project's shifts that have not ended, for a list a phone can page through.

    For a volunteer, the shifts they can take (skills, age, insurance, a free place) come
    first, then the nearest: by distance from `filters.near`, else those at a station of
    their own community, then of their subdistrict. Everyone else sees them by time.
    """
    filters = filters or ShiftFilter()
    now = timezone.now()
    qs = Shift.objects.filter(activity__project=project, ends_at__gt=now).annotate(
        confirmed=Count("signups", filter=Q(signups__state=SignUp.State.CONFIRMED)),
        waiting=Count("signups", filter=Q(signups__state=SignUp.State.WAITLISTED)),
    )
    if filters.station_id:
        qs = qs.filter(activity__station_id=filters.station_id)
    if filters.shift_id:
        qs = qs.filter(pk=filters.shift_id)
    if filters.region_id:
        region = Region.objects.filter(pk=filters.region_id).only("path").first()
        qs = (
            qs.filter(scopes.within("activity__station__region__path", region.path))
            if region
            else qs.none()
        )
    order: list = []
    if volunteer is not None:
        held = Shift.required_skills.through.objects.filter(shift_id=OuterRef("pk")).exclude(
            skill_id__in=volunteer.skills.values("pk")
        )
        today = timezone.localdate()
        age = today.year - volunteer.birth_date.year
        uninsured = Q(insurance_required=True)
        if volunteer.insured_until is not None:
            uninsured &= Q(starts_at__date__gt=volunteer.insured_until)
        qs = qs.annotate(
            cannot=Case(
                When(Exists(held) | Q(min_age__gt=age) | uninsured, then=Value(2)),
                When(
                    ~Q(status=Shift.Status.OPEN)
                    | Q(activity__status=Activity.Status.CANCELLED)
                    | Q(starts_at__lte=now),
                    then=Value(2),
                ),
                When(confirmed__gte=F("capacity"), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        order.append("cannot")
    if filters.near is not None:
        lat, lon = filters.near
        north = F("activity__station__latitude") - Value(lat, output_field=FloatField())
        east = (F("activity__station__longitude") - Value(lon, output_field=FloatField())) * Value(
            math.cos(math.radians(lat)), output_field=FloatField()
        )
        qs = qs.annotate(
            far=ExpressionWrapper(north * north + east * east, output_field=FloatField())
        )
        order.append(F("far").asc(nulls_last=True))
    elif volunteer is not None and volunteer.community_id:
        community = (
            Region.objects.filter(pk=volunteer.community_id).only("path", "parent_id").first()
        )
        parent = (
            Region.objects.filter(pk=community.parent_id).only("path").first()
            if community
            else None
        )
        qs = qs.annotate(
            far=Case(
                When(activity__station__region_id=volunteer.community_id, then=Value(0)),
                When(
                    scopes.within("activity__station__region__path", parent.path)
                    if parent
                    else Q(pk__in=[]),
                    then=Value(1),
                ),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        order.append("far")
    return (
        qs.select_related("activity__station__region", "activity__project")
        .prefetch_related("required_skills")
        .order_by(*order, "starts_at", "id")
    )


def shift_places(project: Project) -> tuple[QuerySet, QuerySet]:
    """The stations and subdistricts of the project's coming shifts, for its filters."""
    coming = Shift.objects.filter(activity__project=project, ends_at__gt=timezone.now())
    stations = (
        Station.objects.filter(pk__in=coming.values("activity__station_id"))
        .only("pk", "name")
        .order_by("name")
    )
    paths = {
        "/".join(p.split("/")[:3]) + "/"
        for p in coming.exclude(activity__station__isnull=True)
        .values_list("activity__station__region__path", flat=True)
        .distinct()
    }
    regions = Region.objects.filter(
        level=Region.Level.SUBDISTRICT, path__in=[p for p in paths if p.count("/") == 3]
    ).order_by("name")
    return stations, regions


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


def calendar_feed(volunteer) -> CalendarFeed | None:
    """The volunteer's calendar link, if they have asked for one (signups.open_calendar_feed)."""
    return CalendarFeed.objects.filter(volunteer=volunteer).first()


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
