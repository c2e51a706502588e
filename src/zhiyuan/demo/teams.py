"""Demo teams: the seed's 抓队伍, a corps of about 600 teams in four levels.

- 学雷锋志愿服务总队 (the corps, run by 区文明办);
- 27 支队: 21 district departments and the 6 subdistrict offices;
- 65 分队 from communities (one per community, under its subdistrict's detachment) and
  units (文化宫 心目影院, 图书馆, 五大道游客服务中心), plus one professional team per
  specialty (科普, 环保 … 献血志愿者爱心团队) under the department that sponsors it;
- 小组 under the squads up to 600 teams in all: community groups by theme, more in the more
  populous communities, and the units' and professional teams' own groups.

Each level is inserted at once; its paths follow from the pks, as the parents' are known.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone

from zhiyuan.demo.district import split_exactly
from zhiyuan.demo.people import PersonFactory
from zhiyuan.demo.rows import update_rows
from zhiyuan.teams.models import Specialty, Team

if TYPE_CHECKING:
    from zhiyuan.demo.context import DemoContext

TEAM_TOTAL = 600
CORPS_NAME = "学雷锋志愿服务总队"
CORPS_SPONSOR = "区文明办"
CORPS_DESCRIPTION = (
    "区委副书记任总队长，区委常委、宣传部长任常务副总队长，区文明办主任任总队办公室负责人。"
    "总队在区文明委领导下全面规划志愿服务活动，协调指导各支队工作。"
)
# The 21 departments with a detachment; the 6 subdistrict offices make 27.
DEPARTMENTS = [
    "区委宣传部",
    "区机关工委",
    "区教育局",
    "区卫健委",
    "区民政局",
    "区司法局",
    "区人社局",
    "区红十字会",
    "区城管委",
    "区商务局",
    "区文旅局",
    "区体育局",
    "区市场监管局",
    "区生态环境局",
    "区公安分局",
    "区消防救援支队",
    "区科协",
    "区总工会",
    "团区委",
    "区妇联",
    "区残联",
]
# Specialty code → (team, sponsoring department, description, its groups).
PROFESSIONAL = {
    "science": (
        "科普志愿服务队",
        "区科协",
        "科普进社区、进校园，普及科学知识。",
        ["科普进社区小组", "青少年科技辅导小组"],
    ),
    "environment": (
        "环保志愿服务队",
        "区生态环境局",
        "开展爱园护绿、关爱母亲河、环境清整等主题活动。",
        ["爱园护绿小组", "关爱母亲河小组"],
    ),
    "quality": (
        "质量监督志愿服务队",
        "区市场监管局",
        "义务监督食品安全和商品质量，宣传消费维权知识。",
        ["食品安全监督小组", "消费维权宣传小组"],
    ),
    "safety": (
        "平安志愿服务队",
        "区公安分局",
        "参与治安巡逻、文明交通劝导和反诈宣传。",
        ["治安巡逻小组", "文明交通劝导小组", "反诈宣传小组"],
    ),
    "fire": (
        "消防志愿服务队",
        "区消防救援支队",
        "开展消防安全宣传和火灾隐患排查。",
        ["消防宣传小组", "隐患排查小组"],
    ),
    "health": (
        "卫生志愿服务队",
        "区卫健委",
        "组织医务人员义诊、健康讲座和急救培训。",
        ["义诊小组", "急救培训小组"],
    ),
    "culture": (
        "文化志愿服务队",
        "区文旅局",
        "开展文艺演出、非遗传承和公益讲解。",
        ["文艺演出小组", "非遗传承小组"],
    ),
    "blood": (
        "献血志愿者爱心团队",
        "区红十字会",
        "发挥全国道德模范提名奖获得者的影响力成立，开展无偿献血宣传和应急献血招募。",
        ["献血宣传小组", "应急献血小组"],
    ),
}
# (squad, its unit, the department above it, description, its groups)
UNIT_SQUADS = [
    (
        "区文化宫心目影院志愿服务分队",
        "区文化宫",
        "区总工会",
        "“心目影院”的志愿者每周为视障朋友讲解电影。",
        ["为盲人讲电影小组", "无障碍观影引导小组"],
    ),
    (
        "区图书馆志愿服务分队",
        "区图书馆",
        "区文旅局",
        "开展阅读推广和视障读者服务。",
        ["阅读推广小组", "视障读者服务小组"],
    ),
    (
        "“五大道”游客服务中心志愿服务分队",
        "“五大道”游客服务中心",
        "区文旅局",
        "为游客提供咨询、义务讲解和应急救助。",
        ["义务讲解小组", "外语导览小组"],
    ),
]
COMMUNITY_GROUP_THEMES = [
    "助老",
    "助残",
    "关爱空巢老人",
    "关爱农民工",
    "环境清整",
    "爱园护绿",
    "垃圾分类",
    "文明交通",
    "邻里守望",
    "治安巡逻",
    "法律咨询",
    "义诊",
    "家电维修",
    "理发",
    "课业辅导",
    "心理疏导",
    "文艺",
    "健身指导",
    "政策宣传",
    "便民服务",
]


@dataclass
class Corps:
    """The teams made, by what later steps look them up by."""

    corps: Team
    detachments: list[Team]
    community_squads: dict[int, Team]  # community id → its squad
    other_squads: list[Team]  # unit and professional squads
    groups: list[Team]

    @property
    def teams(self) -> list[Team]:
        squads = [*self.community_squads.values(), *self.other_squads]
        return [self.corps, *self.detachments, *squads, *self.groups]


def local_moment(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


def _save_level(teams: list[Team]) -> list[Team]:
    """Insert one level; its paths follow from the pks (parents are saved already)."""
    Team.objects.bulk_create(teams)
    for team in teams:
        team.path = f"{team.parent.path if team.parent else '/'}{team.pk}/"
    return teams


def build_corps(ctx: DemoContext) -> Corps:
    """Insert the teams level by level, each founded after its parent."""
    rng, today, district = ctx.rng, ctx.today, ctx.district
    people = PersonFactory(rng, today)
    latest = today - dt.timedelta(days=30)

    def after(day: dt.date, low: int, high: int) -> dt.date:
        return min(day + dt.timedelta(days=rng.randint(low, high)), latest)

    def landline() -> str:
        return f"022-2{rng.randrange(10**7):07d}"

    def team(**fields) -> Team:
        if "contact_phone" not in fields:
            fields["contact_phone"] = landline()
        return Team(path="", status=Team.Status.ACTIVE, **fields)

    # 5 March is 学雷锋纪念日.
    corps_day = dt.date(today.year - 9, 3, 5)
    corps = _save_level(
        [
            team(
                name=CORPS_NAME,
                level=Team.Level.CORPS,
                kind=Team.Kind.DEPARTMENT,
                region=district,
                sponsor_unit=CORPS_SPONSOR,
                founded_on=corps_day,
                join_mode=Team.JoinMode.INVITATION,
                contact_name=people.person().real_name,
                description=CORPS_DESCRIPTION,
            )
        ]
    )[0]

    detachments = _save_level(
        [
            team(
                name=f"{department.removesuffix('支队')}学雷锋志愿服务支队",
                level=Team.Level.DETACHMENT,
                kind=Team.Kind.DEPARTMENT,
                parent=corps,
                region=district,
                sponsor_unit=department,
                founded_on=after(corps_day, 10, 500),
                join_mode=_pick(rng, {"approval": 60, "invitation": 30, "open": 10}),
                contact_name=people.person().real_name,
                description=f"由{department}组建，组织本系统干部职工开展学雷锋志愿服务。",
            )
            for department in DEPARTMENTS
        ]
        + [
            team(
                name=f"{sub.name}学雷锋志愿服务支队",
                level=Team.Level.DETACHMENT,
                kind=Team.Kind.DEPARTMENT,
                parent=corps,
                region=sub,
                sponsor_unit=f"{sub.name}办事处",
                founded_on=after(corps_day, 10, 300),
                join_mode=_pick(rng, {"approval": 80, "open": 20}),
                contact_name=people.person().real_name,
                description=f"由{sub.name}办事处组建，指导辖区各社区志愿服务分队开展常态化服务。",
            )
            for sub in ctx.subdistricts
        ]
    )
    by_sponsor = {t.sponsor_unit: t for t in detachments}
    by_subdistrict = {t.region_id: t for t in detachments if t.region_id != district.pk}

    office_phone = {c.pk: landline() for c in ctx.communities}
    community_squads = [
        team(
            name=f"{c.name}学雷锋志愿服务分队",
            level=Team.Level.SQUAD,
            kind=Team.Kind.COMMUNITY,
            parent=by_subdistrict[c.parent_id],
            region=c,
            sponsor_unit=f"{c.name}居委会",
            founded_on=after(by_subdistrict[c.parent_id].founded_on, 20, 900),
            join_mode=_pick(rng, {"approval": 70, "open": 25, "invitation": 5}),
            contact_phone=office_phone[c.pk],
            description=f"整合{c.name}居民志愿者，依托社区学雷锋志愿服务站开展便民利民服务。",
        )
        for c in ctx.communities
    ]
    unit_squads = [
        team(
            name=name,
            level=Team.Level.SQUAD,
            kind=Team.Kind.UNIT,
            parent=by_sponsor[department],
            region=district,
            sponsor_unit=unit,
            founded_on=after(by_sponsor[department].founded_on, 60, 1500),
            join_mode=Team.JoinMode.APPROVAL,
            description=description,
        )
        for name, unit, department, description, _groups in UNIT_SQUADS
    ]
    # The seed: 献血志愿者爱心团队 was founded "this June".
    june = dt.date(today.year if today.month > 6 else today.year - 1, 6, rng.randint(1, 28))
    professional_squads = []
    for specialty in Specialty.objects.order_by("sort_order", "id"):
        name, department, description, _groups = PROFESSIONAL.get(
            specialty.code, (f"{specialty.name}志愿服务队", "区委宣传部", "", [])
        )
        professional_squads.append(
            team(
                name=name,
                level=Team.Level.SQUAD,
                kind=Team.Kind.PROFESSIONAL,
                specialty=specialty,
                parent=by_sponsor[department],
                region=district,
                sponsor_unit=department,
                founded_on=june
                if specialty.code == "blood"
                else after(by_sponsor[department].founded_on, 60, 2000),
                join_mode=_pick(rng, {"approval": 80, "open": 20}),
                description=description,
            )
        )
    squads = _save_level(community_squads + unit_squads + professional_squads)

    def group(squad: Team, name: str) -> Team:
        return team(
            name=name,
            level=Team.Level.GROUP,
            kind=squad.kind,
            specialty=squad.specialty,
            parent=squad,
            region=squad.region,
            sponsor_unit=squad.sponsor_unit,
            founded_on=after(squad.founded_on, 30, 1500),
            join_mode=_pick(rng, {"approval": 60, "open": 35, "invitation": 5}),
            contact_phone=office_phone.get(squad.region_id) or landline(),
        )

    named_groups = [
        group(squad, name)
        for squad, (*_rest, names) in zip(unit_squads, UNIT_SQUADS, strict=True)
        for name in names
    ] + [
        group(squad, name)
        for squad in professional_squads
        for name in PROFESSIONAL.get(squad.specialty.code, ("", "", "", []))[3]
    ]
    # The rest of the 600 are community groups, more in the more populous communities.
    room = max(0, TEAM_TOTAL - 1 - len(detachments) - len(squads) - len(named_groups))
    counts = split_exactly(room, [c.population or 1 for c in ctx.communities])
    community_groups = [
        group(squad, f"{squad.region.name}{theme}小组")
        for squad, count in zip(community_squads, counts, strict=True)
        for theme in rng.sample(COMMUNITY_GROUP_THEMES, min(count, len(COMMUNITY_GROUP_THEMES)))
    ]
    groups = _save_level(named_groups + community_groups)
    return Corps(
        corps=corps,
        detachments=detachments,
        community_squads={t.region_id: t for t in community_squads},
        other_squads=unit_squads + professional_squads,
        groups=groups,
    )


def add_teams(ctx: DemoContext) -> None:
    """The corps and its teams, dated from their founding; kept on the context for the
    memberships and the stations."""
    corps = build_corps(ctx)
    for team in corps.teams:
        team.created_at = local_moment(team.founded_on, hour=10)
    update_rows(Team, ["path", "created_at"], corps.teams)
    ctx.corps = corps
    ctx.teams = corps.teams
    levels = {level: sum(t.level == level for t in corps.teams) for level in Team.Level.values}
    ctx.say(
        f"teams: {len(corps.teams)} ({levels['corps']} corps, {levels['detachment']} "
        f"detachments, {levels['squad']} squads, {levels['group']} groups)"
    )
