"""Demo honours: the seed report's awards (7 city 优秀志愿者, 4 city 优秀志愿服务团队, a national
优秀志愿服务组织, the 11 city-level bases, a national 优秀志愿服务项目 三等奖, 21 五星志愿者),
district awards over the last three years from a finalised nomination round each, and
this year's round open with the candidates the rules propose.

Reads volunteers, teams, projects, stations and hours from the database (earlier steps).
"""

from __future__ import annotations

import datetime as dt
import random

from zhiyuan.demo.context import DemoContext
from zhiyuan.honours import services
from zhiyuan.honours.models import Award, AwardKind, Level, Nomination, NominationRound
from zhiyuan.projects.models import Project
from zhiyuan.service.models import HoursTotal
from zhiyuan.stations.models import Station
from zhiyuan.teams.models import Team
from zhiyuan.volunteers.models import Volunteer

CITY_BODY = "市文明委"
DISTRICT_BODY = "区文明委"
NATIONAL_BODY = "中央文明办"

CITATIONS = [
    "常年坚持公共文明引导，服务时长位居全区前列。",
    "扎根社区关爱空巢老人，事迹感人。",
    "带领团队开展“文明礼让日”活动，成效显著。",
    "热心助残服务，深受居民好评。",
    "积极参与应急救助与秩序维护，表现突出。",
]


def _regions(model, ids: list[int]) -> dict[int, int]:
    field = {
        Volunteer: "community_id",
        Team: "region_id",
        Station: "region_id",
        Project: "organiser__region_id",
    }[model]
    return dict(model.objects.filter(pk__in=ids).values_list("pk", field))


def _awards(ctx, kind, field: str, ids: list[int], *, level, year, on, body, rank="", round_=None):
    model = {"volunteer": Volunteer, "team": Team, "project": Project, "station": Station}[field]
    regions = _regions(model, ids)
    rng: random.Random = ctx.rng
    return [
        Award(
            kind=kind,
            level=level,
            year=year,
            rank=rank,
            citation=rng.choice(CITATIONS),
            awarding_body=body,
            awarded_on=on,
            region_id=regions[pk],
            round=round_,
            created_by=ctx.office_admin,
            awardee_type=field,
            **{f"{field}_id": pk},
        )
        for pk in ids
        if pk in regions
    ]


def _top_volunteers(n: int, *, min_stars: int = 0, exclude=()) -> list[int]:
    return list(
        HoursTotal.objects.filter(
            volunteer__status=Volunteer.Status.ACTIVE, star_level__gte=min_stars
        )
        .exclude(volunteer_id__in=list(exclude))
        .order_by("-approved_hours", "volunteer_id")
        .values_list("volunteer_id", flat=True)[:n]
    )


def _finalised_round(ctx, kind: AwardKind, year: int, field: str, ids: list[int], on: dt.date):
    """A district round of `year`, finalised: its nominations awarded, its awards published."""
    round_ = NominationRound.objects.create(
        kind=kind,
        year=year,
        level=Level.DISTRICT,
        region=ctx.district,
        awarding_body=DISTRICT_BODY,
        deadline=on - dt.timedelta(days=20),
        rules={},
        state=NominationRound.State.FINALISED,
        opened_by=ctx.office_admin,
        finalised_by=ctx.office_admin,
    )
    awards = Award.objects.bulk_create(
        _awards(
            ctx,
            kind,
            field,
            ids,
            level=Level.DISTRICT,
            year=year,
            on=on,
            body=DISTRICT_BODY,
            round_=round_,
        )
    )
    Nomination.objects.bulk_create(
        Nomination(
            round=round_,
            source=Nomination.Source.RULES,
            state=Nomination.State.AWARDED,
            awardee_type=field,
            reason=award.citation,
            created_by=ctx.office_admin,
            award=award,
            **{f"{field}_id": getattr(award, f"{field}_id")},
        )
        for award in awards
    )
    return awards


def add_honours(ctx: DemoContext) -> None:
    rng = ctx.rng
    kinds = {k.code: k for k in AwardKind.objects.all()}
    last = ctx.today.year - 1
    made: list[Award] = []

    # The seed: city honours of last year, announced this spring (or at the year's end).
    city_day = min(dt.date(last + 1, 3, 5), ctx.today)
    best = _top_volunteers(7)
    made += _awards(
        ctx,
        kinds["outstanding_volunteer"],
        "volunteer",
        best,
        level=Level.CITY,
        year=last,
        on=city_day,
        body=CITY_BODY,
    )
    five_star = _top_volunteers(21, min_stars=5, exclude=best) or _top_volunteers(21, exclude=best)
    made += _awards(
        ctx,
        kinds["five_star_volunteer"],
        "volunteer",
        five_star,
        level=Level.CITY,
        year=last,
        on=city_day,
        body=CITY_BODY,
    )
    squads = list(
        Team.objects.filter(status=Team.Status.ACTIVE, level__in=["detachment", "squad"])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    city_teams = rng.sample(squads, min(4, len(squads)))
    made += _awards(
        ctx,
        kinds["outstanding_team"],
        "team",
        city_teams,
        level=Level.CITY,
        year=last,
        on=city_day,
        body=CITY_BODY,
    )
    organisation = Team.objects.filter(name__contains="献血").values_list(
        "pk", flat=True
    ).first() or (squads[0] if squads else None)
    if organisation:
        made += _awards(
            ctx,
            kinds["outstanding_organisation"],
            "team",
            [organisation],
            level=Level.NATIONAL,
            year=last,
            on=city_day,
            body=NATIONAL_BODY,
        )
    project = (
        Project.objects.filter(name__contains="关爱老")
        .exclude(state=Project.State.DRAFT)
        .values_list("pk", flat=True)
        .first()
        or Project.objects.exclude(state=Project.State.DRAFT).values_list("pk", flat=True).first()
    )
    if project:
        april = min(dt.date(ctx.today.year, 4, 20), ctx.today)
        made += _awards(
            ctx,
            kinds["outstanding_project"],
            "project",
            [project],
            level=Level.NATIONAL,
            year=april.year,
            on=april,
            body=NATIONAL_BODY,
            rank="三等奖",
        )
    for pk, year in Station.objects.filter(
        kind=Station.Kind.BASE, base_year__isnull=False
    ).values_list("pk", "base_year"):
        made += _awards(
            ctx,
            kinds["service_base"],
            "station",
            [pk],
            level=Level.CITY,
            year=year,
            on=dt.date(year, 9, 1),
            body=CITY_BODY,
        )
    Award.objects.bulk_create(made)

    # District rounds of the last three years, each finalised.
    volunteers = list(
        HoursTotal.objects.filter(approved_hours__gt=0, volunteer__status=Volunteer.Status.ACTIVE)
        .order_by("volunteer_id")
        .values_list("volunteer_id", flat=True)[:5000]
    )
    projects = list(Project.objects.exclude(state=Project.State.DRAFT).values_list("pk", flat=True))
    stations = list(
        Station.objects.filter(status=Station.Status.OPEN)
        .exclude(kind=Station.Kind.BASE)
        .values_list("pk", flat=True)
    )
    district_count = 0
    for year in range(last - 2, last + 1):
        on = dt.date(year, 12, 5)
        for code, field, pool, n in [
            ("outstanding_volunteer", "volunteer", volunteers, 50),
            ("outstanding_team", "team", squads, 10),
            ("outstanding_project", "project", projects, 5),
            ("outstanding_station", "station", stations, 5),
        ]:
            if pool:
                ids = rng.sample(pool, min(n, len(pool)))
                district_count += len(_finalised_round(ctx, kinds[code], year, field, ids, on))

    # This year's round is open: the rules propose candidates from this year's hours.
    round_ = services.open_round(
        actor=ctx.office_admin,
        kind=kinds["outstanding_volunteer"],
        year=ctx.today.year,
        level=Level.DISTRICT,
        region=ctx.district,
        awarding_body=DISTRICT_BODY,
        deadline=ctx.today + dt.timedelta(days=30),
        rules={"min_hours": 10, "limit": 30},
    )
    proposed = services.propose_candidates(actor=ctx.office_admin, round=round_)
    ctx.say(
        f"honours: {len(made)} city/province/national awards, {district_count} district awards "
        f"in {NominationRound.objects.filter(state='finalised').count()} finalised rounds, "
        f"{proposed} candidates proposed for {ctx.today.year}"
    )
