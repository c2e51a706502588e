"""Permission-checked getters for complaints and their evidence photos (activities come from
projects.access)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhiyuan.accounts import scopes
from zhiyuan.core.errors import NotFound, PermissionDenied
from zhiyuan.feedback.models import Complaint, ComplaintEvidence
from zhiyuan.teams.access import may_manage as may_manage_team


def may_handle(user, complaint: Complaint) -> bool:
    """The office whose region covers the complaint's subject."""
    return scopes.administers_region(user, complaint.region)


def may_answer(user, complaint: Complaint) -> bool:
    """Admins of the team concerned (and the teams above it)."""
    return complaint.team_id is not None and may_manage_team(user, complaint.team)


def may_see_evidence(user, complaint: Complaint) -> bool:
    """The photo is for those who act on the complaint: the office in charge and the team
    concerned (not the filer's account, not the public tracking page)."""
    return may_handle(user, complaint) or may_answer(user, complaint)


def may_read(user, complaint: Complaint) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    own = complaint.filed_by_id is not None and complaint.filed_by_id == user.pk
    return own or may_handle(user, complaint) or may_answer(user, complaint)


def complaint_for(user, complaint_id) -> Complaint:
    """The complaint if the user may read it (office in charge, team concerned, its filer)."""
    try:
        pk = int(complaint_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    complaint = Complaint.objects.select_related("region", "team").filter(pk=pk).first()
    if complaint is None or not may_read(user, complaint):
        raise NotFound(_("No such complaint."))
    return complaint


def evidence_for(user, complaint_id) -> ComplaintEvidence:
    """The complaint's photo if it has one and the user may see it; 404 otherwise (a filer
    who may read the complaint is told the photo is not theirs to see)."""
    complaint = complaint_for(user, complaint_id)
    if not may_see_evidence(user, complaint):
        raise PermissionDenied(
            _("Only the office in charge and the team concerned may see the photo.")
        )
    evidence = ComplaintEvidence.objects.filter(complaint=complaint).first()
    if evidence is None:
        raise NotFound(_("This complaint has no photo."))
    return evidence
