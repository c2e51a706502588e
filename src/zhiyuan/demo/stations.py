"""Demo stations and audits: the seed's 抓阵地.

62 community stations (one per community, run by its squad), 84 stations in 22 public
places (parks, squares, 五大道 and other sights, 滨江道 and 劝业场, stadiums, compounds),
about 150 service points and the 11 city-level bases, each inside its subdistrict's outline.
Each is audited one to three times over two years against the eight standards; the latest
audit of about one station in six falls short on one or two of them, with the reason.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING

from zhiyuan.demo.district import split_exactly
from zhiyuan.demo.outlines import Point, point_in, point_near
from zhiyuan.demo.rows import update_rows
from zhiyuan.demo.teams import local_moment
from zhiyuan.places import geo
from zhiyuan.places.models import Region
from zhiyuan.stations.models import Audit, AuditItem, Criterion, Station
from zhiyuan.teams.models import Team

if TYPE_CHECKING:
    from zhiyuan.demo.context import DemoContext

PlaceType = Station.PlaceType
# (type, place, subdistrict, stations there, who runs them). Runners: "detachment:<sponsor>",
# "unit:<unit>", "specialty:<code>", or "community" for the squad of the nearest community.
PUBLIC_PLACES = [
    (PlaceType.SCENIC, "静园", "新兴街道", 3, "detachment:区文旅局"),
    (PlaceType.RESIDENTIAL, "新兴里小区", "新兴街道", 3, "community"),
    (PlaceType.TRANSPORT, "鞍山道地铁站", "新兴街道", 2, "specialty:safety"),
    (PlaceType.PARK, "西宁道游园", "新兴街道", 3, "community"),
    (PlaceType.RESIDENTIAL, "南营门小区", "南营门街道", 3, "community"),
    (PlaceType.STADIUM, "人民体育馆", "南营门街道", 4, "detachment:区体育局"),
    (PlaceType.SQUARE, "和平文化广场", "南营门街道", 3, "specialty:culture"),
    (PlaceType.PARK, "中心公园", "劝业场街道", 4, "specialty:environment"),
    (PlaceType.SCENIC, "瓷房子", "劝业场街道", 3, "detachment:区文旅局"),
    (PlaceType.BUSINESS, "滨江道", "劝业场街道", 8, "detachment:区商务局"),
    (PlaceType.BUSINESS, "劝业场", "劝业场街道", 6, "detachment:区商务局"),
    (PlaceType.TRANSPORT, "营口道地铁站", "劝业场街道", 3, "specialty:safety"),
    (PlaceType.PARK, "解放北园", "小白楼街道", 3, "specialty:environment"),
    (PlaceType.SQUARE, "津湾广场", "小白楼街道", 4, "community"),
    (PlaceType.BUSINESS, "南京路商圈", "小白楼街道", 5, "detachment:区商务局"),
    (PlaceType.OTHER, "天津音乐厅", "小白楼街道", 2, "specialty:culture"),
    (PlaceType.SCENIC, "五大道", "五大道街道", 8, "unit:“五大道”游客服务中心"),
    (PlaceType.PARK, "睦南公园", "五大道街道", 3, "specialty:environment"),
    (PlaceType.STADIUM, "民园体育场", "五大道街道", 4, "detachment:区体育局"),
    (PlaceType.SCENIC, "庆王府", "五大道街道", 2, "detachment:区文旅局"),
    (PlaceType.BUSINESS, "南市食品街", "南市街道", 5, "detachment:区市场监管局"),
    (PlaceType.RESIDENTIAL, "荣业大街小区", "南市街道", 3, "community"),
]
# Place type → (opening hours, services, check-in radii in metres).
PLACE_HOURS = {
    PlaceType.PARK: ("每天 6:30-18:30", "文明游园引导、应急救助、失物招领", (150, 200, 300)),
    PlaceType.SQUARE: ("每天 8:00-20:00", "文明引导、义务指路、应急救助", (150, 200, 300)),
    PlaceType.SCENIC: (
        "每天 9:00-17:00",
        "游客咨询、义务讲解、文明引导、失物招领",
        (150, 200, 300),
    ),
    PlaceType.BUSINESS: (
        "每天 10:00-21:00",
        "义务指路、文明购物引导、应急救助、便民服务",
        (100, 150, 200),
    ),
    PlaceType.STADIUM: ("赛事和大型活动期间", "观众疏导、文明观赛引导、应急救助", (200, 300)),
    PlaceType.RESIDENTIAL: (
        "周六、周日 9:00-16:00",
        "邻里守望、垃圾分类指导、环境清整",
        (100, 150),
    ),
    PlaceType.TRANSPORT: (
        "工作日 7:00-9:00、17:00-19:00",
        "乘车引导、义务指路、文明乘车劝导",
        (50, 100),
    ),
    PlaceType.OTHER: ("演出日 18:30-20:00", "观众引导、文明观演宣传", (100, 150)),
}
# The seed: "“五大道”游客服务中心等11个单位(项目)被评为市级志愿服务基地".
# (name, subdistrict, runner, designated in, services)
BASES = [
    (
        "“五大道”游客服务中心",
        "五大道街道",
        "unit:“五大道”游客服务中心",
        2012,
        "游客咨询、义务讲解、外语导览",
    ),
    ("区文化宫“心目影院”", "新兴街道", "unit:区文化宫", 2014, "为盲人讲电影、无障碍观影引导"),
    ("区图书馆志愿服务基地", "南营门街道", "unit:区图书馆", 2016, "阅读推广、视障读者服务"),
    (
        "劝业场志愿服务驿站",
        "劝业场街道",
        "detachment:区商务局",
        2018,
        "义务指路、便民服务、应急救助",
    ),
    (
        "中心公园学雷锋驿站",
        "劝业场街道",
        "specialty:environment",
        2019,
        "爱园护绿、文明游园引导",
    ),
    (
        "民园广场志愿服务中心",
        "五大道街道",
        "detachment:区体育局",
        2017,
        "全民健身指导、观众疏导",
    ),
    ("区红十字会献血屋", "小白楼街道", "specialty:blood", 2025, "无偿献血宣传、献血者服务"),
    ("区科技馆科普基地", "南营门街道", "specialty:science", 2011, "科普讲解、青少年科技辅导"),
    ("海河亲水平台志愿服务站", "小白楼街道", "specialty:safety", 2020, "防溺水宣传、应急救助"),
    ("区青少年活动中心", "新兴街道", "detachment:团区委", 2013, "课业辅导、青少年心理疏导"),
    (
        "南市食品街志愿服务中心",
        "南市街道",
        "detachment:区市场监管局",
        2022,
        "食品安全宣传、游客咨询",
    ),
]
# Where a service point sits: (host, opening hours, services).
POINT_HOSTS = [
    ("菜市场", "每天 7:00-10:00", "公平秤复核、助老拎菜、便民咨询"),
    ("超市", "每天 9:00-11:00", "便民咨询、文明购物引导"),
    ("药店", "每天 9:00-17:00", "用药咨询、血压测量"),
    ("银行网点", "周一至周五 9:00-16:00", "反诈宣传、助老办理业务"),
    ("邮政所", "周一至周五 9:00-16:00", "代写书信、助老寄递"),
    ("公交站", "工作日 7:00-9:00、17:00-19:00", "乘车引导、文明候车劝导"),
    ("社区卫生服务站", "周一至周五 8:00-11:30", "导医、健康咨询"),
    ("老年日间照料中心", "周一至周五 9:00-16:00", "陪伴聊天、助餐助浴"),
    ("社区图书室", "周二至周日 9:00-17:00", "图书借阅、课业辅导"),
    ("快递驿站", "每天 17:00-20:00", "代收代取、助老送件上门"),
    ("小学门口", "上学日 7:20-8:00、16:30-17:30", "护学岗、文明交通劝导"),
    ("地铁出入口", "工作日 7:00-9:00", "义务指路、文明乘车引导"),
]
POINTS = 152
CLOSED_POINTS = 3  # paused for refurbishment: the list's "include closed" has something
COMMUNITY_HOURS = "周一至周五 8:30-17:30，周六 9:00-12:00"
COMMUNITY_SERVICES = "政策咨询、代办服务、助老助残、邻里互助、矛盾调解"
STREET_ENDINGS = ("道", "路", "街")
# A community named after its street (西宁道) or lane (朝阳里) has its station there.
ADDRESS_ENDINGS = (*STREET_ENDINGS, "里")

# Criterion → (how often it is the one missed, relative; what the auditor wrote).
SHORTFALLS = {
    Criterion.PREMISES: (1, ["服务场地被临时占用", "场所面积不足，难以开展活动"]),
    Criterion.SIGNAGE: (3, ["标识牌破损", "标识牌缺失，需补设"]),
    Criterion.TEAM: (1, ["无固定值守志愿者"]),
    Criterion.RULES: (3, ["制度未上墙", "值守制度未更新"]),
    Criterion.PROJECTS: (2, ["本季度无常态化服务项目"]),
    Criterion.RECORDS: (4, ["台账不全", "服务记录未及时登记"]),
    Criterion.MANAGEMENT: (2, ["值守排班未落实"]),
    Criterion.SERVICE: (2, ["开放时间内无人值守"]),
}
SHORT_SHARE = 0.17  # of stations whose latest audit falls short
EARLIER_SHORT_SHARE = 0.3
AUDIT_SPAN_DAYS = 730


class Runners:
    """The team that runs a station, by the keys PUBLIC_PLACES and BASES use."""

    def __init__(self, teams: list[Team]):
        self.by_key: dict[str, Team] = {}
        self.community: dict[int, Team] = {}
        for team in teams:
            if team.level == Team.Level.DETACHMENT:
                self.by_key[f"detachment:{team.sponsor_unit}"] = team
            elif team.level == Team.Level.SQUAD and team.kind == Team.Kind.UNIT:
                self.by_key[f"unit:{team.sponsor_unit}"] = team
            elif team.level == Team.Level.SQUAD and team.kind == Team.Kind.PROFESSIONAL:
                self.by_key[f"specialty:{team.specialty.code}"] = team
            elif team.level == Team.Level.SQUAD and team.kind == Team.Kind.COMMUNITY:
                self.community[team.region_id] = team

    def get(self, key: str, community: Region) -> Team | None:
        if key == "community":
            return self.community.get(community.pk)
        return self.by_key.get(key) or self.community.get(community.pk)


class StationPlanner:
    """Places stations: inside the right subdistrict, in the nearest community, addressed."""

    def __init__(self, ctx: DemoContext):
        self.ctx, self.rng = ctx, ctx.rng
        self.subdistrict = {s.name: s for s in ctx.subdistricts}
        self.subdistrict_of = {s.pk: s for s in ctx.subdistricts}
        self.communities_of: dict[int, list[Region]] = {}
        for community in ctx.communities:
            self.communities_of.setdefault(community.parent_id, []).append(community)
        self.streets_of = {
            sub.pk: [
                street
                for c in self.communities_of.get(sub.pk, [])
                if (street := c.name.removesuffix("社区")).endswith(STREET_ENDINGS)
            ]
            for sub in ctx.subdistricts
        }
        self.runners = Runners(ctx.teams)
        self.stations: list[Station] = []

    def nearest_community(self, sub: Region, point: Point) -> Region:
        points = self.ctx.community_points
        return min(self.communities_of[sub.pk], key=lambda c: geo.distance_m(*point, *points[c.pk]))

    def address(self, sub: Region, street: str | None = None) -> str:
        street = street or self.rng.choice(self.streets_of[sub.pk])
        return f"{self.ctx.district.name}{street}{self.rng.randint(1, 320)}号"

    def add(self, sub: Region, point: Point, runner: str, **fields) -> Station:
        community = fields.pop("community", None) or self.nearest_community(sub, point)
        station = Station(
            region=community,
            longitude=point[0],
            latitude=point[1],
            managing_team=self.runners.get(runner, community),
            status=Station.Status.OPEN,
            **fields,
        )
        self.stations.append(station)
        return station

    def community_stations(self) -> None:
        for community in self.ctx.communities:
            sub = self.subdistrict_of[community.parent_id]
            base = community.name.removesuffix("社区")
            self.add(
                sub,
                self.ctx.community_points[community.pk],
                "community",
                community=community,
                name=f"{community.name}学雷锋志愿服务站",
                kind=Station.Kind.COMMUNITY,
                address=self.address(sub, base if base.endswith(ADDRESS_ENDINGS) else None),
                checkin_radius_m=self.rng.choice([100, 150, 200]),
                opening_hours=COMMUNITY_HOURS,
                services=COMMUNITY_SERVICES,
            )

    def public_place_stations(self) -> None:
        rng = self.rng
        for place_type, place, sub_name, count, runner in PUBLIC_PLACES:
            sub = self.subdistrict[sub_name]
            centre = point_in(rng, sub.outline)
            hours, services, radii = PLACE_HOURS[place_type]
            street = place if place in self.streets_of[sub.pk] else None  # 滨江道
            for n in range(1, count + 1):
                self.add(
                    sub,
                    point_near(rng, sub.outline, centre, 100 + 60 * count),
                    runner,
                    name=f"{place}学雷锋志愿服务站" + (f"（{n}号站）" if count > 1 else ""),
                    kind=Station.Kind.PUBLIC_PLACE,
                    place_type=place_type,
                    place_name=place,
                    address=self.address(sub, street),
                    checkin_radius_m=rng.choice(radii),
                    opening_hours=hours,
                    services=services,
                )

    def service_points(self) -> None:
        rng, ctx = self.rng, self.ctx
        counts = split_exactly(POINTS, [c.population or 1 for c in ctx.communities])
        points = []
        for community, count in zip(ctx.communities, counts, strict=True):
            sub = self.subdistrict_of[community.parent_id]
            base = community.name.removesuffix("社区")
            street = base if base.endswith(ADDRESS_ENDINGS) else None
            for host, hours, services in rng.sample(POINT_HOSTS, min(count, len(POINT_HOSTS))):
                points.append(
                    self.add(
                        sub,
                        point_near(rng, sub.outline, ctx.community_points[community.pk], 400),
                        "community",
                        community=community,
                        name=f"{base}{host}学雷锋志愿服务点",
                        kind=Station.Kind.POINT,
                        address=self.address(sub, street),
                        checkin_radius_m=rng.choice([50, 80, 100]),
                        opening_hours=hours,
                        services=services,
                    )
                )
        for point in rng.sample(points, min(CLOSED_POINTS, len(points))):
            point.status = Station.Status.CLOSED

    def bases(self) -> None:
        rng = self.rng
        for name, sub_name, runner, year, services in BASES:
            sub = self.subdistrict[sub_name]
            self.add(
                sub,
                point_in(rng, sub.outline),
                runner,
                name=name,
                kind=Station.Kind.BASE,
                base_level=Station.BaseLevel.CITY,
                base_year=year,
                address=self.address(sub),
                checkin_radius_m=rng.choice([100, 150, 200]),
                opening_hours="周二至周日 9:00-17:00",
                services=services,
            )


def _shortfall(rng: random.Random) -> dict[str, str]:
    """One or two criteria missed, the common ones more often, each with the reason."""
    criteria = list(SHORTFALLS)
    weights = [SHORTFALLS[c][0] for c in criteria]
    missed: dict[str, str] = {}
    wanted = 1 if rng.random() < 0.7 else 2
    while len(missed) < wanted:
        criterion = rng.choices(criteria, weights)[0]
        missed.setdefault(criterion, rng.choice(SHORTFALLS[criterion][1]))
    return missed


def plan_audits(ctx: DemoContext, stations: list[Station]) -> list[tuple[Audit, dict[str, str]]]:
    """Audits oldest first per station, with what each found missing; the latest of
    SHORT_SHARE of the stations falls short, earlier ones more often."""
    rng, today = ctx.rng, ctx.today
    short_now = set(rng.sample(range(len(stations)), round(SHORT_SHARE * len(stations))))
    planned = []
    for index, station in enumerate(stations):
        days = [today - dt.timedelta(days=rng.randint(5, 180))]
        for _n in range(rng.choice([0, 1, 1, 2])):
            earlier = days[-1] - dt.timedelta(days=rng.randint(150, 250))
            if (today - earlier).days > AUDIT_SPAN_DAYS:
                break
            days.append(earlier)
        days.reverse()
        was_short = False
        for day in days:
            latest = day == days[-1]
            short = index in short_now if latest else rng.random() < EARLIER_SHORT_SHARE
            missed = _shortfall(rng) if short else {}
            if missed:
                note = "；".join(missed.values()) + "。限期一个月整改。"
            elif was_short:
                note = "上次检查发现的问题已整改到位。"
            else:
                note = rng.choice(["", "八项标准均达标。"])
            audit = Audit(
                station=station,
                auditor=ctx.office_admin,
                audited_on=day,
                compliant=not missed,
                note=note,
            )
            planned.append((audit, missed))
            was_short = bool(missed)
    return planned


def add_stations(ctx: DemoContext) -> None:
    """The stations of every kind, then their audits by the district office admin."""
    planner = StationPlanner(ctx)
    planner.community_stations()
    planner.public_place_stations()
    planner.service_points()
    planner.bases()
    stations = Station.objects.bulk_create(planner.stations, batch_size=ctx.batch_size)
    kinds = {kind: sum(s.kind == kind for s in stations) for kind in Station.Kind.values}
    ctx.say(
        f"stations: {len(stations)} ({kinds['community']} community, {kinds['public_place']} "
        f"in {len(PUBLIC_PLACES)} public places, {kinds['point']} points, {kinds['base']} bases)"
    )
    if ctx.office_admin is None:
        ctx.say("no office admin to audit them: audits skipped")
        return
    planned = plan_audits(ctx, stations)
    audits = Audit.objects.bulk_create([a for a, _m in planned], batch_size=ctx.batch_size)
    AuditItem.objects.bulk_create(
        [
            AuditItem(audit=audit, criterion=c, met=c not in missed, note=missed.get(c, ""))
            for audit, missed in planned
            for c in Criterion.values
        ],
        batch_size=ctx.batch_size,
    )
    # bulk_create stamped everything "now" (auto_now_add): date the rows as they happened.
    first_audit: dict[int, dt.date] = {}
    for audit in audits:
        audit.created_at = local_moment(audit.audited_on, hour=16)
        first_audit.setdefault(audit.station_id, audit.audited_on)
    for station in stations:
        set_up = first_audit[station.pk] - dt.timedelta(days=ctx.rng.randint(30, 400))
        if station.base_year:
            set_up = min(set_up, dt.date(station.base_year - 1, 9, 1))
        station.created_at = local_moment(set_up)
    update_rows(Audit, ["created_at"], audits)
    update_rows(Station, ["created_at"], stations)
    latest = {audit.station_id: audit for audit in audits}
    short = sum(not audit.compliant for audit in latest.values())
    ctx.say(f"audits: {len(audits)}; the latest falls short at {short} stations")
