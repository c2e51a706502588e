"""The matrix proves its own completeness, as the API fuzzing does for operations.

Every operation of the OpenAPI document and every page URL pattern has a row in
test_api_matrix.py / test_page_matrix.py (each row is tested for every role), or is named
below as not yet having one. A new operation or page with neither fails here; so does a
listed one that has gained a row (take it off the list), so the list only shrinks.
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLResolver, get_resolver, resolve

from tests.authz import test_api_matrix, test_page_matrix

pytestmark = pytest.mark.django_db

# Operations and pages with no row yet (issue 14.5): the debt, in the open (117 of
# the API's operations, 65 page patterns). Write a row, then take the entry off.
API_WITHOUT_ROW: frozenset[str] = frozenset(
    {
        "DELETE /api/v1/news/articles/{}/cover",
        "DELETE /api/v1/news/reprints/{}",
        "DELETE /api/v1/statistics/snapshots",
        "GET /api/v1/awards/{}",
        "GET /api/v1/certificates",
        "GET /api/v1/certificates/check",
        "GET /api/v1/honour-kinds",
        "GET /api/v1/imports",
        "GET /api/v1/imports/{}",
        "GET /api/v1/imports/{}/errors.xlsx",
        "GET /api/v1/imports/{}/issues",
        "GET /api/v1/match-runs",
        "GET /api/v1/match-runs/{}/proposals",
        "GET /api/v1/me/records",
        "GET /api/v1/me/signups",
        "GET /api/v1/memberships",
        "GET /api/v1/news/articles",
        "GET /api/v1/news/articles/{}/reprints",
        "GET /api/v1/news/columns",
        "GET /api/v1/news/manage/articles",
        "GET /api/v1/nomination-rounds",
        "GET /api/v1/nomination-rounds/{}",
        "GET /api/v1/nomination-rounds/{}/nominations",
        "GET /api/v1/project-categories",
        "GET /api/v1/projects/{}/activities",
        "GET /api/v1/recipients/{}",
        "GET /api/v1/records/{}/history",
        "GET /api/v1/regions",
        "GET /api/v1/regions/{}",
        "GET /api/v1/skills",
        "GET /api/v1/specialties",
        "GET /api/v1/stations",
        "GET /api/v1/stations/shortfalls",
        "GET /api/v1/stations/{}/audits",
        "GET /api/v1/stations/{}/present",
        "GET /api/v1/teams",
        "GET /api/v1/training/courses",
        "GET /api/v1/training/courses/{}",
        "GET /api/v1/training/courses/{}/sessions",
        "GET /api/v1/training/me",
        "GET /api/v1/training/me/certifications",
        "GET /api/v1/training/sessions/{}",
        "GET /api/v1/yearly-reports/{}",
        "PATCH /api/v1/activities/{}",
        "PATCH /api/v1/memberships/{}",
        "PATCH /api/v1/projects/{}",
        "PATCH /api/v1/recipients/{}",
        "PATCH /api/v1/regions/{}",
        "PATCH /api/v1/shifts/{}",
        "POST /api/v1/activities/{}/cancel",
        "POST /api/v1/activities/{}/shifts",
        "POST /api/v1/auth/token",
        "POST /api/v1/awards",
        "POST /api/v1/awards/{}/withdraw",
        "POST /api/v1/certificates/{}/refuse",
        "POST /api/v1/checkins",
        "POST /api/v1/corrections",
        "POST /api/v1/corrections/{}/answer",
        "POST /api/v1/help-requests/track/{}/cancel",
        "POST /api/v1/help-requests/track/{}/rate",
        "POST /api/v1/help-requests/{}/accept",
        "POST /api/v1/help-requests/{}/assign",
        "POST /api/v1/help-requests/{}/cancel",
        "POST /api/v1/help-requests/{}/complete",
        "POST /api/v1/help-requests/{}/confirm-assignment",
        "POST /api/v1/help-requests/{}/reject",
        "POST /api/v1/help-requests/{}/start",
        "POST /api/v1/honour-kinds",
        "POST /api/v1/imports",
        "POST /api/v1/imports/{}/resume",
        "POST /api/v1/imports/{}/start",
        "POST /api/v1/match-runs",
        "POST /api/v1/memberships/{}/accept",
        "POST /api/v1/memberships/{}/reject",
        "POST /api/v1/memberships/{}/remove",
        "POST /api/v1/news/articles/{}/cover",
        "POST /api/v1/news/articles/{}/reprints",
        "POST /api/v1/news/articles/{}/unpublish",
        "POST /api/v1/news/columns",
        "POST /api/v1/nomination-rounds/{}/finalise",
        "POST /api/v1/nomination-rounds/{}/propose",
        "POST /api/v1/nominations/{}/reject",
        "POST /api/v1/nominations/{}/remove",
        "POST /api/v1/projects/{}/activities",
        "POST /api/v1/projects/{}/close",
        "POST /api/v1/projects/{}/series",
        "POST /api/v1/proposals/{}/confirm",
        "POST /api/v1/proposals/{}/drop",
        "POST /api/v1/proposals/{}/swap",
        "POST /api/v1/recipients",
        "POST /api/v1/records/reject",
        "POST /api/v1/regions",
        "POST /api/v1/shifts/{}/attendance",
        "POST /api/v1/shifts/{}/hours",
        "POST /api/v1/signups/{}/cancel",
        "POST /api/v1/signups/{}/remove",
        "POST /api/v1/specialties",
        "POST /api/v1/stations",
        "POST /api/v1/stations/{}/managers",
        "POST /api/v1/statistics/snapshots",
        "POST /api/v1/teams",
        "POST /api/v1/teams/{}/dissolve",
        "POST /api/v1/teams/{}/invitations",
        "POST /api/v1/teams/{}/join",
        "POST /api/v1/teams/{}/leave",
        "POST /api/v1/teams/{}/move",
        "POST /api/v1/training/courses",
        "POST /api/v1/training/courses/{}/sessions",
        "POST /api/v1/training/enrolments/{}/cancel",
        "POST /api/v1/training/enrolments/{}/completion",
        "POST /api/v1/volunteers",
        "POST /api/v1/volunteers/{}/reinstate",
        "POST /api/v1/volunteers/{}/reject",
        "POST /api/v1/volunteers/{}/suspend",
        "POST /api/v1/yearly-reports",
        "PUT /api/v1/imports/{}/mapping",
    }
)
PAGES_WITHOUT_ROW: frozenset[str] = frozenset(
    {
        "/accounts/login/",
        "/accounts/logout/",
        "/help/matching/",
        "/help/proposals/{}/{}/",
        "/help/recipients/new/",
        "/help/received/",
        "/help/recommended/",
        "/help/requests/{}/accept/",
        "/help/requests/{}/{}/",
        "/help/track/",
        "/honours/awards/new/",
        "/honours/awards/{}/withdraw/",
        "/honours/kinds/",
        "/honours/rounds/",
        "/honours/rounds/{}/",
        "/honours/rounds/{}/finalise/",
        "/honours/rounds/{}/nominate/",
        "/honours/rounds/{}/propose/",
        "/imports/{}/",
        "/imports/{}/columns/",
        "/imports/{}/errors.xlsx",
        "/imports/{}/progress/",
        "/imports/{}/resume/",
        "/imports/{}/values/",
        "/messages/",
        "/messages/read/",
        "/nearby-stations.json",
        "/news/column/{}/",
        "/news/manage/new/",
        "/news/{}/cover/",
        "/projects/activities/{}/shifts/",
        "/projects/calendar/{}.ics",
        "/projects/mine/",
        "/projects/new/",
        "/projects/signups/{}/cancel/",
        "/reports/freeze/",
        "/reports/statistics.xlsx",
        "/reports/wording/",
        "/reports/yearly/",
        "/reports/yearly/{}/",
        "/reports/yearly/{}/download/",
        "/s/{}/",
        "/service/certificates/",
        "/service/certificates/check/",
        "/service/certificates/queue/",
        "/service/certificates/request/",
        "/service/certificates/{}.pdf",
        "/service/certificates/{}.png",
        "/service/certificates/{}/refuse/",
        "/service/corrections/{}/answer/",
        "/service/hours/",
        "/service/queue/",
        "/stations/map/",
        "/stations/new/",
        "/stations/{}/managers/",
        "/teams/new/",
        "/teams/{}/join/",
        "/teams/{}/leave/",
        "/training/enrolments/{}/cancel/",
        "/training/mine/",
        "/training/new/",
        "/training/{}/sessions/new/",
        "/volunteers/me/",
        "/volunteers/privacy/",
        "/volunteers/register/",
    }
)

# Not pages of the platform: Django's admin, the API (its operations are counted above),
# static files, the language switch, the load balancer's and the monitor's probes, and the
# check-in page's service worker script.
NOT_PAGES = re.compile(
    r"^/(admin/|api/|static/|media/|i18n/|__debug__/|healthz$|metrics$|s/sw\.js$)"
)


@pytest.fixture(autouse=True)
def _urls(settings):
    settings.ROOT_URLCONF = "tests.authz.urls"


def _shape(route: str) -> str:
    """'/teams/<int:team_id>/' and '/teams/{team_id}/' both become '/teams/{}/'."""
    route = re.sub(r"<(?:\w+:)?\w+>", "{}", route)
    return re.sub(r"\{\w*\}", "{}", route if route.startswith("/") else f"/{route}")


def _routes(patterns, prefix: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern)


def _covered(rows, world) -> set[str]:
    covered = set()
    for row in rows:
        url = row.url(world).split("?")[0]
        covered.add(f"{row.method} {_shape(resolve(url).route)}")
    return covered


def test_every_api_operation_has_a_row(world):
    from zhiyuan.config.api import api

    operations = {
        f"{method.upper()} {_shape(path)}"
        for path, methods in api.get_openapi_schema()["paths"].items()
        for method in methods
    }
    missing = operations - _covered(test_api_matrix.ROWS, world)
    assert not missing - API_WITHOUT_ROW, (
        f"operations with no row: {sorted(missing - API_WITHOUT_ROW)}"
    )
    assert not API_WITHOUT_ROW - missing, f"now with a row: {sorted(API_WITHOUT_ROW - missing)}"


def test_every_page_has_a_row(world):
    pages = {
        _shape(route)
        for route in _routes(get_resolver().url_patterns)
        if not NOT_PAGES.match(_shape(route))
    }
    covered = {entry.split(" ", 1)[1] for entry in _covered(test_page_matrix.ROWS, world)}
    missing = pages - covered
    assert not missing - PAGES_WITHOUT_ROW, (
        f"pages with no row: {sorted(missing - PAGES_WITHOUT_ROW)}"
    )
    assert not PAGES_WITHOUT_ROW - missing, f"now with a row: {sorted(PAGES_WITHOUT_ROW - missing)}"
