"""Permission-checked getters for recipients, help requests, matching runs and proposals."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhiyuan.accounts import scopes
from zhiyuan.core.errors import NotFound, PermissionDenied
from zhiyuan.helpdesk import selectors
from zhiyuan.helpdesk.models import Assignment, HelpRequest, MatchRun, Proposal, Recipient
from zhiyuan.places.models import Region
from zhiyuan.projects.access import may_organise
from zhiyuan.teams.access import may_manage as may_manage_team
from zhiyuan.teams.models import Membership
from zhiyuan.teams.selectors import managed_teams
from zhiyuan.volunteers.models import Volunteer


def may_verify(user, request: HelpRequest) -> bool:
    """The district or community office whose scope covers the request's community."""
    return scopes.administers_region(user, request.community)


def may_handle(user, request: HelpRequest) -> bool:
    """The office of the community, or admins of the team handling the request."""
    if may_verify(user, request):
        return True
    return request.team_id is not None and may_manage_team(user, request.team)


def check_office(user) -> None:
    """The recipients' pages are the offices' (district and subdistrict)."""
    if not scopes.is_district_admin(user):
        raise PermissionDenied(_("Only office admins manage recipients."))


def may_manage_recipient(user, recipient: Recipient) -> bool:
    return scopes.administers_region(user, recipient.community)


def may_run(user, region: Region) -> bool:
    """The office of the region, or admins of a team whose home region covers it."""
    if scopes.administers_region(user, region):
        return True
    return any(
        region.path.startswith(path)
        for path in managed_teams(user).values_list("region__path", flat=True)
    )


def takeable(volunteer: Volunteer) -> Q:
    """The help requests a volunteer may take themselves: offered to them (an open proposal
    of a matching run), in their own subdistrict, or handled by one of their teams; anywhere
    else an organiser assigns them."""
    offered = Proposal.objects.filter(volunteer=volunteer, state=Proposal.State.PROPOSED)
    teams = volunteer.memberships.filter(state=Membership.State.ACTIVE)
    return (
        Q(pk__in=offered.values("help_request_id"))
        | Q(community__parent_id=volunteer.community.parent_id)
        | Q(team_id__in=teams.values("team_id"))
    )


def may_take(volunteer: Volunteer, request: HelpRequest) -> bool:
    return HelpRequest.objects.filter(takeable(volunteer), pk=request.pk).exists()


def may_assign(user, request: HelpRequest, volunteer: Volunteer) -> bool:
    """Who may put `volunteer` on `request`: its handlers, an organiser confirming a matching
    run's proposal of this pair, or the volunteer themselves where `may_take` allows."""
    if may_confirm(user, request, volunteer):
        return True
    own = volunteer.user_id is not None and volunteer.user_id == getattr(user, "pk", None)
    return own and may_take(volunteer, request)


def may_confirm(user, request: HelpRequest, volunteer: Volunteer) -> bool:
    """An organiser's word on an assignment: the request's handlers, or whoever may decide an
    open proposal of this volunteer for it."""
    if may_handle(user, request):
        return True
    proposals = Proposal.objects.filter(
        help_request=request, volunteer=volunteer, state=Proposal.State.PROPOSED
    ).select_related("run__region")
    return any(may_run(user, proposal.run.region) for proposal in proposals)


def may_see_private(user, request: HelpRequest) -> bool:
    """The full address and phone: the handlers, and volunteers whose assignment is confirmed."""
    if may_handle(user, request):
        return True
    return request.assignments.filter(
        state=Assignment.State.ACTIVE, volunteer__user=user, confirmed_at__isnull=False
    ).exists()


def assigned_volunteer(request: HelpRequest, volunteer_no: str) -> Volunteer:
    """The volunteer with this number on the request's active assignments (404 otherwise)."""
    assignment = (
        request.assignments.filter(
            state=Assignment.State.ACTIVE, volunteer__volunteer_no=volunteer_no
        )
        .select_related("volunteer")
        .first()
    )
    if assignment is None:
        raise NotFound(_("This volunteer is not assigned."))
    return assignment.volunteer


def may_decide(user, proposal: Proposal) -> bool:
    if proposal.help_request is not None:
        return may_handle(user, proposal.help_request) or may_run(user, proposal.run.region)
    return proposal.shift is not None and may_organise(user, proposal.shift.activity.project)


def _pk(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound() from None


def recipient_for(user, recipient_id, *, manage: bool = False) -> Recipient:
    recipient = (
        selectors.visible_recipients(user)
        .select_related("community", "community__parent")
        .filter(pk=_pk(recipient_id))
        .first()
    )
    if recipient is None:
        raise NotFound(_("No such recipient."))
    if manage and not may_manage_recipient(user, recipient):
        raise PermissionDenied(_("Only the office of this community may do this."))
    return recipient


def request_for(user, request_id, *, verify: bool = False, handle: bool = False) -> HelpRequest:
    """A help request the user may see (its office, team, assigned volunteers, requester)."""
    request = (
        selectors.visible_requests(user)
        .select_related("community", "community__parent", "team", "recipient", "requester")
        .filter(pk=_pk(request_id))
        .first()
    )
    if request is None:
        raise NotFound(_("No such help request."))
    if verify and not may_verify(user, request):
        raise PermissionDenied(_("Only the office of this community may do this."))
    if handle and not may_handle(user, request):
        raise PermissionDenied(_("Only the handling team or the office may do this."))
    return request


def run_for(user, run_id) -> MatchRun:
    run = MatchRun.objects.select_related("region", "created_by").filter(pk=_pk(run_id)).first()
    if run is None or not (run.created_by_id == user.pk or may_run(user, run.region)):
        raise NotFound(_("No such matching run."))
    return run


def proposal_for(user, proposal_id) -> Proposal:
    proposal = (
        Proposal.objects.select_related(
            "run__region",
            "volunteer",
            "help_request__community",
            "help_request__team",
            "shift__activity__project__organiser__region",
            "shift__activity__station",
        )
        .filter(pk=_pk(proposal_id))
        .first()
    )
    if proposal is None or not (may_run(user, proposal.run.region) or may_decide(user, proposal)):
        raise NotFound(_("No such proposal."))
    return proposal
