"""A small demo district, built once per test module through the stations step, then undone."""

from __future__ import annotations

import random
from collections.abc import Iterator
from io import StringIO

import pytest
from django.db import transaction
from django.test import override_settings

from zhiyuan.demo.build import STEPS, build
from zhiyuan.demo.context import DemoContext
from zhiyuan.demo.stations import add_stations

SMALL = 300


@pytest.fixture(scope="module")
def small_district(django_db_setup, django_db_blocker) -> Iterator[DemoContext]:
    """The steps up to the stations at 300 volunteers; the tests that use it only read.

    Everything happens inside one transaction rolled back at the end of the module, so the
    next module starts from the migrated database (data migrations' rows included).
    """
    steps = STEPS[: STEPS.index(add_stations) + 1]
    ctx = DemoContext(rng=random.Random(2026), stdout=StringIO(), volunteer_count=SMALL)
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast, transaction.atomic():
        build(ctx, steps)
        yield ctx
        transaction.set_rollback(True)
