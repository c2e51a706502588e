"""Queries that read teams: the tree, a user's managed subtrees, members, scoped by the caller."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from zhiyuan.accounts import scopes
from zhiyuan.teams.models import Membership, Specialty, Team
from zhiyuan.volunteers.models import Volunteer


def active_member_count():
    """A correlated count per team (the team/state index answers it): a JOIN with GROUP BY
    over every membership took 300 ms for 600 teams and 88,000 members; this takes a few."""
    members = (
        Membership.objects.filter(team=OuterRef("pk"), state=Membership.State.ACTIVE)
        .order_by()
        .values("team")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(members), 0)


def managed_team_paths(user) -> tuple[str, ...]:
    """Paths of the teams the user leads or administers (each with its whole subtree)."""
    if not getattr(user, "is_authenticated", False):
        return ()
    cached = getattr(user, "_zhiyuan_team_paths", None)
    if cached is None:
        # The volunteer by its unique user first, then its memberships by index: joined
        # from the user, SQLite scanned every membership (40 ms at 70,000 volunteers, on
        # every page through the navigation).
        volunteer = Volunteer.objects.filter(user=user, status="active").values("pk")
        cached = tuple(
            Membership.objects.filter(
                volunteer__in=volunteer,
                state=Membership.State.ACTIVE,
                role__in=Membership.MANAGING_ROLES,
                team__status=Team.Status.ACTIVE,
            ).values_list("team__path", flat=True)
        )
        user._zhiyuan_team_paths = cached
    return cached


def managed_teams(user) -> QuerySet[Team]:
    """Every team the user may manage, as one queryset."""
    return Team.objects.filter(scopes.administered(user, region="region__path", team="path"))


@dataclass(frozen=True)
class TeamFilter:
    q: str = ""
    level: str = ""
    kind: str = ""
    specialty: str = ""
    region_id: int | None = None
    include_dissolved: bool = False


def teams(filters: TeamFilter | None = None) -> QuerySet[Team]:
    """Teams are public: name, level, sponsor and contact are what residents look for."""
    filters = filters or TeamFilter()
    qs = Team.objects.select_related("specialty", "region", "parent").annotate(
        member_count=active_member_count()
    )
    if not filters.include_dissolved:
        qs = qs.filter(status=Team.Status.ACTIVE)
    if filters.q.strip():
        qs = qs.filter(
            Q(name__contains=filters.q.strip()) | Q(sponsor_unit__contains=filters.q.strip())
        )
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.specialty:
        qs = qs.filter(specialty__code=filters.specialty)
    if filters.region_id:
        qs = qs.filter(region_id=filters.region_id)
    return qs.order_by("path")


def tree_level(parent: Team | None) -> QuerySet[Team]:
    """The active teams directly under `parent` (the roots when None), oldest first, each
    with its `member_count` and `below` (how many active teams are directly under it).

    The corps tree is shown a level at a time: six hundred teams on one page were 88 KB."""
    below = (
        Team.objects.filter(parent=OuterRef("pk"), status=Team.Status.ACTIVE)
        .order_by()
        .values("parent")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Team.objects.filter(parent=parent, status=Team.Status.ACTIVE)
        .select_related("specialty")
        .annotate(member_count=active_member_count(), below=Coalesce(Subquery(below), 0))
        .order_by("pk")
    )


def subteams(team: Team) -> QuerySet[Team]:
    return (
        Team.objects.filter(parent=team, status=Team.Status.ACTIVE)
        .select_related("specialty")
        .annotate(member_count=active_member_count())
    )


def ancestors(team: Team) -> list[Team]:
    ids = [int(part) for part in team.path.strip("/").split("/")[:-1]]
    by_id = Team.objects.in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]


def members(team: Team, *, states=(Membership.State.ACTIVE,), q: str = "") -> QuerySet[Membership]:
    """A team's memberships in these states; `q` a name (part) or a volunteer number."""
    qs = Membership.objects.filter(team=team, state__in=states)
    if q:
        qs = qs.filter(Q(volunteer__real_name__contains=q) | Q(volunteer__volunteer_no=q.upper()))
    return qs.select_related("volunteer", "volunteer__community").order_by(
        "state", "-role", "volunteer__real_name", "id"
    )


def memberships_of(volunteer) -> QuerySet[Membership]:
    return Membership.objects.filter(volunteer=volunteer).select_related("team").order_by("-id")


def open_membership(team: Team, volunteer) -> Membership | None:
    if volunteer is None:
        return None
    return Membership.objects.filter(
        team=team, volunteer=volunteer, state__in=Membership.OPEN_STATES
    ).first()


def specialties() -> QuerySet[Specialty]:
    return Specialty.objects.all()


def roster_rule(user) -> Q | None:
    """Volunteers a team admin may see: those in (or asking to join) the teams they manage."""
    paths = managed_team_paths(user)
    if not paths:
        return None
    return Q(
        pk__in=Membership.objects.filter(
            scopes.within("team__path", paths), state__in=Membership.OPEN_STATES
        ).values("volunteer_id")
    )
