"""Public pages: the home page, volunteer coverage by subdistrict and community, stations near me."""

from django.core.cache import cache
from django.db.models import Count, Q
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from zhiyuan.accounts import scopes
from zhiyuan.honours.selectors import latest_awards
from zhiyuan.news import selectors as news
from zhiyuan.places.models import Region
from zhiyuan.portal import selectors
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
    """The district's front page: figures, news, projects recruiting, honours, help, stations.

    A fixed number of queries whatever the data (the figures come from the cache).
    """
    tree = _coverage_tree()
    district = tree[0][0] if tree else None
    return render(
        request,
        "portal/home.html",
        {
            "district": district,
            "subdistricts": tree[0][1] if tree else [],
            "counts": selectors.headline_counts(),
            "articles": news.latest(4),
            "projects": selectors.recruiting_projects(6),
            "awards": latest_awards(limit=6),
            "is_office_admin": scopes.is_district_admin(request.user),
        },
    )


def coverage(request):
    return render(request, "portal/coverage.html", {"tree": _coverage_tree()})


@require_GET
def nearby_stations(request):
    """JSON: the open stations nearest to ?lat=&lng= (WGS-84, as browsers give it)."""
    try:
        lat = float(request.GET.get("lat", ""))
        lng = float(request.GET.get("lng", ""))
    except ValueError:
        return _bad_point()
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        return _bad_point()
    limit = request.GET.get("limit", "5")
    limit = int(limit) if limit.isdigit() and 1 <= int(limit) <= 20 else 5
    return JsonResponse({"stations": selectors.nearby_stations(lng, lat, limit=limit)})


def _bad_point() -> JsonResponse:
    return JsonResponse(
        {
            "code": "invalid_input",
            "message": _("Give a position as lat and lng in degrees."),
            "errors": {"lat": [_("A latitude from -90 to 90 and a longitude from -180 to 180.")]},
        },
        status=400,
    )
