"""Public pages: the home page and volunteer coverage by subdistrict and community."""

from django.core.cache import cache
from django.db.models import Count, Q
from django.shortcuts import render

from zhiyuan.accounts import scopes
from zhiyuan.places.models import Region
from zhiyuan.volunteers.models import Volunteer

COVERAGE_CACHE_SECONDS = 300


def _coverage_tree():
    """The coverage tree, cached for a few minutes: public figures, not a live ledger.

    Counting 70,000 volunteers by community costs tens of milliseconds; the home page
    is the most visited page.
    """
    return cache.get_or_set("portal:coverage-tree", _build_coverage_tree, COVERAGE_CACHE_SECONDS)


def _build_coverage_tree():
    """Districts → subdistricts → communities with population and active volunteers.

    One grouped query for the per-community counts; the sums upwards are done here
    because the tree has a few dozen nodes, not per volunteer.
    """
    rows = Region.objects.annotate(
        active_volunteers=Count("volunteers", filter=Q(volunteers__status=Volunteer.Status.ACTIVE))
    ).order_by("path")
    by_parent: dict = {}
    districts = []
    for region in rows:
        by_parent.setdefault(region.parent_id, []).append(region)
        if region.parent_id is None:
            districts.append(region)
    tree = []
    for district in districts:
        subdistricts = []
        for sub in by_parent.get(district.pk, []):
            communities = by_parent.get(sub.pk, [])
            sub.total_population = sum(c.population for c in communities)
            sub.total_volunteers = sum(c.active_volunteers for c in communities)
            sub.residents_per_volunteer = _ratio(sub.total_population, sub.total_volunteers)
            for community in communities:
                community.residents_per_volunteer = _ratio(
                    community.population, community.active_volunteers
                )
            subdistricts.append((sub, communities))
        district.total_population = sum(s.total_population for s, _c in subdistricts)
        district.total_volunteers = sum(s.total_volunteers for s, _c in subdistricts)
        district.residents_per_volunteer = _ratio(
            district.total_population, district.total_volunteers
        )
        tree.append((district, subdistricts))
    return tree


def _ratio(population: int, volunteers: int) -> float | None:
    return round(population / volunteers, 1) if volunteers else None


def home(request):
    tree = _coverage_tree()
    district = tree[0][0] if tree else None
    return render(
        request,
        "portal/home.html",
        {
            "district": district,
            "subdistricts": tree[0][1] if tree else [],
            "is_office_admin": scopes.is_district_admin(request.user),
        },
    )


def coverage(request):
    return render(request, "portal/coverage.html", {"tree": _coverage_tree()})
