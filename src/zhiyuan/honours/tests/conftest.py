"""Honours over the corps tree (teams/tests/conftest.py), plus hank, admin of the sibling squad_1b.

Known year (last year) of service: carol 40 h approved, frank 25 h with one no-show,
gina 30 h with a rejected record, hank 10 h; squad_1a runs the published project 文明礼让日
with three activities at the station.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from zhiyuan.honours.models import AwardKind
from zhiyuan.projects.models import Activity, Category, Project, Shift, SignUp
from zhiyuan.service.models import ServiceRecord
from zhiyuan.service.services import refresh_total
from zhiyuan.stations.models import Station
from zhiyuan.teams.models import Membership
from zhiyuan.teams.tests.conftest import corps, make_volunteer  # noqa: F401 - the corps fixture


def ensure_kinds():
    """The data migration's kinds (transactional tests flush them away)."""
    import importlib

    module = importlib.import_module("zhiyuan.honours.migrations.0002_default_kinds")
    for order, (code, name, awardee_type) in enumerate(module.DEFAULT_KINDS):
        AwardKind.objects.get_or_create(
            code=code, defaults={"name": name, "awardee_type": awardee_type, "sort_order": order}
        )


def moment(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def record(c, volunteer, hours, day, *, state="approved", team=None, project=None, shift=None):
    return ServiceRecord.objects.create(
        volunteer=volunteer,
        team=team or c.squad_1a,
        project=project,
        shift=shift,
        served_on=day,
        hours=Decimal(hours),
        content="文明引导",
        source="entered",
        state=state,
        recorded_by=c.alice,
    )


@pytest.fixture
def honours(corps):  # noqa: F811 - the imported fixture
    c = corps
    ensure_kinds()
    c.kinds = {k.code: k for k in AwardKind.objects.all()}
    c.year = timezone.localdate().year - 1
    day = dt.date(c.year, 6, 12)
    c.hank = make_volunteer(c, "hank", 703, c.a2, name="韩分队")
    Membership.objects.create(team=c.squad_1b, volunteer=c.hank, role="admin", state="active")
    Membership.objects.create(team=c.squad_2a, volunteer=c.gina, role="member", state="active")
    c.station = Station.objects.create(
        name="新兴社区志愿服务站",
        kind="community",
        region=c.a1,
        address="新兴街1号",
        latitude="39.120000",
        longitude="117.185000",
        managing_team=c.squad_1a,
    )
    c.project = Project.objects.create(
        name="文明礼让日",
        category=Category.objects.get(code="civility_guidance"),
        organiser=c.squad_1a,
        starts_on=dt.date(c.year, 1, 1),
        ends_on=dt.date(c.year, 12, 31),
        state="published",
    )
    c.activities = [
        Activity.objects.create(
            project=c.project,
            title="文明礼让日",
            station=c.station,
            starts_at=moment(dt.date(c.year, month, 12), 8),
            ends_at=moment(dt.date(c.year, month, 12), 11),
        )
        for month in (4, 5, 6)
    ]
    c.shift = Shift.objects.create(
        activity=c.activities[0],
        role="义务指路",
        starts_at=c.activities[0].starts_at,
        ends_at=c.activities[0].ends_at,
        capacity=10,
    )
    record(c, c.carol, "40", day, project=c.project, shift=c.shift)
    record(c, c.frank, "25", day, project=c.project)
    record(c, c.gina, "30", day, team=c.squad_2a)
    record(c, c.gina, "3", day, team=c.squad_2a, state="rejected")
    record(c, c.hank, "10", day, team=c.squad_1b)
    SignUp.objects.create(
        shift=c.shift,
        volunteer=c.frank,
        state="no_show",
        starts_at=c.shift.starts_at,
        ends_at=c.shift.ends_at,
    )
    for volunteer in (c.carol, c.frank, c.gina, c.hank):
        refresh_total(volunteer.pk)
    return c
