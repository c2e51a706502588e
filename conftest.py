"""Settings for every test, and the one cast: the fixtures of `zhiyuan.testing.cast`.

The people (alice, bob, carol, dave, erin; the corps tree's frank, gina …) and the helpers that
make things for them live in `zhiyuan.testing.factories`; import helpers from there, never from
a conftest.py.
"""

from __future__ import annotations

import os

import pytest

from zhiyuan.testing.factories import TEST_SETTINGS

pytest_plugins = ["zhiyuan.testing.cast"]


def pytest_collection_modifyitems(config, items):
    is_postgres = os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql"))
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://…")
    for item in items:
        if "postgres" in item.keywords and not is_postgres:
            item.add_marker(skip_pg)


@pytest.fixture(autouse=True)
def _test_settings(settings):
    for name, value in TEST_SETTINGS.items():
        setattr(settings, name, value)
    # Tests render pages without running collectstatic first: plain, unhashed names.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django.core.cache import cache

    cache.clear()


def pytest_configure(config):
    # `pytest -n` (xdist): each worker process keeps its files (the page cache's stamps,
    # media, private exports) in a directory of its own, as a separate host would. The
    # stamps are shared by design between the processes of one installation: a write in one
    # worker's test would otherwise renew the stamps of a page another worker's test kept.
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        from django.conf import settings

        settings.DATA_DIR = settings.DATA_DIR / worker
        settings.MEDIA_ROOT = settings.DATA_DIR / "media"
        settings.STATIC_ROOT = settings.DATA_DIR / "static"
