"""The fixed cast shared by every test: a small district, its office admins and volunteers.

district 示范区 (code 120199000000)
├── 新兴街道 (subdistrict A): 新兴社区 (community A1), 朝阳社区 (A2)
└── 南营门街道 (subdistrict B): 南营门社区 (B1)

- alice: district office admin (the whole district)
- bob: subdistrict office admin of subdistrict A only
- carol: an active volunteer in A1, with an account
- dave: an active volunteer in B1 (outside bob's subdistrict), no account
- erin: a resident with an account and no volunteer profile
"""

from __future__ import annotations

import datetime as dt
import os

import pytest

from zhiyuan.volunteers.idcard import generate_gb11643

PASSWORD = "correct-horse-battery-9"


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


def id_number(n: int, *, birth=dt.date(1990, 5, 17), place="120101") -> str:
    """A valid GB 11643 number, different for each `n` (0-999)."""
    return generate_gb11643(place, birth, n)


class Cast:
    pass


def ensure_reference_data():
    """Put back the rows the data migrations add (skills, specialties).

    Transactional tests (live_server, races) flush the database afterwards, and the flush
    takes these rows with it.
    """
    import importlib

    from zhiyuan.projects.models import Category
    from zhiyuan.teams.models import Specialty
    from zhiyuan.volunteers.models import Skill

    parents = {}
    module = importlib.import_module("zhiyuan.projects.migrations.0002_default_categories")
    for order, (code, label, parent) in enumerate(module.DEFAULT_CATEGORIES):
        parents[code], _created = Category.objects.get_or_create(
            code=code, defaults={"name": label, "sort_order": order, "parent": parents.get(parent)}
        )
    for model, module, name in [
        (Skill, "zhiyuan.volunteers.migrations.0002_default_skills", "DEFAULT_SKILLS"),
        (Specialty, "zhiyuan.teams.migrations.0002_default_specialties", "DEFAULT_SPECIALTIES"),
    ]:
        rows = getattr(importlib.import_module(module), name)
        for order, (code, label) in enumerate(rows):
            model.objects.get_or_create(code=code, defaults={"name": label, "sort_order": order})
    # Data migrations written against apps.get_model run as well on the live registry.
    from django.apps import apps

    for module, function in [
        ("zhiyuan.honours.migrations.0002_default_kinds", "add_kinds"),
        ("zhiyuan.news.migrations.0002_default_columns", "add_columns"),
    ]:
        getattr(importlib.import_module(module), function)(apps, None)
    training_only = importlib.import_module(
        "zhiyuan.volunteers.migrations.0005_training_only_skills"
    )
    Skill.objects.filter(code__in=training_only.TRAINING_ONLY).update(requires_training=True)


@pytest.fixture
def cast(db):
    from zhiyuan.accounts.models import Role, RoleGrant, User
    from zhiyuan.places.models import Region
    from zhiyuan.volunteers.models import Skill
    from zhiyuan.volunteers.services import register_volunteer

    def region(code, name, level, parent=None, population=0):
        r = Region(code=code, name=name, level=level, parent=parent, population=population)
        r.path = r.build_path()
        r.save()
        return r

    ensure_reference_data()
    c = Cast()
    c.district = region("120199000000", "示范区", "district")
    c.sub_a = region("120199001000", "新兴街道", "subdistrict", c.district)
    c.sub_b = region("120199002000", "南营门街道", "subdistrict", c.district)
    c.a1 = region("120199001001", "新兴社区", "community", c.sub_a, 6000)
    c.a2 = region("120199001002", "朝阳社区", "community", c.sub_a, 4000)
    c.b1 = region("120199002001", "南营门社区", "community", c.sub_b, 5000)

    def user(username, full_name):
        u = User(username=username, full_name=full_name)
        u.set_password(PASSWORD)
        u.save()
        return u

    c.alice = user("alice", "区办艾丽")
    RoleGrant.objects.create(user=c.alice, role=Role.DISTRICT_ADMIN, region=c.district)
    c.bob = user("bob", "街道鲍勃")
    RoleGrant.objects.create(user=c.bob, role=Role.DISTRICT_ADMIN, region=c.sub_a)
    c.erin = user("erin", "居民艾琳")

    c.carol_user = user("carol", "")
    c.carol = register_volunteer(
        actor=c.carol_user,
        real_name="张卡洛",
        id_type="resident_id",
        id_number=id_number(1),
        phone="13800000001",
        community_id=c.a1.pk,
        skills=["guide"],
        availability=["sat_am", "sun_am"],
        consent=True,
    )
    # First aid needs training (Art. 16): carol holds it as a completed course would give it.
    c.carol.skills.add(Skill.objects.get(code="first_aid"))
    c.dave = register_volunteer(
        actor=c.alice,
        real_name="李大卫",
        id_type="resident_id",
        id_number=id_number(2, birth=dt.date(1985, 1, 2)),
        phone="13800000002",
        community_id=c.b1.pk,
        consent=True,
    )
    from zhiyuan.volunteers.services import approve_volunteer

    c.carol = approve_volunteer(actor=c.alice, volunteer=c.carol)
    return c


@pytest.fixture
def client_for(client):
    """`client_for(user)`: the test client signed in as `user` (None: anonymous)."""
    from django.test import Client

    def make(user):
        new = Client()
        if user is not None:
            new.force_login(user)
        return new

    return make
