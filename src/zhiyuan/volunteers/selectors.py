"""Queries that read volunteers, scoped to what the caller may see."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from zhiyuan.accounts import scopes
from zhiyuan.core import pagecache
from zhiyuan.places.models import Region
from zhiyuan.volunteers.models import Skill, Volunteer

# Higher apps widen who may see whom (teams: a team admin sees the team's members) by
# registering `rule(user) -> Q | None` from their AppConfig.ready().
RosterRule = Callable[[object], Q | None]
_roster_rules: list[RosterRule] = []


def register_roster_rule(rule: RosterRule) -> None:
    _roster_rules.append(rule)


def communities_under(paths) -> list[int]:
    """Ids of the communities in these region subtrees.

    A district has a few dozen communities: filtering volunteers by this short id list
    uses the community index, where a join on the region path would scan every volunteer.
    """
    return list(
        Region.objects.filter(
            scopes.within("path", paths), level=Region.Level.COMMUNITY
        ).values_list("id", flat=True)
    )


def visibility(user) -> Q | None:
    """The filter of volunteers `user` may see, or None if none at all."""
    if not getattr(user, "is_authenticated", False):
        return None
    paths = scopes.admin_region_paths(user)
    if "/" in paths:
        return Q()
    parts: list[Q] = [Q(user_id=user.pk)]
    if paths:
        parts.append(Q(community_id__in=communities_under(paths)))
    for rule in _roster_rules:
        extra = rule(user)
        if extra is not None:
            parts.append(extra)
    combined = parts[0]
    for part in parts[1:]:
        combined |= part
    return combined


def visible_volunteers(user) -> QuerySet[Volunteer]:
    condition = visibility(user)
    if condition is None:
        return Volunteer.objects.none()
    return Volunteer.objects.filter(condition)


@dataclass(frozen=True)
class RosterFilter:
    q: str = ""
    status: str = ""
    region_id: int | None = None
    skill: str = ""


def roster_for(user, filters: RosterFilter | None = None) -> QuerySet[Volunteer]:
    """The roster the caller may see, filtered: name or number, status, region, skill."""
    filters = filters or RosterFilter()
    qs = visible_volunteers(user).select_related("community", "community__parent")
    text = filters.q.strip()
    if text:
        if text[:2].upper() == "ZY" or text.isdigit():
            qs = qs.filter(volunteer_no__startswith=text.upper())
        else:
            qs = qs.filter(real_name__contains=text)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.region_id:
        region = Region.objects.filter(pk=filters.region_id).only("path").first()
        qs = qs.filter(community_id__in=communities_under([region.path])) if region else qs.none()
    if filters.skill:
        qs = qs.filter(skills__code=filters.skill)
    return qs.order_by("-id")


def with_skill_list(qs: QuerySet[Volunteer]) -> QuerySet[Volunteer]:
    """Prefetch skills into `volunteer.skill_list`: a plain list, cheap to loop over in lists."""
    return qs.prefetch_related(
        Prefetch("skills", queryset=Skill.objects.only("id", "code", "name"), to_attr="skill_list")
    )


def pending_count(user) -> int:
    """The roster's "pending review (n)", remembered as its total is (pagecache.count): a
    count over every pending volunteer, a number that grows with the district."""
    return pagecache.count(visible_volunteers(user).filter(status=Volunteer.Status.PENDING))


def skills() -> QuerySet[Skill]:
    return Skill.objects.all()
