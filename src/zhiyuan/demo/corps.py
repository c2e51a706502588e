"""Demo outlines, teams and stations: the seed's 抓队伍 and 抓阵地 at scale.

- Outlines: the district as a box over the centre of the city, cut into six subdistrict
  cells that share their (jittered) corners, so they tile it exactly; each community gets
  a point inside its subdistrict.
- Teams (about 600): the corps; 27 detachments (21 departments, 6 subdistrict offices);
  65 squads (62 communities, 3 units); 8 professional squads; groups under the community
  squads. Most active volunteers are members of one to three teams; every team has an admin.
- Stations: 62 community stations, 84 stations in 22 public places, about 150 service
  points and 11 bases, audited against the eight standards (about one in six falls short).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from zhiyuan.places import geo
from zhiyuan.places.models import Region
from zhiyuan.stations.models import Audit, AuditItem, Criterion, Station
from zhiyuan.teams.models import Membership, Specialty, Team
from zhiyuan.volunteers.models import Volunteer

if TYPE_CHECKING:
    from zhiyuan.demo.context import DemoContext

WEST, EAST, SOUTH, NORTH = 117.170, 117.230, 39.100, 39.140

DEPARTMENTS = [
    "区委宣传部",
    "区文明办",
    "区教育局",
    "区卫健委",
    "区民政局",
    "区司法局",
    "区市场监管局",
    "区生态环境局",
    "区消防救援支队",
    "区文旅局",
    "区科协",
    "区总工会",
    "团区委",
    "区妇联",
    "区残联",
    "区红十字会",
    "公安和平分局",
    "区城管委",
    "区住建委",
    "区人社局",
    "区商务局",
]
# specialty code → (team name, sponsoring department)
PROFESSIONAL = {
    "science": ("科普志愿服务队", "区科协"),
    "environment": ("环保志愿服务队", "区生态环境局"),
    "quality": ("质量监督志愿服务队", "区市场监管局"),
    "safety": ("平安志愿服务队", "公安和平分局"),
    "fire": ("消防志愿服务队", "区消防救援支队"),
    "health": ("卫生志愿服务队", "区卫健委"),
    "culture": ("文化志愿服务队", "区文旅局"),
    "blood": ("献血志愿者爱心团队", "区红十字会"),
}
UNIT_SQUADS = [
    ("区文化宫心目影院分队", "区文旅局"),
    ("区图书馆分队", "区文旅局"),
    ("五大道游客服务中心分队", "区文旅局"),
]
GROUP_THEMES = [
    "助老",
    "环境清整",
    "文明交通",
    "邻里守望",
    "法律咨询",
    "义诊",
    "家电维修",
    "理发",
    "课业辅导",
    "心理疏导",
    "垃圾分类",
    "文艺",
]
PUBLIC_PLACES = [
    ("park", "中心公园"),
    ("park", "睦南公园"),
    ("park", "王串场公园"),
    ("square", "和平广场"),
    ("square", "五大道文化广场"),
    ("scenic", "五大道"),
    ("scenic", "瓷房子"),
    ("scenic", "静园"),
    ("scenic", "庆王府"),
    ("business", "滨江道"),
    ("business", "劝业场"),
    ("business", "和平路"),
    ("business", "南京路商圈"),
    ("stadium", "民园体育场"),
    ("stadium", "人民体育馆"),
    ("residential", "昆明路小区"),
    ("residential", "南营门小区"),
    ("residential", "岳阳道小区"),
    ("transport", "营口道地铁站"),
    ("transport", "小白楼地铁站"),
    ("other", "天津音乐厅"),
    ("other", "第一医院周边"),
]
BASES = [
    "五大道游客服务中心",
    "区文化宫心目影院",
    "劝业场志愿服务驿站",
    "中心公园学雷锋驿站",
    "区图书馆志愿服务基地",
    "民园广场志愿服务中心",
    "新兴街志愿服务纪念馆",
    "区红十字会献血屋",
    "区科技馆科普基地",
    "海河亲水平台服务站",
    "区青少年活动中心",
]
SHORTFALL_NOTES = {
    Criterion.SIGNAGE: "标识牌破损，需更换",
    Criterion.RULES: "制度未上墙",
    Criterion.RECORDS: "服务台账不全",
    Criterion.PROJECTS: "本季度无常态化项目",
    Criterion.MANAGEMENT: "值守排班未落实",
    Criterion.SERVICE: "开放时间内无人值守",
}


def _point(rng, outline: dict) -> tuple[float, float]:
    xs = [p[0] for p in outline["coordinates"][0]]
    ys = [p[1] for p in outline["coordinates"][0]]
    while True:
        lng, lat = rng.uniform(min(xs), max(xs)), rng.uniform(min(ys), max(ys))
        if geo.contains(outline, lng, lat):
            return round(lng, 6), round(lat, 6)


def add_outlines(ctx: DemoContext) -> None:
    """Six cells over a 3 × 2 grid whose inner corners are jittered and shared."""
    rng = ctx.rng
    xs = [WEST + (EAST - WEST) * i / 3 for i in range(4)]
    ys = [SOUTH + (NORTH - SOUTH) * j / 2 for j in range(3)]
    corner = {}
    for i, x in enumerate(xs):
        for j, y in enumerate(ys):
            inner_x, inner_y = 0 < i < 3, 0 < j < 2
            corner[i, j] = (
                round(x + (rng.uniform(-0.004, 0.004) if inner_x else 0), 6),
                round(y + (rng.uniform(-0.003, 0.003) if inner_y else 0), 6),
            )

    # Edge midpoints, shared by the two cells on either side, make the borders irregular.
    def mid(a, b):
        (x1, y1), (x2, y2) = corner[a], corner[b]
        on_border = (a[0] == b[0] and a[0] in (0, 3)) or (a[1] == b[1] and a[1] in (0, 2))
        wobble = 0 if on_border else 0.0015
        return (
            round((x1 + x2) / 2 + rng.uniform(-wobble, wobble), 6),
            round((y1 + y2) / 2 + rng.uniform(-wobble, wobble), 6),
        )

    mids = {}
    for i, j in corner:
        if i < 3:
            mids[(i, j), (i + 1, j)] = mid((i, j), (i + 1, j))
        if j < 2:
            mids[(i, j), (i, j + 1)] = mid((i, j), (i, j + 1))

    def ring(i, j):
        a, b, c, d = (i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1)
        points = [
            corner[a],
            mids[a, b],
            corner[b],
            mids[b, c],
            corner[c],
            mids[d, c],
            corner[d],
            mids[a, d],
            corner[a],
        ]
        return [list(p) for p in points]

    cells = [(i, j) for j in (1, 0) for i in range(3)]
    for sub, (i, j) in zip(ctx.subdistricts, cells, strict=True):
        sub.outline = {"type": "Polygon", "coordinates": [ring(i, j)]}
        Region.objects.filter(pk=sub.pk).update(outline=sub.outline)
    district_ring = [[WEST, SOUTH], [EAST, SOUTH], [EAST, NORTH], [WEST, NORTH], [WEST, SOUTH]]
    ctx.district.outline = {"type": "Polygon", "coordinates": [district_ring]}
    Region.objects.filter(pk=ctx.district.pk).update(outline=ctx.district.outline)
    by_id = {sub.pk: sub for sub in ctx.subdistricts}
    ctx.community_points = {c.pk: _point(rng, by_id[c.parent_id].outline) for c in ctx.communities}
    ctx.say(f"outlines: district and {len(ctx.subdistricts)} subdistricts")


def _save_level(teams: list[Team]) -> list[Team]:
    Team.objects.bulk_create(teams)
    for team in teams:
        team.path = f"{team.parent.path if team.parent else '/'}{team.pk}/"
    Team.objects.bulk_update(teams, ["path"], batch_size=1000)
    return teams


def add_teams(ctx: DemoContext) -> None:
    rng, district = ctx.rng, ctx.district

    def team(name, level, parent, region, kind, **extra):
        return Team(
            name=name,
            level=level,
            parent=parent,
            region=region,
            kind=kind,
            path="",
            join_mode=rng.choices(["approval", "open", "invitation"], [70, 25, 5])[0],
            founded_on=ctx.today - dt.timedelta(days=rng.randint(200, 4000)),
            contact_name=rng.choice("张王李赵刘陈杨黄周吴")
            + rng.choice(["老师", "主任", "书记", "队长"]),
            contact_phone=f"022-{rng.randint(23000000, 23999999)}",
            **extra,
        )

    corps = _save_level(
        [team("学雷锋志愿服务总队", "corps", None, district, "department", sponsor_unit="区文明办")]
    )[0]
    detachments = _save_level(
        [
            team(
                f"{d}学雷锋志愿服务支队",
                "detachment",
                corps,
                district,
                "department",
                sponsor_unit=d,
            )
            for d in DEPARTMENTS
        ]
        + [
            team(
                f"{s.name}学雷锋志愿服务支队",
                "detachment",
                corps,
                s,
                "community",
                sponsor_unit=f"{s.name}办事处",
            )
            for s in ctx.subdistricts
        ]
    )
    by_sponsor = {t.sponsor_unit: t for t in detachments}
    by_subdistrict = {t.region_id: t for t in detachments if t.kind == "community"}
    specialties = {s.code: s for s in Specialty.objects.all()}
    squads = _save_level(
        [
            team(
                f"{c.name}志愿服务分队",
                "squad",
                by_subdistrict[c.parent_id],
                c,
                "community",
                sponsor_unit=f"{c.name}居委会",
            )
            for c in ctx.communities
        ]
        + [
            team(name, "squad", by_sponsor[sponsor], district, "unit", sponsor_unit=sponsor)
            for name, sponsor in UNIT_SQUADS
        ]
        + [
            team(
                name,
                "squad",
                by_sponsor[sponsor],
                district,
                "professional",
                sponsor_unit=sponsor,
                specialty=specialties[code],
            )
            for code, (name, sponsor) in PROFESSIONAL.items()
        ]
    )
    community_squads = [t for t in squads if t.kind == "community"]
    target_groups = max(0, 600 - 1 - len(detachments) - len(squads))
    groups = _save_level(
        [
            team(
                f"{squad.region.name}{rng.choice(GROUP_THEMES)}小组{n + 1}",
                "group",
                squad,
                squad.region,
                "community",
                sponsor_unit=squad.sponsor_unit,
            )
            for n in range(target_groups // len(community_squads) + 1)
            for squad in community_squads
        ][:target_groups]
    )
    ctx.teams = [corps, *detachments, *squads, *groups]
    ctx.say(
        f"teams: {len(ctx.teams)} (1 corps, {len(detachments)} detachments, "
        f"{len(squads)} squads, {len(groups)} groups)"
    )
    _add_memberships(ctx, community_squads, groups, [t for t in squads if t.kind != "community"])


def _add_memberships(ctx, community_squads, groups, other_squads) -> None:
    rng = ctx.rng
    squad_of = {t.region_id: t for t in community_squads}
    groups_of: dict[int, list[Team]] = {}
    for group in groups:
        groups_of.setdefault(group.parent_id, []).append(group)
    joined_base = ctx.now - dt.timedelta(days=900)
    rows: list[Membership] = []
    seen: dict[tuple[int, int], Membership] = {}

    def add(team, volunteer_id, state="active", role="member"):
        if (team.pk, volunteer_id) in seen:
            return
        joined = joined_base + dt.timedelta(days=rng.randint(0, 880))
        rows.append(
            Membership(
                team=team,
                volunteer_id=volunteer_id,
                state=state,
                role=role,
                joined_at=joined if state in ("active", "left") else None,
                left_at=joined + dt.timedelta(days=rng.randint(10, 200))
                if state == "left"
                else None,
            )
        )
        seen[team.pk, volunteer_id] = rows[-1]

    active = list(Volunteer.objects.filter(status="active").values_list("pk", "community_id"))
    for volunteer_id, community_id in active:
        if rng.random() > 0.86:
            continue
        squad = squad_of[community_id]
        add(squad, volunteer_id)
        if groups_of.get(squad.pk) and rng.random() < 0.45:
            add(rng.choice(groups_of[squad.pk]), volunteer_id)
        if rng.random() < 0.12:
            add(
                rng.choice(other_squads),
                volunteer_id,
                state=rng.choice(["active"] * 6 + ["pending", "left"]),
            )
    # An admin for every team, from its members or its community's volunteers.
    by_team: dict[int, list[int]] = {}
    for row in rows:
        if row.state == "active":
            by_team.setdefault(row.team_id, []).append(row.volunteer_id)
    admins = [t for t in ctx.teams if t.level != "corps"]
    fallback = [v for v, _c in active]
    for team in admins:
        pool = by_team.get(team.pk) or fallback
        admin_id = rng.choice(pool)
        if (team.pk, admin_id) in seen:
            seen[team.pk, admin_id].role = "admin"
            seen[team.pk, admin_id].state = "active"
        else:
            add(team, admin_id, role="admin")
    demo = (
        Volunteer.objects.filter(user__username="volunteer")
        .values_list("pk", "community_id")
        .first()
    )
    if demo:
        squad = squad_of[demo[1]]
        Membership.objects.bulk_create([m for m in rows], batch_size=ctx.batch_size)
        Membership.objects.filter(team=squad, volunteer_id=demo[0]).delete()
        Membership.objects.create(
            team=squad,
            volunteer_id=demo[0],
            role="admin",
            state="active",
            joined_at=ctx.now - dt.timedelta(days=300),
        )
        ctx.say(f"the demo volunteer is an admin of {squad.name}")
    else:
        Membership.objects.bulk_create(rows, batch_size=ctx.batch_size)
    ctx.say(f"memberships: {Membership.objects.count()}")


def add_stations(ctx: DemoContext) -> None:
    rng = ctx.rng
    squad_of = {t.region_id: t for t in ctx.teams if t.level == "squad" and t.kind == "community"}
    outlines = {s.pk: s.outline for s in ctx.subdistricts}
    communities_of: dict[int, list[Region]] = {}
    for community in ctx.communities:
        communities_of.setdefault(community.parent_id, []).append(community)
    stations = []

    def station(name, kind, community, point, **extra):
        return Station(
            name=name,
            kind=kind,
            region=community,
            longitude=point[0],
            latitude=point[1],
            address=f"{community.parent.name}{community.name.removesuffix('社区')}路{rng.randint(1, 300)}号",
            checkin_radius_m=rng.choice([50, 100, 150, 200, 300]),
            opening_hours=rng.choice(
                ["周一至周五 9:00-17:00", "每天 8:30-17:30", "周六、周日 9:00-16:00"]
            ),
            services=rng.choice(
                [
                    "义务指路、应急救助、便民服务",
                    "政策咨询、代办服务",
                    "游客引导、文明劝导、失物招领",
                ]
            ),
            managing_team=squad_of.get(community.pk),
            **extra,
        )

    for community in ctx.communities:
        stations.append(
            station(
                f"{community.name}学雷锋志愿服务站",
                "community",
                community,
                ctx.community_points[community.pk],
            )
        )
    counts = [4] * 18 + [3] * 4  # 22 places, 84 stations
    for (place_type, place), count in zip(PUBLIC_PLACES, counts, strict=True):
        sub = rng.choice(ctx.subdistricts)
        for n in range(count):
            community = rng.choice(communities_of[sub.pk])
            stations.append(
                station(
                    f"{place}学雷锋志愿服务站（{n + 1}号）",
                    "public_place",
                    community,
                    _point(rng, outlines[sub.pk]),
                    place_type=place_type,
                    place_name=place,
                )
            )
    for n in range(152):
        sub = rng.choice(ctx.subdistricts)
        community = rng.choice(communities_of[sub.pk])
        stations.append(
            station(
                f"{community.name}学雷锋志愿服务点{n % 3 + 1}",
                "point",
                community,
                _point(rng, outlines[sub.pk]),
            )
        )
    for name in BASES:
        sub = rng.choice(ctx.subdistricts)
        community = rng.choice(communities_of[sub.pk])
        stations.append(
            station(
                name,
                "base",
                community,
                _point(rng, outlines[sub.pk]),
                base_level=rng.choice(["city"] * 9 + ["district"] * 2),
                base_year=rng.randint(2010, ctx.today.year - 1),
            )
        )
    for s in stations:
        s.checkin_token = Station._meta.get_field("checkin_token").default()
    Station.objects.bulk_create(stations, batch_size=ctx.batch_size)
    ctx.say(f"stations: {len(stations)}")
    _add_audits(ctx, list(Station.objects.all()))


def _add_audits(ctx, stations) -> None:
    rng = ctx.rng
    audits, planned = [], []
    for station in stations:
        count = rng.randint(1, 3)
        dates = sorted(ctx.today - dt.timedelta(days=rng.randint(1, 700)) for _ in range(count))
        for index, day in enumerate(dates):
            latest = index == count - 1
            short = rng.random() < (0.17 if latest else 0.35)
            failed = rng.sample(sorted(SHORTFALL_NOTES), rng.randint(1, 2)) if short else []
            audits.append(
                Audit(
                    station=station,
                    auditor=ctx.office_admin,
                    audited_on=day,
                    compliant=not failed,
                    note="" if not failed else "限期整改",
                )
            )
            planned.append(failed)
    Audit.objects.bulk_create(audits, batch_size=ctx.batch_size)
    items = [
        AuditItem(
            audit=audit,
            criterion=c,
            met=c not in failed,
            note=SHORTFALL_NOTES.get(c, "") if c in failed else "",
        )
        for audit, failed in zip(audits, planned, strict=True)
        for c in Criterion.values
    ]
    AuditItem.objects.bulk_create(items, batch_size=ctx.batch_size)
    ctx.say(f"audits: {len(audits)}")
