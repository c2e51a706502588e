"""The fixtures of the one test cast, registered for every test by the root conftest.py.

`cast` is the district and its people, `corps` adds the team tree; the others build an app's
scene on top of them (a project's plan, a live shift, a help desk, honours, news, training, a
reports district). Every fixture takes its people from `cast`, so all tests share one set.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from zhiyuan.testing.factories import (
    A1_POINT,
    B1_POINT,
    START,
    YEAR,
    add_sibling_admin,
    at,
    box,
    build_cast,
    build_corps,
    days_ago,
    ensure_kinds,
    id_number,
    make_session,
    make_volunteer,
    moment,
    record,
)


@pytest.fixture
def cast(db):
    return build_cast()


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


@pytest.fixture
def corps(cast):
    return build_corps(cast)


@pytest.fixture
def mapped(cast):
    """The cast's district with outlines (a box over 和平区, Tianjin): subdistricts A and B."""
    from zhiyuan.places.models import Region

    Region.objects.filter(pk=cast.sub_a.pk).update(outline=box(117.17, 39.10, 117.20, 39.14))
    Region.objects.filter(pk=cast.sub_b.pk).update(outline=box(117.20, 39.10, 117.23, 39.14))
    return cast


@pytest.fixture
def plan(corps):
    """A published project of squad_1a with an activity tomorrow at a station, and its shifts."""
    from zhiyuan.projects.models import Activity, Category, Project, Shift
    from zhiyuan.stations.models import Station

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


@pytest.fixture
def live(plan):
    """A shift under way at the plan's station (radius 150 m), with gina and dave2 confirmed."""
    from zhiyuan.projects.models import Shift, SignUp

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


@pytest.fixture
def served(plan):
    """gina has approved hours with squad_1a, a sign-up, and an issued certificate."""
    from zhiyuan.projects.models import SignUp
    from zhiyuan.service import certificates
    from zhiyuan.service.services import refresh_total

    c = plan
    record(c, c.gina, hours="3.00", days=20)
    record(c, c.gina, hours="2.50", days=10)
    record(c, c.carol, hours="4.00", days=15)
    for volunteer in (c.gina, c.carol):
        refresh_total(volunteer.pk)
    SignUp.objects.create(
        shift=c.guide,
        volunteer=c.gina,
        state="confirmed",
        starts_at=c.guide.starts_at,
        ends_at=c.guide.ends_at,
    )
    asked = certificates.request_certificate(
        actor=c.gina.user, team=c.squad_1a, period_from=days_ago(30), period_to=days_ago(1)
    )
    c.certificate = certificates.issue_certificate(
        actor=c.carol_user, certificate=asked, responsible_person="张卡洛", contact="022-1234567"
    )
    return c


@pytest.fixture
def desk(corps):
    """Stations in A1 and B1 (about 9 km apart) over the corps; carol available any time."""
    from zhiyuan.stations.models import Station

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


@pytest.fixture
def honours(corps):
    """Honours over the corps, plus hank, admin of the sibling squad_1b.

    Known year (last year) of service: carol 40 h approved, frank 25 h with one no-show,
    gina 30 h with a rejected record, hank 10 h; squad_1a runs the published project 文明礼让日
    with three activities at the station.
    """
    from zhiyuan.honours.models import AwardKind
    from zhiyuan.projects.models import Activity, Category, Project, Shift, SignUp
    from zhiyuan.service.models import ServiceRecord
    from zhiyuan.service.services import refresh_total
    from zhiyuan.stations.models import Station
    from zhiyuan.teams.models import Membership

    def served(volunteer, hours, day, *, state="approved", team=None, project=None, shift=None):
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

    c = corps
    ensure_kinds()
    c.kinds = {k.code: k for k in AwardKind.objects.all()}
    c.year = timezone.localdate().year - 1
    day = dt.date(c.year, 6, 12)
    add_sibling_admin(c)
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
    served(c.carol, "40", day, project=c.project, shift=c.shift)
    served(c.frank, "25", day, project=c.project)
    served(c.gina, "30", day, team=c.squad_2a)
    served(c.gina, "3", day, team=c.squad_2a, state="rejected")
    served(c.hank, "10", day, team=c.squad_1b)
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


@pytest.fixture
def news(corps):
    """The corps with the news columns 学雷锋 (lei_feng) and 志愿者故事 (stories) at hand."""
    from zhiyuan.news.models import Column

    c = corps
    c.lei_feng = Column.objects.get(code="lei_feng")
    c.stories = Column.objects.get(code="volunteer_stories")
    return c


@pytest.fixture
def training(corps):
    """A first-aid course of squad_1a that certifies 应急救助 for 24 months, over the corps.

    - course: 急救培训, organiser squad_1a (region A1), certifies first_aid (requires training)
    - upcoming: a session in two days with two places
    - held: a session that started an hour ago, with gina enrolled (ready to be marked)
    - hank: admin of squad_1b, a sibling of squad_1a
    """
    from zhiyuan.training.models import Course, Enrolment
    from zhiyuan.volunteers.models import Skill

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
    add_sibling_admin(c)
    return c


def _reports_volunteer(cast, n, community, *, birth, political="masses", approve=True):
    from zhiyuan.volunteers.models import Volunteer
    from zhiyuan.volunteers.services import register_volunteer

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
def district(corps):  # noqa: PLR0915 - one scene, written out in full
    """A small district with known figures, on the cast and the corps tree.

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
    from zhiyuan.projects.models import Category, Project
    from zhiyuan.service.models import HoursTotal, ServiceRecord
    from zhiyuan.stations.models import Audit, Station
    from zhiyuan.volunteers.models import Volunteer
    from zhiyuan.volunteers.services import approve_volunteer

    c = corps
    if c.dave.status != Volunteer.Status.ACTIVE:
        c.dave = approve_volunteer(actor=c.alice, volunteer=c.dave)
    c.jun = _reports_volunteer(c, 801, c.a2, birth=dt.date(2000, 6, 1), political="cyl_member")
    c.ivan = _reports_volunteer(c, 802, c.a2, birth=dt.date(1950, 6, 1), political="cpc_member")
    c.henry = _reports_volunteer(c, 803, c.a2, birth=dt.date(1990, 1, 1), approve=False)

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

    def served(
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

    served(c.carol, c.squad_1a, dt.date(YEAR, 1, 12), "2", 10, project=c.civility)
    served(c.carol, c.squad_1a, dt.date(YEAR, 2, 12), "3", 5, "entered", project=c.civility)
    served(c.frank, c.det_1, dt.date(YEAR, 1, 5), "1.5", 0, project=c.other)
    served(c.gina, c.squad_2a, dt.date(YEAR, 1, 12), "4", 7, project=c.other)
    served(c.dave, c.squad_2a, dt.date(YEAR, 2, 3), "2", 3, state="pending")
    served(c.carol, c.squad_1a, dt.date(YEAR, 3, 1), "5", 1, state="rejected")
    served(c.carol, c.squad_1a, dt.date(YEAR - 1, 12, 12), "2", 9, project=c.civility)
    served(c.frank, c.det_1, dt.date(YEAR, 1, 20), "10", 4, current=False)

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
