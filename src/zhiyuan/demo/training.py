"""Demo training: general and specialised courses (通用培训, 急救, 心理疏导, 消防 …), sessions
over the past year and the next three months, enrolments with attendance and results for a
few thousand volunteers, and the certifications (with the skills) that passes grant.

Reads teams, stations and volunteers from the database (made by the earlier steps); rows
go in with bulk inserts, in the same shapes the training services write.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone

from zhiyuan.stations.models import Station
from zhiyuan.teams.models import Team
from zhiyuan.training.models import Certification, Course, Enrolment, Session
from zhiyuan.training.services import _add_months
from zhiyuan.volunteers.models import Skill, Volunteer

if TYPE_CHECKING:
    from zhiyuan.demo.context import DemoContext

# (title, kind, hours, skill code or "", validity months or None, organiser specialty or "",
#  sessions a year, description)
COURSES = [
    (
        "志愿服务通用培训",
        Course.Kind.GENERAL,
        "3",
        "",
        None,
        "",
        12,
        "志愿服务条例、志愿精神、服务礼仪与安全常识，新注册志愿者必修。",
    ),
    (
        "应急救护（急救）培训",
        Course.Kind.SPECIALISED,
        "8",
        "first_aid",
        24,
        "health",
        10,
        "心肺复苏、AED 使用、创伤止血包扎，考核合格取得应急救助技能，有效期两年。",
    ),
    (
        "心理疏导培训",
        Course.Kind.SPECIALISED,
        "12",
        "psychology",
        36,
        "health",
        4,
        "倾听与陪伴、情绪识别、危机转介，面向助老、助残和求助服务志愿者。",
    ),
    (
        "消防安全培训",
        Course.Kind.SPECIALISED,
        "4",
        "fire_safety",
        12,
        "fire",
        6,
        "初起火灾扑救、灭火器使用、疏散引导，考核合格取得消防安全技能，有效期一年。",
    ),
    (
        "文明交通引导培训",
        Course.Kind.GENERAL,
        "2",
        "",
        None,
        "",
        6,
        "路口劝导用语、手势、站位与自身安全。",
    ),
    (
        "助老陪护技能培训",
        Course.Kind.GENERAL,
        "6",
        "",
        None,
        "",
        4,
        "老年人常见病照护、防跌倒、与失能老人沟通。",
    ),
]

TRAINERS = ["区红十字会 王老师", "区卫健委 刘医生", "区消防救援支队 李教官", "区文明办 赵老师"]
PAST_DAYS = 365
AHEAD_DAYS = 90


def add_training(ctx: DemoContext) -> None:
    rng = ctx.rng
    now = ctx.now
    today = ctx.today
    zone = timezone.get_current_timezone()
    corps = Team.objects.filter(parent__isnull=True).order_by("pk").first()
    if corps is None:
        ctx.say("no corps: no training made")
        return
    by_specialty = {
        team.specialty.code: team
        for team in Team.objects.filter(kind=Team.Kind.PROFESSIONAL).select_related("specialty")
    }
    skills = {skill.code: skill for skill in Skill.objects.all()}
    stations = list(Station.objects.filter(status=Station.Status.OPEN).values_list("pk", flat=True))
    volunteer_ids = list(
        Volunteer.objects.filter(status=Volunteer.Status.ACTIVE).values_list("pk", flat=True)
    )
    if not volunteer_ids:
        ctx.say("no active volunteer: no training made")
        return

    courses = []
    plan = []
    for title, kind, hours, skill, months, specialty, per_year, description in COURSES:
        organiser = by_specialty.get(specialty, corps) if specialty else corps
        courses.append(
            Course(
                title=title,
                kind=kind,
                hours=Decimal(hours),
                region_id=organiser.region_id,
                organiser=organiser,
                skill=skills.get(skill) if skill else None,
                validity_months=months,
                description=description,
                created_by=ctx.office_admin,
            )
        )
        plan.append(per_year)
    Course.objects.bulk_create(courses)

    sessions = []
    first_day = today - dt.timedelta(days=PAST_DAYS)
    for course, per_year in zip(courses, plan, strict=True):
        step = PAST_DAYS // per_year
        day = first_day + dt.timedelta(days=rng.randint(0, step))
        while day <= today + dt.timedelta(days=AHEAD_DAYS):
            starts_at = dt.datetime.combine(day, dt.time(rng.choice([9, 14])), tzinfo=zone)
            station = rng.choice(stations) if stations else None
            sessions.append(
                Session(
                    course=course,
                    starts_at=starts_at,
                    ends_at=starts_at + dt.timedelta(hours=min(float(course.hours), 4)),
                    station_id=station,
                    address="" if station else "区志愿服务指导中心",
                    trainer=rng.choice(TRAINERS),
                    capacity=rng.choice([40, 50, 60, 80, 100]),
                )
            )
            day += dt.timedelta(days=step + rng.randint(-3, 3))
    Session.objects.bulk_create(sessions, batch_size=ctx.batch_size)

    enrolments = []
    for session in sessions:
        past = session.starts_at < now
        wanted = int(session.capacity * (rng.uniform(0.8, 1.0) if past else rng.uniform(0, 0.7)))
        for volunteer_id in rng.sample(volunteer_ids, min(wanted, len(volunteer_ids))):
            enrolment = Enrolment(
                session=session,
                volunteer_id=volunteer_id,
                enrolled_at=session.starts_at - dt.timedelta(days=rng.randint(1, 20)),
            )
            if past:
                attended = rng.random() < 0.92
                enrolment.attended = attended
                enrolment.hours = session.course.hours if attended else Decimal(0)
                enrolment.result = (
                    Enrolment.Result.PASSED
                    if attended and rng.random() < 0.9
                    else Enrolment.Result.FAILED
                )
                enrolment.completed_at = session.ends_at
                enrolment.marked_by = ctx.office_admin
            enrolments.append(enrolment)
    Enrolment.objects.bulk_create(enrolments, batch_size=ctx.batch_size)
    # enrolled_at is auto_now_add: bulk_create set it to now; put the planned dates back.
    _backdate(enrolments)

    certifications = []
    for enrolment in enrolments:
        course = enrolment.session.course
        if enrolment.result != Enrolment.Result.PASSED or course.skill_id is None:
            continue
        granted = timezone.localdate(enrolment.session.ends_at)
        expires = (
            _add_months(granted, course.validity_months) - dt.timedelta(days=1)
            if course.validity_months
            else None
        )
        certifications.append(
            Certification(
                volunteer_id=enrolment.volunteer_id,
                skill_id=course.skill_id,
                course=course,
                session=enrolment.session,
                enrolment=enrolment,
                granted_on=granted,
                expires_on=expires,
                lapsed_at=now if expires is not None and expires < today else None,
            )
        )
    Certification.objects.bulk_create(certifications, batch_size=ctx.batch_size)
    through = Volunteer.skills.through
    through.objects.bulk_create(
        {
            (c.volunteer_id, c.skill_id): through(volunteer_id=c.volunteer_id, skill_id=c.skill_id)
            for c in certifications
            if c.lapsed_at is None
        }.values(),
        batch_size=ctx.batch_size,
        ignore_conflicts=True,
    )
    ctx.say(
        f"training: {len(courses)} courses, {len(sessions)} sessions, "
        f"{len(enrolments)} enrolments, {len(certifications)} certifications"
    )


def _backdate(enrolments: list[Enrolment]) -> None:
    by_moment: dict[dt.datetime, list[int]] = {}
    for enrolment in enrolments:
        by_moment.setdefault(enrolment.enrolled_at, []).append(enrolment.pk)
    for moment, ids in by_moment.items():
        Enrolment.objects.filter(pk__in=ids).update(enrolled_at=moment)
