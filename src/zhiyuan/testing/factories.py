"""Factories and helpers for the one test cast; the fixtures in `cast.py` are built from them.

The people, all built by `build_cast` and `build_corps`:

district 示范区 (code 120199000000)
├── 新兴街道 (subdistrict A): 新兴社区 (community A1), 朝阳社区 (A2)
└── 南营门街道 (subdistrict B): 南营门社区 (B1)

- alice: district office admin (the whole district)
- bob: subdistrict office admin of subdistrict A only
- carol: an active volunteer in A1, with an account (admin of squad_1a once the corps exists)
- dave: an active volunteer in B1 (outside bob's subdistrict), no account
- erin: a resident with an account and no volunteer profile

The corps tree (`build_corps`) over them:

总队 corps (district)
├── 支队 det_1 (district)      admin: frank
│   ├── 分队 squad_1a (A1)      admin: carol
│   │   └── 小组 group_1a (A1)
│   └── 分队 squad_1b (A2)      join mode: open
└── 支队 det_2 (district)
    └── 分队 squad_2a (B1)      join mode: invitation

The rest of the cast, added by the fixtures that need them (each by one function here):

- hank: admin of the sibling squad_1b, a volunteer in A2 (`add_sibling_admin`)
- ivy: a plain member of squad_1a, a volunteer in A1 (`add_squad_member`)
- dave's account, and dave a member of squad_2a (`give_dave_an_account`)
- stan: a station manager with no team role and no volunteer profile (`add_station_manager`)
- beth: office admin of subdistrict B only (`add_subdistrict_b_admin`)

The authorisation matrix's world (tests/authz) holds all of them.
"""

from __future__ import annotations

import datetime as dt
import importlib
import io
from decimal import Decimal

from django.utils import timezone

from zhiyuan.volunteers.idcard import generate_gb11643

PASSWORD = "correct-horse-battery-9"

# The authorisation matrix's roles (tests/authz), one column each.
ROLES = (
    "anonymous",
    "resident",
    "volunteer",
    "other_volunteer",
    "station_manager",
    "squad_admin",
    "detachment_admin",
    "sibling_admin",
    "subdistrict_admin",
    "district_admin",
)
# The code texted to ivy's new phone in the authz world.
PHONE_CODE = "424242"

# Stations' points in A1 and B1 (about 9 km apart); NEAR/FAR of the plan's station.
A1_POINT = (39.120000, 117.185000)
B1_POINT = (39.200000, 117.185000)
NEAR = (117.1852, 39.1201)  # about 20 m from the station
FAR = (117.1950, 39.1300)  # about 1.3 km away

# The settings every test runs with (the root conftest.py gives them to each test; the
# authorisation matrix's module-wide world is built under them too).
TEST_SETTINGS = {
    "FIELD_KEY": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
    "FIELD_CIPHER": "aes-gcm",
    # A production hash costs ~0.5 s; the cast alone hashes five passwords per test.
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    "TASKS": {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
    "FIGURES_CACHE_SECONDS": 0,  # each test sees the figures of its own rows
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    "STATIC_ROOT": None,  # nothing collected: WhiteNoise has nothing to serve
}

# The reports' known year.
YEAR = 2026
START, END = dt.date(YEAR, 1, 1), dt.date(YEAR + 1, 1, 1)


class Cast:
    pass


# -- identities and times ------------------------------------------------------------------


def id_number(n: int, *, birth=dt.date(1990, 5, 17), place="120101") -> str:
    """A valid GB 11643 number, different for each `n` (0-999)."""
    return generate_gb11643(place, birth, n)


def person_id(n: int, *, birth=dt.date(1992, 3, 4), place="120101") -> str:
    """A valid GB 11643 number for roster files; `n` up to 999 per birth date."""
    return generate_gb11643(place, birth, n)


def at(days: float, hour: int = 9, minute: int = 0) -> dt.datetime:
    """`days` from today (whole days count) at `hour`:`minute`, local time."""
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


def moment(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


# -- reference data ------------------------------------------------------------------------


def ensure_reference_data():
    """Put back the rows the data migrations add (skills, specialties).

    Transactional tests (live_server, races) flush the database afterwards, and the flush
    takes these rows with it.
    """
    from django.apps import apps

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
    for module, function in [
        ("zhiyuan.honours.migrations.0002_default_kinds", "add_kinds"),
        ("zhiyuan.news.migrations.0002_default_columns", "add_columns"),
    ]:
        getattr(importlib.import_module(module), function)(apps, None)
    training_only = importlib.import_module(
        "zhiyuan.volunteers.migrations.0005_training_only_skills"
    )
    Skill.objects.filter(code__in=training_only.TRAINING_ONLY).update(requires_training=True)


def ensure_kinds():
    """The honours data migration's kinds (transactional tests flush them away)."""
    from zhiyuan.honours.models import AwardKind

    module = importlib.import_module("zhiyuan.honours.migrations.0002_default_kinds")
    for order, (code, name, awardee_type) in enumerate(module.DEFAULT_KINDS):
        AwardKind.objects.get_or_create(
            code=code, defaults={"name": name, "awardee_type": awardee_type, "sort_order": order}
        )


# -- people ----------------------------------------------------------------------------------


def build_cast() -> Cast:
    """The district, its office admins, carol, dave and erin (see the module's docstring)."""
    from zhiyuan.accounts.models import Role, RoleGrant, User
    from zhiyuan.places.models import Region
    from zhiyuan.volunteers.models import Skill
    from zhiyuan.volunteers.services import approve_volunteer, register_volunteer

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
    c.carol = approve_volunteer(actor=c.alice, volunteer=c.carol)
    return c


def make_volunteer(cast, username, n, community, *, name):
    """An approved volunteer in `community` with an account `username`."""
    from zhiyuan.accounts.models import User
    from zhiyuan.volunteers.services import approve_volunteer, register_volunteer

    user = User(username=username)
    user.set_password(PASSWORD)
    user.save()
    volunteer = register_volunteer(
        actor=user,
        real_name=name,
        id_type="resident_id",
        id_number=id_number(n, birth=dt.date(1980, 3, 3)),
        phone=f"1350000{n:04d}",
        community_id=community.pk,
        consent=True,
    )
    approve_volunteer(actor=cast.alice, volunteer=volunteer)
    volunteer.refresh_from_db()
    return volunteer


def build_corps(c: Cast) -> Cast:
    """The corps tree over the cast `c` (see the module's docstring), with frank and gina."""
    from zhiyuan.teams.models import Membership, Team

    def team(name, level, parent, region, join_mode=Team.JoinMode.APPROVAL):
        t = Team.objects.create(
            name=name,
            level=level,
            parent=parent,
            region=region,
            kind="community",
            join_mode=join_mode,
            path="",
        )
        t.path = f"{parent.path if parent else '/'}{t.pk}/"
        t.save(update_fields=["path"])
        return t

    c.corps = team("学雷锋志愿服务总队", "corps", None, c.district)
    c.det_1 = team("文明办支队", "detachment", c.corps, c.district)
    c.det_2 = team("卫健委支队", "detachment", c.corps, c.district)
    c.squad_1a = team("新兴社区分队", "squad", c.det_1, c.a1)
    c.squad_1b = team("朝阳社区分队", "squad", c.det_1, c.a2, Team.JoinMode.OPEN)
    c.squad_2a = team("南营门社区分队", "squad", c.det_2, c.b1, Team.JoinMode.INVITATION)
    c.group_1a = team("助老小组", "group", c.squad_1a, c.a1)
    c.teams = {
        name: getattr(c, name)
        for name in ("corps", "det_1", "det_2", "squad_1a", "squad_1b", "squad_2a", "group_1a")
    }

    c.frank = make_volunteer(c, "frank", 700, c.a1, name="冯支队")
    Membership.objects.create(
        team=c.det_1, volunteer=c.frank, role="admin", state="active", joined_at=c.frank.created_at
    )
    Membership.objects.create(
        team=c.squad_1a,
        volunteer=c.carol,
        role="admin",
        state="active",
        joined_at=c.carol.created_at,
    )
    c.gina = make_volunteer(c, "gina", 701, c.b1, name="葛志愿")
    return c


def add_sibling_admin(c: Cast) -> Cast:
    """hank: a volunteer in A2, admin of squad_1b (the sibling of carol's squad_1a)."""
    from zhiyuan.teams.models import Membership

    c.hank = make_volunteer(c, "hank", 703, c.a2, name="韩分队")
    Membership.objects.create(
        team=c.squad_1b, volunteer=c.hank, role="admin", state="active", joined_at=timezone.now()
    )
    return c


def add_squad_member(c: Cast) -> Cast:
    """ivy: a volunteer in A1, a plain member of squad_1a (carol is its admin)."""
    c.ivy = make_volunteer(c, "ivy", 710, c.a1, name="易志愿")
    member(c.squad_1a, c.ivy)
    return c


def give_dave_an_account(c: Cast) -> Cast:
    """dave (B1) signs up for an account and joins squad_2a."""
    from zhiyuan.accounts.models import User
    from zhiyuan.volunteers.models import Volunteer

    c.dave_user = User.objects.create_user("dave", password=PASSWORD, full_name="李大卫")
    Volunteer.objects.filter(pk=c.dave.pk).update(user=c.dave_user)
    c.dave.refresh_from_db()
    member(c.squad_2a, c.dave)
    return c


def add_station_manager(c: Cast) -> Cast:
    """stan: an account with no volunteer profile and no team role; a station names him."""
    from zhiyuan.accounts.models import User

    c.stan = User.objects.create_user("stan", password=PASSWORD, full_name="站长斯坦")
    return c


def add_subdistrict_b_admin(c: Cast) -> Cast:
    """beth: office admin of subdistrict B only (bob's counterpart)."""
    from zhiyuan.accounts.models import Role, RoleGrant, User

    c.beth = User.objects.create_user("beth", password=PASSWORD, full_name="街道贝丝")
    RoleGrant.objects.create(user=c.beth, role=Role.DISTRICT_ADMIN, region=c.sub_b)
    return c


def member(team, volunteer, state="active", role="member"):
    from zhiyuan.teams.models import Membership

    return Membership.objects.create(team=team, volunteer=volunteer, state=state, role=role)


# -- things the people make ------------------------------------------------------------------


def record(c, volunteer, *, hours, days, state="approved"):
    """A service record of `volunteer` in squad_1a's project, `days` ago (entered by carol)."""
    from zhiyuan.service.models import ServiceRecord

    return ServiceRecord.objects.create(
        volunteer=volunteer,
        team=c.squad_1a,
        project=c.project,
        served_on=days_ago(days),
        hours=Decimal(hours),
        content="义务指路",
        source=ServiceRecord.Source.ENTERED,
        state=state,
        recorded_by=c.carol_user,
        persons_served=3,
    )


def submit(cast, community=None, **overrides):
    """A help request in A1 (or `community`) through the help desk's service."""
    from zhiyuan.helpdesk import services

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


def make_session(course, *, starts_at, hours=3, capacity=2, **kwargs):
    from zhiyuan.training.models import Session

    return Session.objects.create(
        course=course,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=hours),
        trainer="红十字会 王老师",
        capacity=capacity,
        address="新兴街1号 社区活动室",
        **kwargs,
    )


def make_article(c, *, title="社区助老", state="draft", region=None, team=None, **extra):
    from zhiyuan.news.models import Article

    return Article.objects.create(
        column=extra.pop("column", c.lei_feng),
        title=title,
        body="<p>正文</p>",
        region=region or c.district,
        team=team,
        author=c.alice,
        state=state,
        published_at=timezone.now() if state != "draft" else None,
        **extra,
    )


def station_data(cast, **overrides):
    """The fields of a station in A1, as a form or the API takes them."""
    data = {
        "name": "新兴社区志愿服务站",
        "kind": "community",
        "region_id": cast.a1.pk,
        "address": "新兴街1号",
        "longitude": 117.185,
        "latitude": 39.12,
        "checkin_radius_m": 150,
        "opening_hours": "周一至周五 9:00-17:00",
        "services": "义务指路、应急救助",
    }
    data.update(overrides)
    return data


def box(west, south, east, north):
    return {
        "type": "Polygon",
        "coordinates": [
            [[west, south], [east, south], [east, north], [west, north], [west, south]]
        ],
    }


# -- files -----------------------------------------------------------------------------------


def image_bytes(fmt="PNG", size=(64, 48), color=(200, 40, 40), **save) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, fmt, **save)
    return out.getvalue()


def upload(data: bytes, name="cover.png", content_type="image/png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type=content_type)


def xlsx(rows: list[list], *, title: str | None = None, merge_title_over: int = 0) -> bytes:
    """An .xlsx whose first sheet holds `rows`; optionally a merged title row above them."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
        if merge_title_over:
            sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=merge_title_over)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list[str]], encoding: str) -> bytes:
    text = "\r\n".join(",".join(cells) for cells in rows) + "\r\n"
    return text.encode(encoding)


def read_xlsx(data: bytes, sheet: int = 0) -> list[tuple]:
    """The rows of a written sheet under its title row: the header first, then the data."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True)
    return [tuple(row) for row in book.worksheets[sheet].iter_rows(values_only=True)][1:]
