"""Permission-checked getters for service records and correction requests."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhiyuan.accounts import scopes
from zhiyuan.core.errors import NotFound
from zhiyuan.places.models import Region
from zhiyuan.service.models import CorrectionRequest, ServiceRecord
from zhiyuan.teams.access import may_manage
from zhiyuan.teams.models import Team


def may_enter_outside_shift(user, team: Team, region: Region) -> bool:
    """Hours given outside a shift: the admins of the team that served, or the office of the
    region where the service was given."""
    return may_manage(user, team) or scopes.administers_region(user, region)


def may_import_transfers(user) -> bool:
    """Transfers in (转移接续) are an office's work: its region's volunteers."""
    return scopes.is_district_admin(user)


def may_transfer_in(user, volunteer) -> bool:
    """Records from another system go to a volunteer of a region the office runs."""
    return scopes.administers_region(user, volunteer.community)


def record_for(user, record_id) -> ServiceRecord:
    """Its volunteer and the recording team's managers may see a record; others get 404."""
    try:
        record = ServiceRecord.objects.select_related(
            "volunteer", "team", "team__region", "project", "shift"
        ).get(pk=int(record_id))
    except (ServiceRecord.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("No such record.")) from None
    own = record.volunteer.user_id is not None and record.volunteer.user_id == user.pk
    if not own and not may_manage(user, record.team):
        raise NotFound(_("No such record."))
    return record


def correction_for(user, request_id) -> CorrectionRequest:
    try:
        row = CorrectionRequest.objects.select_related("volunteer", "team", "team__region").get(
            pk=int(request_id)
        )
    except (CorrectionRequest.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("No such request.")) from None
    own = row.volunteer.user_id is not None and row.volunteer.user_id == user.pk
    if not own and not may_manage(user, row.team):
        raise NotFound(_("No such request."))
    return row
