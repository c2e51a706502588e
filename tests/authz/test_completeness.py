"""The matrix proves its own completeness, as the API fuzzing does for operations.

Every operation of the OpenAPI document and every page URL pattern has a row in
test_api_matrix.py / test_page_matrix.py (each row is tested for every role). A new
operation or page without one fails here: write its row (who may, who may not) with it.
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLResolver, get_resolver, resolve

from tests.authz import test_api_matrix, test_page_matrix

pytestmark = pytest.mark.django_db

# Not pages of the platform: Django's admin, the API (its operations have their own test),
# static files, the language switch, the load balancer's and the monitor's probes, and the
# check-in page's service worker script.
NOT_PAGES = re.compile(
    r"^/(admin/|api/|static/|media/|i18n/|__debug__/|healthz$|metrics$|s/sw\.js$)"
)


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
    assert not missing, f"operations with no row: {sorted(missing)}"


def test_every_page_has_a_row(world):
    pages = {
        _shape(route)
        for route in _routes(get_resolver().url_patterns)
        if not NOT_PAGES.match(_shape(route))
    }
    covered = {entry.split(" ", 1)[1] for entry in _covered(test_page_matrix.ROWS, world)}
    missing = pages - covered
    assert not missing, f"pages with no row: {sorted(missing)}"
