"""Queries that read regions: subtrees, communities, populations."""

from __future__ import annotations

from django.db.models import QuerySet, Sum

from zhiyuan.places.models import Region


def regions() -> QuerySet[Region]:
    """All regions, tree-ordered. Regions are public: their names are on every public page."""
    return Region.objects.select_related("parent")


def subtree(region: Region) -> QuerySet[Region]:
    return Region.objects.filter(path__startswith=region.path)


def communities(under: Region | None = None) -> QuerySet[Region]:
    qs = Region.objects.filter(level=Region.Level.COMMUNITY).select_related("parent")
    if under is not None:
        qs = qs.filter(path__startswith=under.path)
    return qs


def population_of(region: Region) -> int:
    """Resident population of a region: its own figure for a community, else its communities'."""
    if region.is_community:
        return region.population
    total = communities(region).aggregate(total=Sum("population"))["total"]
    return total or 0
