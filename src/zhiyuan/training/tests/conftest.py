"""A first-aid course of squad_1a that certifies 应急救助 for 24 months, over the corps tree.

- course: 急救培训, organiser squad_1a (region A1), certifies first_aid (requires training)
- upcoming: a session in two days with two places
- held: a session that started an hour ago, with gina enrolled (ready to be marked)
- hank: admin of squad_1b, a sibling of squad_1a
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from zhiyuan.teams.models import Membership
from zhiyuan.teams.tests.conftest import corps, make_volunteer  # noqa: F401 - the corps fixture
from zhiyuan.training.models import Course, Enrolment, Session
from zhiyuan.volunteers.models import Skill


def at(days: float, hour: int = 9) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def make_session(course, *, starts_at, hours=3, capacity=2, **kwargs):
    return Session.objects.create(
        course=course,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=hours),
        trainer="红十字会 王老师",
        capacity=capacity,
        address="新兴街1号 社区活动室",
        **kwargs,
    )


@pytest.fixture
def training(corps):  # noqa: F811 - the imported fixture
    c = corps
    # Transactional tests flush the data migrations' rows; put Art. 16 back explicitly.
    Skill.objects.filter(code__in=["first_aid", "medical", "psychology", "fire_safety"]).update(
        requires_training=True
    )
    c.first_aid = Skill.objects.get(code="first_aid")
    c.course = Course.objects.create(
        title="急救培训",
        kind=Course.Kind.SPECIALISED,
        hours=Decimal("8.0"),
        region=c.squad_1a.region,
        organiser=c.squad_1a,
        skill=c.first_aid,
        validity_months=24,
    )
    c.upcoming = make_session(c.course, starts_at=at(2))
    c.held = make_session(c.course, starts_at=timezone.now() - dt.timedelta(hours=1))
    c.gina_enrolment = Enrolment.objects.create(session=c.held, volunteer=c.gina)
    c.hank = make_volunteer(c, "hank", 703, c.a2, name="韩分队")
    Membership.objects.create(
        team=c.squad_1b, volunteer=c.hank, role="admin", state="active", joined_at=timezone.now()
    )
    return c
