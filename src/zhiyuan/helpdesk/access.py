"""Permission-checked getters for recipients, help requests, matching runs and proposals."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhiyuan.core.errors import NotFound, PermissionDenied
from zhiyuan.helpdesk import selectors
from zhiyuan.helpdesk.models import HelpRequest, MatchRun, Proposal, Recipient
from zhiyuan.helpdesk.proposals import may_decide, may_run
from zhiyuan.helpdesk.services import may_handle, may_manage_recipient, may_verify


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
