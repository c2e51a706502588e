"""Hours given outside a shift (a help request's visits) are recorded by the service app,
which asks who is entering them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from zhiyuan.core.errors import PermissionDenied
from zhiyuan.service import services
from zhiyuan.service.models import ServiceRecord
from zhiyuan.teams.models import Team

pytestmark = pytest.mark.django_db


def team_in(region) -> Team:
    team = Team.objects.create(name="新兴社区分队", level="squad", region=region, kind="community")
    team.path = f"/{team.pk}/"
    team.save(update_fields=["path"])
    return team


def record(cast, actor):
    return services.record_outside_shift(
        actor=actor,
        volunteer_id=cast.carol.pk,
        team=team_in(cast.a1),
        region=cast.a1,
        served_on=dt.date(2026, 3, 5),
        hours=Decimal("2.00"),
        persons_served=1,
        content="陪老人聊天",
        reason="Help request ABC",
    )


def test_the_office_of_the_region_records_pending_entered_hours(cast):
    row = record(cast, cast.bob)
    assert row.source == ServiceRecord.Source.ENTERED
    assert row.state == ServiceRecord.State.PENDING


def test_a_resident_cannot_record_hours(cast):
    with pytest.raises(PermissionDenied):
        record(cast, cast.erin)
    assert not ServiceRecord.objects.exists()


def test_an_office_elsewhere_cannot_record_hours(cast):
    with pytest.raises(PermissionDenied):
        services.record_outside_shift(
            actor=cast.bob,
            volunteer_id=cast.dave.pk,
            team=team_in(cast.b1),
            region=cast.b1,
            served_on=dt.date(2026, 3, 5),
            hours=Decimal("1.00"),
            persons_served=1,
            content="送餐",
            reason="Help request XYZ",
        )


def test_hours_of_a_stretch_are_rounded_to_the_hundredth():
    assert services.hours_of(dt.timedelta(minutes=100)) == Decimal("1.67")
