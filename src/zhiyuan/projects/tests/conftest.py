"""A published project of squad_1a with an activity tomorrow at a station, and its shifts."""

import datetime as dt

import pytest
from django.utils import timezone

from zhiyuan.projects.models import Activity, Category, Project, Shift
from zhiyuan.stations.models import Station
from zhiyuan.teams.tests.conftest import corps, make_volunteer  # noqa: F401 - the corps fixture


def at(days: int, hour: int, minute: int = 0) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def plan(corps):  # noqa: F811 - the imported fixture
    c = corps
    c.station = Station.objects.create(
        name="新兴社区志愿服务站",
        kind="community",
        region=c.a1,
        address="新兴街1号",
        latitude="39.120000",
        longitude="117.185000",
    )
    today = timezone.localdate()
    c.project = Project.objects.create(
        name="文明礼让日",
        category=Category.objects.get(code="civility_guidance"),
        organiser=c.squad_1a,
        starts_on=today - dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=365),
        state="published",
        description="每月12日公共文明引导",
    )
    c.activity = Activity.objects.create(
        project=c.project,
        title="文明礼让日",
        station=c.station,
        starts_at=at(1, 8),
        ends_at=at(1, 11),
    )
    c.guide = Shift.objects.create(
        activity=c.activity, role="义务指路", starts_at=at(1, 8), ends_at=at(1, 11), capacity=1
    )
    c.rescue = Shift.objects.create(
        activity=c.activity,
        role="应急救助",
        starts_at=at(1, 9),
        ends_at=at(1, 10),
        capacity=3,
        min_age=18,
        insurance_required=True,
    )
    c.rescue.required_skills.set([c.carol.skills.get(code="first_aid")])
    c.dave_user = make_volunteer(c, "dave2", 702, c.a2, name="戴志愿").user
    return c
