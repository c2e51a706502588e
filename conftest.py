"""Settings for every test, and the one cast: the fixtures of `zhiyuan.testing.cast`.

The people (alice, bob, carol, dave, erin; the corps tree's frank, gina …) and the helpers that
make things for them live in `zhiyuan.testing.factories`; import helpers from there, never from
a conftest.py.
"""

from __future__ import annotations

import os

import pytest

pytest_plugins = ["zhiyuan.testing.cast"]


def pytest_collection_modifyitems(config, items):
    is_postgres = os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql"))
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://…")
    for item in items:
        if "postgres" in item.keywords and not is_postgres:
            item.add_marker(skip_pg)


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.FIELD_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
    settings.FIELD_CIPHER = "aes-gcm"
    # A production hash costs ~0.5 s; the cast alone hashes five passwords per test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.FIGURES_CACHE_SECONDS = 0  # each test sees the figures of its own rows
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Tests render pages without running collectstatic first: plain, unhashed names.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.STATIC_ROOT = None  # nothing collected: WhiteNoise has nothing to serve
    from django.core.cache import cache

    cache.clear()
