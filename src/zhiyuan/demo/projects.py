"""Demo projects (项目公布): the seed's named projects and others, a year of activities with
every month's 文明礼让日 at 40 stations, and sign-ups for past and coming shifts.

Reads teams and stations from the database (made by the earlier steps), so it only needs
the context's random source, clock and output.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone

from zhiyuan.projects.models import Activity, ActivitySeries, Category, Project, Shift, SignUp
from zhiyuan.stations.models import Station
from zhiyuan.teams.models import Membership, Team
from zhiyuan.volunteers.models import Skill, Volunteer

if TYPE_CHECKING:
    from zhiyuan.demo.context import DemoContext

# (name, category code, brand, description, target recipients, weekday or None)
NAMED_PROJECTS = [
    (
        "爱心助空巢",
        "elderly",
        True,
        "定期上门探访空巢老人，陪伴聊天、代购代办、家政帮扶。",
        "辖区空巢、独居老人",
        2,
    ),
    (
        "关爱农民工",
        "migrant_workers",
        True,
        "为来津务工人员提供法律咨询、子女课业辅导和义诊。",
        "外来务工人员及其子女",
        6,
    ),
    (
        "助残服务",
        "disability",
        False,
        "陪同残疾人出行、康复训练协助、无障碍设施巡查。",
        "辖区残疾人",
        4,
    ),
    (
        "爱园护绿",
        "green_parks",
        False,
        "公园绿地清捡垃圾、劝导不文明行为、养护花木。",
        "公园游客",
        6,
    ),
    (
        "关爱母亲河",
        "mother_river",
        False,
        "海河沿岸巡河、清理漂浮物、宣传水环境保护。",
        "海河沿岸",
        7,
    ),
    ("环境清整", "clean_up", False, "社区楼道、背街小巷环境清整。", "社区居民", 6),
    (
        "文明交通行动",
        "civil_traffic",
        True,
        "机关党员干部在交通路口上岗执勤，劝阻闯红灯等行为。",
        "过往行人、非机动车",
        1,
    ),
    (
        "为盲人讲电影·心目影院",
        "audio_description",
        True,
        "志愿者为视障人士现场讲述电影画面。",
        "视障人士",
        6,
    ),
    ("关爱老人行动", "elderly", True, "为高龄老人提供助餐、助浴、助医服务。", "高龄老人", 3),
    ("献血志愿服务", "blood_donation", False, "在献血点引导、宣传无偿献血知识。", "献血市民", 7),
]
CIVILITY_SHIFTS = [
    {"role": "义务指路", "capacity": 4, "skills": []},
    {"role": "应急救助", "capacity": 2, "skills": ["first_aid"]},
    {"role": "秩序维护", "capacity": 3, "skills": []},
]


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def add_projects(ctx: DemoContext) -> None:
    rng, today = ctx.rng, ctx.today
    categories = {c.code: c for c in Category.objects.all()}
    teams = list(Team.objects.filter(status="active").exclude(level="corps").order_by("path"))
    if not teams:
        ctx.say("no teams: projects skipped")
        return
    stations = list(Station.objects.filter(status="open").order_by("id"))
    corps = Team.objects.filter(level="corps").first() or teams[0]
    year_end = dt.date(today.year, 12, 31)
    # The service records reach a year back (demo/hours.py): the standing projects and the
    # civility day ran since the start of last year, so last year's report has the projects
    # and activities that explain its hours.
    since = dt.date(today.year - 1, 1, 1)
    year_ago = today - dt.timedelta(days=365)
    civility_months = [
        dt.date(y, m, 12)
        for y in (today.year - 1, today.year)
        for m in range(1, 13)
        if dt.date(y, m, 12) >= year_ago.replace(day=1)
    ]

    # The civility day: one brand project of the corps, a series at 40 stations.
    civility = Project.objects.create(
        name="文明礼让日",
        category=categories["civility_guidance"],
        organiser=corps,
        starts_on=since,
        ends_on=year_end,
        state="published",
        is_brand=True,
        published_at=ctx.now,
        target_recipients="市民游客",
        description="每月12日，各学雷锋志愿服务站与志愿者团队同步开展公共文明引导服务："
        "义务指路、应急救助、秩序维护。",
    )
    civility_stations = [s for s in stations if s.kind in ("public_place", "community")][:40]
    series = ActivitySeries.objects.create(
        project=civility,
        title="文明礼让日",
        frequency="monthly",
        day=12,
        start_time=dt.time(8),
        end_time=dt.time(11),
        first_date=since,
        last_date=year_end,
        shift_template=CIVILITY_SHIFTS,
        created_by=ctx.office_admin,
    )
    series.stations.set(civility_stations)
    activities = [
        Activity(
            project=civility,
            series=series,
            title="文明礼让日",
            station=station,
            address=station.address,
            starts_at=_at(day, 8),
            ends_at=_at(day, 11),
        )
        for day in civility_months
        for station in civility_stations
    ]

    # The seed's named projects and one community project per few squads, weekly activities.
    projects = []
    squads = [t for t in teams if t.level in ("squad", "detachment")] or teams
    for index, (name, code, brand, description, recipients, weekday) in enumerate(NAMED_PROJECTS):
        projects.append(
            (
                Project(
                    name=name,
                    category=categories[code],
                    organiser=squads[index * 7 % len(squads)],
                    starts_on=since,
                    ends_on=year_end,
                    state="published",
                    is_brand=brand,
                    published_at=ctx.now,
                    description=description,
                    target_recipients=recipients,
                ),
                weekday,
            )
        )
    community_squads = [t for t in teams if t.kind == "community" and t.level == "squad"][:30]
    for squad in community_squads:
        code = rng.choice(["elderly", "clean_up", "community", "disability", "culture"])
        projects.append(
            (
                Project(
                    name=f"{squad.name}·{categories[code].name}",
                    category=categories[code],
                    organiser=squad,
                    starts_on=year_ago,
                    ends_on=today + dt.timedelta(days=180),
                    state=rng.choice(["published"] * 8 + ["draft", "closed"]),
                    published_at=ctx.now,
                    description=f"{squad.name}常年开展的{categories[code].name}志愿服务。",
                    target_recipients="社区居民",
                ),
                rng.randint(1, 7),
            )
        )
    Project.objects.bulk_create([p for p, _w in projects])
    by_region = {}
    for station in stations:
        by_region.setdefault(station.region_id, []).append(station)
    for project, weekday in projects:
        place = (
            rng.choice(by_region.get(project.organiser.region_id) or stations) if stations else None
        )
        first = max(project.starts_on, year_ago)
        last = min(project.ends_on, today + dt.timedelta(days=60))
        day = first + dt.timedelta(days=(weekday - 1 - first.weekday()) % 7)
        while day <= last:
            hour = rng.choice([9, 14])
            activities.append(
                Activity(
                    project=project,
                    title=project.name,
                    station=place,
                    address=place.address if place else "社区活动室",
                    starts_at=_at(day, hour),
                    ends_at=_at(day, hour + 2),
                )
            )
            day += dt.timedelta(days=7 * rng.choice([1, 1, 2]))
    Activity.objects.bulk_create(activities, batch_size=ctx.batch_size)
    ctx.say(f"projects: {len(projects) + 1}, activities: {len(activities)}")
    _add_shifts_and_signups(ctx, civility)


def _add_shifts_and_signups(ctx: DemoContext, civility: Project) -> None:
    rng = ctx.rng
    first_aid = Skill.objects.get(code="first_aid")
    shifts = []
    for activity in Activity.objects.filter(
        project__state__in=["published", "closed", "draft"]
    ).iterator():
        if activity.project_id == civility.pk:
            for template in CIVILITY_SHIFTS:
                shifts.append(
                    Shift(
                        activity=activity,
                        role=template["role"],
                        starts_at=activity.starts_at,
                        ends_at=activity.ends_at,
                        capacity=template["capacity"],
                        min_age=18 if template["skills"] else 0,
                    )
                )
        else:
            shifts.append(
                Shift(
                    activity=activity,
                    role="志愿服务",
                    starts_at=activity.starts_at,
                    ends_at=activity.ends_at,
                    capacity=rng.choice([4, 6, 8, 10]),
                )
            )
    Shift.objects.bulk_create(shifts, batch_size=ctx.batch_size)
    rescue_ids = list(
        Shift.objects.filter(activity__project=civility, role="应急救助").values_list(
            "pk", flat=True
        )
    )
    through = Shift.required_skills.through
    through.objects.bulk_create(
        [through(shift_id=pk, skill_id=first_aid.pk) for pk in rescue_ids],
        batch_size=ctx.batch_size,
    )

    # Volunteers sign up from the organiser's team where it has members, else anyone active;
    # nobody holds two shifts on one day, so none overlap.
    members: dict[int, list[int]] = {}
    for team_id, volunteer_id in (
        Membership.objects.filter(state="active").values_list("team_id", "volunteer_id").iterator()
    ):
        members.setdefault(team_id, []).append(volunteer_id)
    active = list(Volunteer.objects.filter(status="active").values_list("pk", flat=True))
    with_first_aid = list(
        Volunteer.objects.filter(status="active", skills=first_aid).values_list("pk", flat=True)
    )
    rescue = set(rescue_ids)
    # One shift per volunteer per day: no overlaps, whatever the hours.
    busy: dict[dt.date, set[int]] = {}
    signups = []
    now = ctx.now
    for shift in (
        Shift.objects.select_related("activity__project")
        .filter(Q(activity__project__state="published") | Q(activity__project__state="closed"))
        .iterator()
    ):
        if shift.pk in rescue:
            pool = with_first_aid or active
        else:
            pool = members.get(shift.activity.project.organiser_id) or active
        taken = busy.setdefault(timezone.localtime(shift.starts_at).date(), set())
        wanted = shift.capacity if shift.starts_at < now else rng.randint(0, shift.capacity + 2)
        picked = []
        for volunteer_id in rng.sample(pool, min(len(pool), wanted + 5)):
            if volunteer_id not in taken and len(picked) < wanted:
                picked.append(volunteer_id)
                taken.add(volunteer_id)
        for position, volunteer_id in enumerate(picked):
            state = "confirmed" if position < shift.capacity else "waitlisted"
            if shift.starts_at < now and rng.random() < 0.04:
                state = "no_show"
            signups.append(
                SignUp(
                    shift=shift,
                    volunteer_id=volunteer_id,
                    state=state,
                    starts_at=shift.starts_at,
                    ends_at=shift.ends_at,
                )
            )
        if len(signups) >= ctx.batch_size:
            SignUp.objects.bulk_create(signups)
            signups = []
    SignUp.objects.bulk_create(signups)
    ctx.say(f"shifts: {Shift.objects.count()}, sign-ups: {SignUp.objects.count()}")
