"""Queries that read regions: subtrees, communities, populations."""

from __future__ import annotations

from django.db.models import QuerySet, Sum

from zhiyuan.accounts import scopes
from zhiyuan.places.models import Region


def regions() -> QuerySet[Region]:
    """All regions, tree-ordered. Regions are public: their names are on every public page."""
    return Region.objects.select_related("parent")


def subtree(region: Region) -> QuerySet[Region]:
    return Region.objects.filter(scopes.within("path", region.path))


def communities(under: Region | None = None) -> QuerySet[Region]:
    qs = Region.objects.filter(level=Region.Level.COMMUNITY).select_related("parent")
    if under is not None:
        qs = qs.filter(scopes.within("path", under.path))
    return qs


def administered_regions(user, *, communities: bool = False) -> QuerySet[Region]:
    """The regions in the subtrees `user` administers as an office, tree-ordered; without
    communities unless asked (teams, courses, articles and imports sit above them)."""
    qs = Region.objects.filter(scopes.within("path", scopes.admin_region_paths(user)))
    if not communities:
        qs = qs.exclude(level=Region.Level.COMMUNITY)
    return qs.order_by("path")


def population_of(region: Region) -> int:
    """Resident population of a region: its own figure for a community, else its communities'."""
    if region.is_community:
        return region.population
    total = communities(region).aggregate(total=Sum("population"))["total"]
    return total or 0
