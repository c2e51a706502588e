"""Queries that read the help desk, scoped to what the caller may see."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from zhiyuan.accounts import scopes
from zhiyuan.helpdesk.models import Assignment, HelpRequest, MatchRun, Proposal, Recipient
from zhiyuan.teams.selectors import managed_teams


def visible_recipients(user) -> QuerySet[Recipient]:
    """Recipients of the communities the user's office covers (no one else's)."""
    if not getattr(user, "is_authenticated", False):
        return Recipient.objects.none()
    return Recipient.objects.filter(scopes.administered(user, region="community__path"))


def visible_requests(user) -> QuerySet[HelpRequest]:
    """Requests of the user's office region, their managed teams, assigned to them, or theirs."""
    if not getattr(user, "is_authenticated", False):
        return HelpRequest.objects.none()
    condition = Q(requester=user) | Q(
        assignments__volunteer__user=user, assignments__state=Assignment.State.ACTIVE
    )
    condition |= scopes.administered(user, region="community__path")
    teams = managed_teams(user)
    if teams.exists():
        condition |= Q(team__in=teams)
    return HelpRequest.objects.filter(pk__in=HelpRequest.objects.filter(condition).values("pk"))


@dataclass(frozen=True)
class RequestFilter:
    q: str = ""
    status: str = ""
    kind: str = ""
    region_id: int | None = None


def request_list(user, filters: RequestFilter | None = None) -> QuerySet[HelpRequest]:
    filters = filters or RequestFilter()
    qs = visible_requests(user).select_related("community", "team")
    if filters.q.strip():
        text = filters.q.strip()
        qs = qs.filter(Q(code=text.upper()) | Q(title__contains=text))
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.region_id:
        from zhiyuan.places.models import Region

        region = Region.objects.filter(pk=filters.region_id).only("path").first()
        qs = qs.filter(scopes.within("community__path", region.path)) if region else qs.none()
    return qs.order_by("-submitted_at", "-id")


def recipient_list(user, *, q: str = "", category: str = "") -> QuerySet[Recipient]:
    qs = visible_recipients(user).select_related("community")
    if q.strip():
        qs = qs.filter(name__contains=q.strip())
    if category:
        qs = qs.filter(category=category)
    return qs.order_by("-id")


def runs_for(user) -> QuerySet[MatchRun]:
    if not getattr(user, "is_authenticated", False):
        return MatchRun.objects.none()
    """The runs `access.run_for` lets the user open: their own, their offices' regions', and
    those in a region under the home region of a team they manage (`access.may_run`)."""
    condition = Q(created_by=user)
    condition |= scopes.administered(user, region="region__path")
    homes = set(managed_teams(user).values_list("region__path", flat=True))
    condition |= scopes.within("region__path", homes)
    return MatchRun.objects.filter(condition).select_related("region", "created_by")


def proposals_of(
    run: MatchRun, *, kind: str = "", state: str = "", q: str = ""
) -> QuerySet[Proposal]:
    """A run's proposals, open ones first; `kind` "help" or "shift", `q` a name or number."""
    qs = run.proposals.select_related(
        "volunteer", "help_request__community", "shift__activity__station"
    )
    if kind == "help":
        qs = qs.filter(help_request__isnull=False)
    elif kind == "shift":
        qs = qs.filter(shift__isnull=False)
    if state in Proposal.State.values:
        qs = qs.filter(state=state)
    if q:
        qs = qs.filter(Q(volunteer__real_name__contains=q) | Q(volunteer__volunteer_no=q))
    return qs.order_by("state", "-score", "id")


def proposal_counts(run: MatchRun) -> dict[str, int]:
    """How many of the run's proposals are for help requests and for shifts."""
    return run.proposals.aggregate(
        help=Count("pk", filter=Q(help_request__isnull=False)),
        shift=Count("pk", filter=Q(shift__isnull=False)),
    )


def my_assignments(volunteer) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(volunteer=volunteer, state=Assignment.State.ACTIVE)
        .select_related("request__community")
        .order_by("-request__starts_at")
    )


def timeline(request: HelpRequest):
    return request.events.select_related("actor").order_by("at", "id")
