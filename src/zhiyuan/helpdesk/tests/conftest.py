"""Stations in A1 and B1 (about 9 km apart), the corps of teams, and a help-request factory."""

import datetime as dt

import pytest
from django.utils import timezone

from zhiyuan.helpdesk import services
from zhiyuan.stations.models import Station
from zhiyuan.teams.tests.conftest import corps  # noqa: F401 - the corps fixture

A1_POINT = (39.120000, 117.185000)
B1_POINT = (39.200000, 117.185000)


def at(days: int, hour: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def submit(cast, community=None, **overrides):
    data = {
        "actor": None,
        "kind": "companionship",
        "title": "陪老人聊天",
        "category": "empty_nest_elderly",
        "community_id": (community or cast.a1).pk,
        "address": "新兴街12号3门401",
        "starts_at": at(2, 9),
        "ends_at": at(2, 11),
        "contact_name": "王阿姨",
        "phone": "13912345678",
        "truth_confirmed": True,
        "latitude": A1_POINT[0] + 0.001,
        "longitude": A1_POINT[1],
    }
    data.update(overrides)
    return services.submit_request(**data)


@pytest.fixture
def desk(corps):  # noqa: F811 - the imported fixture
    c = corps
    c.station_a1 = Station.objects.create(
        name="新兴社区服务站",
        kind="community",
        region=c.a1,
        address="新兴街1号",
        latitude=str(A1_POINT[0]),
        longitude=str(A1_POINT[1]),
    )
    c.station_b1 = Station.objects.create(
        name="南营门社区服务站",
        kind="community",
        region=c.b1,
        address="南营门街1号",
        latitude=str(B1_POINT[0]),
        longitude=str(B1_POINT[1]),
    )
    c.carol.availability = 0  # any time
    c.carol.save(update_fields=["availability"])
    return c
