"""A small district with known figures, on the shared cast and the corps tree.

Volunteers (active): carol (A1), frank (A1), jun (A2, born 2000, CYL), ivan (A2, born 1950,
CPC), dave (B1), gina (B1); henry (A2) is pending. Residents: A1 6000, A2 4000, B1 5000.

Service records in 2026 (current versions):
  carol  squad_1a  01-12  2.0 h  10 served  measured  approved  civility project  → civility
  carol  squad_1a  02-12  3.0 h   5 served  entered   approved  civility project  → civility
  frank  det_1     01-05  1.5 h   0 served  measured  approved  other project
  gina   squad_2a  01-12  4.0 h   7 served  measured  approved  other project (not civility)
  dave   squad_2a  02-03  2.0 h   3 served  measured  pending
  carol  squad_1a  03-01  5.0 h   1 served  measured  rejected
plus carol 2025-12-12 (out of period) and a superseded frank 01-20 10 h (not current).
"""

import datetime as dt
from decimal import Decimal

import pytest

from conftest import id_number
from zhiyuan.projects.models import Category, Project
from zhiyuan.service.models import HoursTotal, ServiceRecord
from zhiyuan.stations.models import Audit, Station
from zhiyuan.teams.tests.conftest import corps  # noqa: F401 - the corps fixture
from zhiyuan.volunteers.models import Volunteer
from zhiyuan.volunteers.services import approve_volunteer, register_volunteer

YEAR = 2026
START, END = dt.date(YEAR, 1, 1), dt.date(YEAR + 1, 1, 1)


def _volunteer(cast, n, community, *, birth, political="masses", approve=True):
    v = register_volunteer(
        actor=cast.alice,
        real_name=f"志愿者{n}",
        id_type="resident_id",
        id_number=id_number(n, birth=birth),
        phone=f"1390000{n:04d}",
        community_id=community.pk,
        political_status=political,
        consent=True,
    )
    if not approve:  # registered by an office admin, a profile starts active
        Volunteer.objects.filter(pk=v.pk).update(status=Volunteer.Status.PENDING)
    return v


@pytest.fixture
def district(corps):  # noqa: F811 - the imported fixture
    c = corps
    if c.dave.status != Volunteer.Status.ACTIVE:
        c.dave = approve_volunteer(actor=c.alice, volunteer=c.dave)
    c.jun = _volunteer(c, 801, c.a2, birth=dt.date(2000, 6, 1), political="cyl_member")
    c.ivan = _volunteer(c, 802, c.a2, birth=dt.date(1950, 6, 1), political="cpc_member")
    c.henry = _volunteer(c, 803, c.a2, birth=dt.date(1990, 1, 1), approve=False)

    civility_cat = Category.objects.get(code="civility_guidance")
    other_cat = Category.objects.exclude(code="civility_guidance").filter(parent=None).first()
    c.civility = Project.objects.create(
        name="文明礼让日",
        category=civility_cat,
        organiser=c.det_1,
        state="published",
        is_brand=True,
        starts_on=START,
        ends_on=dt.date(YEAR, 12, 31),
    )
    c.other = Project.objects.create(
        name="爱心助空巢",
        category=other_cat,
        organiser=c.squad_2a,
        state="published",
        starts_on=START,
        ends_on=dt.date(YEAR, 12, 31),
    )
    Project.objects.create(
        name="草稿项目",
        category=other_cat,
        organiser=c.squad_2a,
        state="draft",
        starts_on=START,
        ends_on=dt.date(YEAR, 12, 31),
    )

    def record(
        volunteer,
        team,
        day,
        hours,
        persons,
        source="measured",
        state="approved",
        project=None,
        current=True,
    ):
        return ServiceRecord.objects.create(
            volunteer=volunteer,
            team=team,
            project=project,
            served_on=day,
            hours=Decimal(hours),
            persons_served=persons,
            content="服务",
            source=source,
            state=state,
            recorded_by=c.alice,
            is_current=current,
        )

    record(c.carol, c.squad_1a, dt.date(YEAR, 1, 12), "2", 10, project=c.civility)
    record(c.carol, c.squad_1a, dt.date(YEAR, 2, 12), "3", 5, "entered", project=c.civility)
    record(c.frank, c.det_1, dt.date(YEAR, 1, 5), "1.5", 0, project=c.other)
    record(c.gina, c.squad_2a, dt.date(YEAR, 1, 12), "4", 7, project=c.other)
    record(c.dave, c.squad_2a, dt.date(YEAR, 2, 3), "2", 3, state="pending")
    record(c.carol, c.squad_1a, dt.date(YEAR, 3, 1), "5", 1, state="rejected")
    record(c.carol, c.squad_1a, dt.date(YEAR - 1, 12, 12), "2", 9, project=c.civility)
    record(c.frank, c.det_1, dt.date(YEAR, 1, 20), "10", 4, current=False)

    HoursTotal.objects.create(volunteer=c.carol, approved_hours=Decimal(120), star_level=1)
    HoursTotal.objects.create(volunteer=c.frank, approved_hours=Decimal(2), star_level=0)
    HoursTotal.objects.create(volunteer=c.gina, approved_hours=Decimal(350), star_level=2)

    def station(name, kind, region, **extra):
        return Station.objects.create(
            name=name,
            kind=kind,
            region=region,
            address="地址",
            latitude=Decimal("39.12"),
            longitude=Decimal("117.18"),
            **extra,
        )

    c.st_community = station("新兴社区服务站", "community", c.a1, managing_team=c.squad_1a)
    c.st_park = station(
        "人民公园服务站", "public_place", c.a2, place_type="park", place_name="人民公园"
    )
    c.st_base = station("南营门基地", "base", c.b1, base_level="city", base_year=2025)
    station("已关闭服务点", "point", c.b1, status="closed")
    Audit.objects.create(
        station=c.st_community, auditor=c.alice, audited_on=dt.date(YEAR, 3, 1), compliant=True
    )
    Audit.objects.create(
        station=c.st_park, auditor=c.alice, audited_on=dt.date(YEAR, 3, 1), compliant=False
    )
    return c
