"""Queries that read honours: the public roll, an object's honours, rounds and nominations by caller."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from zhiyuan.accounts import scopes
from zhiyuan.honours.models import Award, AwardKind, Nomination, NominationRound
from zhiyuan.places.models import Region
from zhiyuan.teams.models import Team
from zhiyuan.teams.selectors import managed_team_paths, managed_teams

AWARDEE_RELATED = (
    "kind",
    "volunteer",
    "team",
    "project",
    "station",
)


def kinds() -> QuerySet[AwardKind]:
    return AwardKind.objects.all()


def published_awards() -> QuerySet[Award]:
    return Award.objects.filter(state=Award.State.PUBLISHED).select_related(*AWARDEE_RELATED)


def latest_awards(limit: int = 6) -> list[Award]:
    """The newest published awards, awardee loaded (the portal's home page shows these)."""
    return list(published_awards().order_by("-awarded_on", "-id")[: max(0, int(limit))])


@dataclass(frozen=True)
class RollFilter:
    year: int | None = None
    kind: str = ""
    level: str = ""
    awardee_type: str = ""
    q: str = ""


def roll(filters: RollFilter | None = None) -> QuerySet[Award]:
    """The public honour roll: published awards by year, kind, level, awardee type and name."""
    filters = filters or RollFilter()
    qs = published_awards()
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.kind:
        qs = qs.filter(kind__code=filters.kind)
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.awardee_type:
        qs = qs.filter(awardee_type=filters.awardee_type)
    text = filters.q.strip()
    if text:
        qs = qs.filter(
            Q(volunteer__real_name__contains=text)
            | Q(team__name__contains=text)
            | Q(project__name__contains=text)
            | Q(station__name__contains=text)
        )
    return qs.order_by("-year", "kind__sort_order", "level", "-awarded_on", "pk")


def roll_years() -> list[int]:
    return list(
        Award.objects.filter(state=Award.State.PUBLISHED)
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )


def honours_of(obj) -> QuerySet[Award]:
    """The published awards of one volunteer, team, project or station, newest first."""
    field = obj._meta.model_name
    return (
        Award.objects.filter(state=Award.State.PUBLISHED, **{field: obj})
        .select_related("kind")
        .order_by("-year", "-awarded_on", "-id")
    )


def rounds_for(user) -> QuerySet[NominationRound]:
    """Rounds the user runs (office admins of the region) or may nominate in (team admins
    whose teams lie in the round's region)."""
    if not getattr(user, "is_authenticated", False):
        return NominationRound.objects.none()
    condition = scopes.administered(user, region="region__path")
    team_paths = managed_team_paths(user)
    if team_paths:
        regions = set(
            Team.objects.filter(scopes.within("path", team_paths)).values_list(
                "region__path", flat=True
            )
        )
        for region_path in regions:
            # A round over a region includes the teams of its subtree.
            ancestors = [
                "/" + "/".join(region_path.strip("/").split("/")[:i]) + "/"
                for i in range(1, region_path.strip("/").count("/") + 2)
            ]
            condition |= Q(region__path__in=ancestors)
    return (
        NominationRound.objects.filter(condition)
        .select_related("kind", "region")
        .annotate(
            shortlisted=Count("nominations", filter=Q(nominations__state="shortlisted")),
            pending=Count("nominations", filter=Q(nominations__state="pending")),
        )
        .order_by("-year", "-id")
    )


def nominations_for(user, round_: NominationRound) -> QuerySet[Nomination]:
    """All of a round's nominations for its office admins; a team admin sees those of the
    teams they manage (their own and those awaiting their approval)."""
    qs = round_.nominations.select_related(
        "volunteer",
        "team",
        "project",
        "station",
        "nominating_team",
        "nominating_team__parent",
        "created_by",
    ).order_by("state", "-id")
    if scopes.administers_region(user, round_.region):
        return qs
    return qs.filter(scopes.administered(user, team="nominating_team__path"))


def office_region(user) -> Region | None:
    """The broadest region the user runs as an office (a superuser: the first district)."""
    paths = scopes.admin_region_paths(user)
    if "/" in paths:
        return Region.objects.filter(parent__isnull=True).order_by("path").first()
    return Region.objects.filter(path__in=paths).order_by("path").first()


def nominating_teams(user, round_: NominationRound) -> list[Team]:
    """The active teams the user manages in an open round's region: those they may nominate for."""
    if not round_.is_open:
        return []
    return list(
        managed_teams(user)
        .filter(scopes.within("region__path", round_.region.path), status=Team.Status.ACTIVE)
        .order_by("path")[:200]
    )
