"""A shift under way at the plan's station (radius 150 m), with gina and dave2 confirmed."""

import datetime as dt

import pytest
from django.utils import timezone

from zhiyuan.projects.models import Shift, SignUp
from zhiyuan.projects.tests.conftest import plan  # noqa: F401 - the plan fixture
from zhiyuan.teams.tests.conftest import corps  # noqa: F401 - plan's dependency

NEAR = (117.1852, 39.1201)  # about 20 m from the station
FAR = (117.1950, 39.1300)  # about 1.3 km away


@pytest.fixture
def live(plan):  # noqa: F811 - the imported fixture
    now = timezone.now()
    plan.station.checkin_radius_m = 150
    plan.station.save()
    plan.activity.starts_at = now - dt.timedelta(hours=1)
    plan.activity.ends_at = now + dt.timedelta(hours=2)
    plan.activity.save()
    plan.now_shift = Shift.objects.create(
        activity=plan.activity,
        role="义务指路",
        starts_at=now - dt.timedelta(minutes=10),
        ends_at=now + dt.timedelta(hours=2),
        capacity=5,
    )
    for volunteer in (plan.gina, plan.dave_user.volunteer):
        SignUp.objects.create(
            shift=plan.now_shift,
            volunteer=volunteer,
            state="confirmed",
            starts_at=plan.now_shift.starts_at,
            ends_at=plan.now_shift.ends_at,
        )
    return plan
