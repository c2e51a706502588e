"""Queries behind the public home page: headline figures, projects recruiting now, stations near a point."""

from __future__ import annotations

import math
from typing import cast

from django.core.cache import cache
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from zhiyuan.places.geo import distance_m
from zhiyuan.projects.models import Activity, Project, Shift
from zhiyuan.stations.models import Station
from zhiyuan.teams.models import Team

HEADLINE_CACHE_SECONDS = 300
# About 11 km of latitude; the box is widened once if it holds too few stations.
NEARBY_BOX_DEGREES = 0.1


def headline_counts() -> dict[str, int]:
    """Teams, stations and published projects, cached with the coverage figures."""
    counts = cache.get_or_set("portal:headline-counts", _count_headline, HEADLINE_CACHE_SECONDS)
    return cast(dict[str, int], counts)


def _count_headline() -> dict[str, int]:
    return {
        "teams": Team.objects.filter(status=Team.Status.ACTIVE).count(),
        "stations": Station.objects.filter(status=Station.Status.OPEN).count(),
        "projects": Project.objects.filter(state=Project.State.PUBLISHED).count(),
    }


def recruiting_projects(limit: int = 6) -> list[Project]:
    """Published projects with an open shift still to come, the soonest first (one query)."""
    next_shift = (
        Shift.objects.filter(
            activity__project=OuterRef("pk"),
            status=Shift.Status.OPEN,
            activity__status=Activity.Status.SCHEDULED,
            starts_at__gte=timezone.now(),
        )
        .order_by("starts_at")
        .values("starts_at")[:1]
    )
    return list(
        Project.objects.filter(state=Project.State.PUBLISHED)
        .annotate(next_shift=Subquery(next_shift))
        .filter(next_shift__isnull=False)
        .select_related("category", "organiser")
        .order_by("next_shift", "-is_brand", "id")[:limit]
    )


def nearby_stations(lng: float, lat: float, *, limit: int = 5) -> list[dict]:
    """The open stations nearest to a WGS-84 point, with their distance in metres.

    A bounding box narrows the candidates in the database (a district has a few hundred
    stations, a city some thousands); the exact great-circle distance orders the rest.
    """
    rows: list = []
    box = NEARBY_BOX_DEGREES
    for _attempt in range(2):
        lng_box = box / max(math.cos(math.radians(lat)), 0.1)
        rows = list(
            Station.objects.filter(
                status=Station.Status.OPEN,
                latitude__range=(lat - box, lat + box),
                longitude__range=(lng - lng_box, lng + lng_box),
            ).values("pk", "name", "kind", "address", "latitude", "longitude")
        )
        if len(rows) >= limit:
            break
        box *= 5
    for row in rows:
        row["distance_m"] = round(
            distance_m(lng, lat, float(row["longitude"]), float(row["latitude"]))
        )
    rows.sort(key=lambda row: row["distance_m"])
    return [
        {
            "id": row["pk"],
            "name": row["name"],
            "kind": row["kind"],
            "address": row["address"],
            "distance_m": row["distance_m"],
            "url": reverse("stations:detail", args=[row["pk"]]),
        }
        for row in rows[:limit]
    ]
