"""Demo volunteers: who registered when, where they live, what they can do and when, in bulk."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from itertools import accumulate
from typing import TYPE_CHECKING

from django.db import connection
from django.utils import timezone

from zhiyuan.demo.people import Person, PersonFactory, years_before
from zhiyuan.volunteers import availability as avail
from zhiyuan.volunteers import services
from zhiyuan.volunteers.idcard import IdDocument, IdType
from zhiyuan.volunteers.models import PoliticalStatus, Skill, Volunteer

if TYPE_CHECKING:
    from zhiyuan.demo.context import DemoContext

REGISTRATION_YEARS = 5
# Applications this recent are mostly still waiting for review.
REVIEW_BACKLOG = dt.timedelta(days=45)
MIN_REGISTRATION_AGE = 14

# How often a skill is listed, relative to the rest (2 for a skill not named here).
SKILL_WEIGHTS = {
    "guide": 10,
    "order": 9,
    "traffic": 8,
    "elderly_care": 8,
    "environment": 7,
    "first_aid": 5,
    "science": 4,
    "culture": 4,
    "tutoring": 4,
    "disability_help": 3,
    "fire_safety": 3,
    "medical": 3,
}
# How many skills a volunteer lists: weights for 0, 1, 2 and 3.
SKILL_COUNT_WEIGHTS = [25, 35, 25, 15]

SUSPENSION_REASONS = [
    "长期未参加志愿服务活动",
    "本人申请暂停服务",
    "联系方式失效，无法联系本人",
]
REJECTION_REASONS = [
    "身份信息核验未通过，请携带身份证到社区服务站办理",
    "联系电话无法接通，请核实后重新提交",
]


@dataclass
class Registration:
    """One volunteer to be: the person and what the registration form would have said."""

    person: Person
    community: int  # index into DemoContext.communities
    skills: tuple[str, ...]
    availability: int
    political_status: str
    registered_at: dt.datetime
    status: str = Volunteer.Status.ACTIVE
    status_reason: str = ""
    reviewed_at: dt.datetime | None = None


def _weekly_availability(rng: random.Random, age: int) -> int:
    """Retirees give weekday daytimes, students and workers weekends and evenings."""
    if age >= 60:
        weekday, weekend, evening = 0.55, 0.3, 0.1
    elif age <= 22:
        weekday, weekend, evening = 0.05, 0.6, 0.2
    else:
        weekday, weekend, evening = 0.04, 0.45, 0.3
    mask = 0
    for slot, bit in avail.SLOT_BITS.items():
        day, period = slot.split("_")
        if period == "eve":
            chance = evening
        elif day in {"sat", "sun"}:
            chance = weekend
        else:
            chance = weekday
        if rng.random() < chance:
            mask |= bit
    return mask


def _political_status(rng: random.Random, age: int) -> str:
    roll = rng.random()
    if age <= 28:
        shares = [
            (PoliticalStatus.CYL_MEMBER, 0.45),
            (PoliticalStatus.CPC_MEMBER, 0.05 if age >= 18 else 0.0),
            (PoliticalStatus.CPC_PROBATIONARY, 0.02 if age >= 18 else 0.0),
        ]
    else:
        shares = [
            (PoliticalStatus.CPC_MEMBER, 0.30),
            (PoliticalStatus.CPC_PROBATIONARY, 0.01),
            (PoliticalStatus.DEMOCRATIC_PARTY, 0.015),
        ]
    for status, share in shares:
        if roll < share:
            return status
        roll -= share
    return PoliticalStatus.MASSES


def _skills(rng: random.Random, codes: list[str], cum_weights: list[float]) -> tuple[str, ...]:
    count = rng.choices(range(len(SKILL_COUNT_WEIGHTS)), weights=SKILL_COUNT_WEIGHTS)[0]
    chosen: list[str] = []
    while len(chosen) < min(count, len(codes)):
        code = rng.choices(codes, cum_weights=cum_weights)[0]
        if code not in chosen:
            chosen.append(code)
    return tuple(chosen)


def _registered_at(rng: random.Random, person: Person, now: dt.datetime) -> dt.datetime:
    """A moment in the last five years, busier lately, when the person was at least 14."""
    today = timezone.localdate(now)
    span = (today - years_before(today, REGISTRATION_YEARS)).days
    day = today - dt.timedelta(days=int((1 - rng.random() ** 0.75) * span))
    old_enough = years_before(person.birth_date, -MIN_REGISTRATION_AGE)
    if day < old_enough:
        day = old_enough + dt.timedelta(days=rng.randrange((today - old_enough).days + 1))
    minute = rng.randrange(8 * 60, 22 * 60)
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(minute // 60, minute % 60)))
    if moment > now:  # later today: make it yesterday
        moment -= dt.timedelta(days=1)
    return moment


def _review(rng: random.Random, registration: Registration, now: dt.datetime) -> None:
    """Decide the outcome of the review: most are approved, recent ones are still waiting."""
    roll = rng.random()
    if registration.registered_at > now - REVIEW_BACKLOG:
        outcomes = [(Volunteer.Status.PENDING, 0.7), (Volunteer.Status.REJECTED, 0.02)]
    else:
        outcomes = [
            (Volunteer.Status.SUSPENDED, 0.025),
            (Volunteer.Status.PENDING, 0.01),
            (Volunteer.Status.REJECTED, 0.01),
        ]
    status = Volunteer.Status.ACTIVE
    for candidate, share in outcomes:
        if roll < share:
            status = candidate
            break
        roll -= share
    registration.status = status
    if status == Volunteer.Status.SUSPENDED:
        registration.status_reason = rng.choice(SUSPENSION_REASONS)
    elif status == Volunteer.Status.REJECTED:
        registration.status_reason = rng.choice(REJECTION_REASONS)
    if status != Volunteer.Status.PENDING:
        delay = dt.timedelta(hours=rng.uniform(2, 7 * 24))
        registration.reviewed_at = min(registration.registered_at + delay, now)


def plan_registrations(
    rng: random.Random,
    count: int,
    *,
    now: dt.datetime,
    populations: list[int],
    skill_codes: list[str],
) -> list[Registration]:
    """`count` registrations, oldest first, drawn from `rng` alone (no database)."""
    people = PersonFactory(rng, timezone.localdate(now))
    # Coverage differs between communities: some have a keen station, some do not.
    community_cum = list(accumulate(p * rng.uniform(0.6, 1.4) for p in populations))
    community_ids = range(len(populations))
    skill_cum = list(accumulate(SKILL_WEIGHTS.get(code, 2) for code in skill_codes))
    today = timezone.localdate(now)
    registrations = []
    for _ in range(count):
        person = people.person()
        age = person.age_on(today)
        registrations.append(
            Registration(
                person=person,
                community=rng.choices(community_ids, cum_weights=community_cum)[0],
                skills=_skills(rng, skill_codes, skill_cum),
                availability=_weekly_availability(rng, age),
                political_status=_political_status(rng, age),
                registered_at=_registered_at(rng, person, now),
            )
        )
    # Volunteer numbers and ids follow the order of registration, as they would live.
    registrations.sort(key=lambda r: r.registered_at)
    for registration in registrations:
        _review(rng, registration, now)
    return registrations


def _row(registration: Registration, number: str, ctx: DemoContext) -> Volunteer:
    person = registration.person
    # Known to be valid (made by generate_gb11643): skip parse_document's checks.
    document = IdDocument(
        id_type=IdType.RESIDENT_ID,
        number=person.id_number,
        birth_date=person.birth_date,
        gender=person.gender,
    )
    reviewed = registration.reviewed_at is not None
    return Volunteer(
        volunteer_no=number,
        real_name=person.real_name,
        birth_date=person.birth_date,
        gender=person.gender,
        community=ctx.communities[registration.community],
        availability=registration.availability,
        political_status=registration.political_status,
        consent_version=services.PRIVACY_NOTICE_VERSION,
        consented_at=registration.registered_at,
        status=registration.status,
        status_reason=registration.status_reason,
        reviewed_by=ctx.office_admin if reviewed else None,
        reviewed_at=registration.reviewed_at,
        **services.encrypted_identity(document, person.phone),
    )


def _backdate(rows: list[Volunteer], moments: list[dt.datetime]) -> None:
    """Set the registration dates that bulk_create replaced with "now" (auto_now_add).

    One statement run for many rows: bulk_update's CASE over thousands of ids would
    take longer than making the rows.
    """
    field = Volunteer._meta.get_field("created_at")
    quote = connection.ops.quote_name
    # Only identifiers from the model's meta, quoted, go into the text; values are parameters.
    sql = (
        f"UPDATE {quote(Volunteer._meta.db_table)} SET {quote(field.column)} = %s "  # noqa: S608
        f"WHERE {quote(Volunteer._meta.pk.column)} = %s"
    )
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.executemany(
            sql, [(adapt(moment), row.pk) for row, moment in zip(rows, moments, strict=True)]
        )
    for row, moment in zip(rows, moments, strict=True):
        row.created_at = moment


def add_volunteers(ctx: DemoContext) -> None:
    """Write the volunteers in batches: rows, then their registration dates, then skills."""
    total = ctx.volunteer_count
    skills = dict(Skill.objects.order_by("sort_order", "id").values_list("code", "id"))
    registrations = plan_registrations(
        ctx.rng,
        total,
        now=ctx.now,
        populations=[c.population for c in ctx.communities],
        skill_codes=list(skills),
    )
    ctx.say(f"volunteers planned ({ctx.elapsed():.1f}s)")
    numbers = services.volunteer_numbers(total) if total else []
    through = Volunteer.skills.through
    for start in range(0, total, ctx.batch_size):
        batch = registrations[start : start + ctx.batch_size]
        rows = [_row(r, numbers[start + i], ctx) for i, r in enumerate(batch)]
        Volunteer.objects.bulk_create(rows)
        _backdate(rows, [r.registered_at for r in batch])
        through.objects.bulk_create(
            [
                through(volunteer_id=row.pk, skill_id=skills[code])
                for row, registration in zip(rows, batch, strict=True)
                for code in registration.skills
            ]
        )
        ctx.volunteer_ids.extend(row.pk for row in rows)
        ctx.say(f"volunteers {start + len(batch)}/{total} ({ctx.elapsed():.1f}s)")
