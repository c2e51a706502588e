"""Demo service records: a year of 志愿服务记录 at district scale (about a million at 70,000
volunteers), consistent with the demo's past sign-ups, and each volunteer's total and stars.

Past confirmed sign-ups become measured, approved records. The rest is the year's regular
service recorded by the teams (weekly visits, station duty) with no shift behind it, spread
unevenly — a few volunteers serve most, as in any corps — so the stars spread realistically.
Rows are written with plain INSERTs; the totals with one grouped query.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Count, Sum
from django.utils import timezone

from zhiyuan.demo.rows import insert_rows
from zhiyuan.projects.models import Project, SignUp
from zhiyuan.service.models import HoursTotal, ServiceRecord
from zhiyuan.service.services import star_level
from zhiyuan.teams.models import Membership

if TYPE_CHECKING:
    from zhiyuan.demo.context import DemoContext

RECORDS_PER_VOLUNTEER = 18  # with ~58,000 members in teams: about a million records a year
CONTENTS = [
    "社区值守",
    "助老探访",
    "文明引导",
    "环境清整",
    "便民服务",
    "文明交通劝导",
    "政策宣传",
    "义诊协助",
]


RECORD_FIELDS = [
    "volunteer",
    "shift",
    "project",
    "team",
    "served_on",
    "hours",
    "persons_served",
    "content",
    "source",
    "reason",
    "state",
    "recorded_by",
    "decided_by",
    "decided_at",
    "version",
    "supersedes",
    "is_current",
    "created_at",
]


def persons_served(rng, content: str) -> int:
    """Persons served by one regular record: a home visit serves the one person visited; duty
    and clean-ups serve nobody in particular; guidance and services reach a few now and then
    (about 0.3 a record: about one a resident a year at the demo's scale, where 0–20 a record
    made 23)."""
    if content == "助老探访":
        return 1
    if content in ("社区值守", "环境清整"):
        return 0
    return rng.randint(1, 3) if rng.random() < 0.1 else 0


HOURS = [Decimal(h).quantize(Decimal("0.01")) for h in (1, 1.5, 2, 2, 2.5, 3, 3, 4)]


def add_service_records(ctx: DemoContext) -> None:
    """About a million rows written as plain INSERTs (demo/rows.py): building and preparing
    that many model instances took most of the demo's time."""
    rng, now = ctx.rng, ctx.now
    admin_id = ctx.office_admin.pk

    def from_signups():
        past = SignUp.objects.filter(state="confirmed", starts_at__lt=now).select_related(
            "shift__activity__project"
        )
        for signup in past.iterator(chunk_size=2000):
            shift = signup.shift
            hours = Decimal((shift.ends_at - shift.starts_at).total_seconds() / 3600).quantize(
                Decimal("0.01")
            )
            project = shift.activity.project
            yield (
                signup.volunteer_id,
                shift.pk,
                project.pk,
                project.organiser_id,
                timezone.localtime(shift.starts_at).date(),
                hours,
                rng.randint(0, 12),  # passers-by guided or helped on the shift
                f"{shift.activity.title} · {shift.role}",
                "measured",
                "",
                "approved",
                admin_id,
                admin_id,
                now,
                1,
                None,
                True,
                now,
            )

    written = insert_rows(ServiceRecord, RECORD_FIELDS, from_signups(), batch_size=ctx.batch_size)

    team_of = dict(Membership.objects.filter(state="active").values_list("volunteer_id", "team_id"))
    projects = list(Project.objects.filter(state="published").values_list("pk", "organiser_id"))
    by_team = {}
    for project_id, team_id in projects:
        by_team.setdefault(team_id, project_id)
    volunteers = list(team_of)
    # Pareto-like effort: most serve a little, a few serve a lot.
    weights = [rng.paretovariate(1.6) for _ in volunteers]
    scale = RECORDS_PER_VOLUNTEER * len(volunteers) / max(sum(weights), 1)
    year_ago = ctx.today - dt.timedelta(days=365)
    days = [year_ago + dt.timedelta(days=n) for n in range(365)]
    pending_since = ctx.today - dt.timedelta(days=14)

    def regular():
        made = 0
        for volunteer_id, weight in zip(volunteers, weights, strict=True):
            team_id = team_of[volunteer_id]
            project_id = by_team.get(team_id)
            for _ in range(min(400, round(weight * scale))):
                day = days[rng.randint(0, 364)]
                pending = day >= pending_since and rng.random() < 0.6
                content = rng.choice(CONTENTS)
                yield (
                    volunteer_id,
                    None,
                    project_id,
                    team_id,
                    day,
                    rng.choice(HOURS),
                    persons_served(rng, content),
                    content,
                    "measured" if rng.random() < 0.85 else "entered",
                    "" if rng.random() < 0.9 else "补录",
                    "pending" if pending else "approved",
                    admin_id,
                    None if pending else admin_id,
                    None if pending else now,
                    1,
                    None,
                    True,
                    now,
                )
                made += 1
                if made % 100_000 == 0:
                    ctx.say(f"service records {written + made:,} ({ctx.elapsed():.1f}s)")

    written += insert_rows(ServiceRecord, RECORD_FIELDS, regular(), batch_size=ctx.batch_size)
    ctx.say(f"service records: {written:,}")

    thresholds = settings.STAR_THRESHOLDS
    totals = (
        ServiceRecord.objects.filter(is_current=True, state="approved")
        .values("volunteer_id")
        .annotate(total=Sum("hours"))
        .order_by()
    )
    HoursTotal.objects.bulk_create(
        [
            HoursTotal(
                volunteer_id=row["volunteer_id"],
                approved_hours=row["total"],
                star_level=star_level(row["total"]),
            )
            for row in totals.iterator(chunk_size=5000)
        ],
        batch_size=ctx.batch_size,
    )
    stars = dict(HoursTotal.objects.values_list("star_level").annotate(n=Count("pk")).order_by())
    ctx.say(f"stars (thresholds {thresholds}): {dict(sorted(stars.items()))}")
