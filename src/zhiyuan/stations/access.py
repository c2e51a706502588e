"""The permission-checked getter for a station, used by pages and API alike."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhiyuan.accounts import scopes
from zhiyuan.core.errors import NotFound, PermissionDenied
from zhiyuan.stations.models import Station
from zhiyuan.teams.access import may_manage as may_manage_team


def may_manage(user, station: Station) -> bool:
    """The region's office, the station's managers, and admins of its managing team."""
    if not getattr(user, "is_authenticated", False):
        return False
    if scopes.administers_region(user, station.region):
        return True
    if station.managers.filter(pk=user.pk).exists():
        return True
    if station.managing_team_id is not None:
        return may_manage_team(user, station.managing_team)
    return False


def may_audit(user, station: Station) -> bool:
    """Audits against the eight standards are the office's of the station's region."""
    return scopes.administers_region(user, station.region)


def check_may_open(user) -> None:
    """Stations are opened by the offices (each in its own region: the service checks that)."""
    if not scopes.is_district_admin(user):
        raise PermissionDenied(_("Only office admins may open stations."))


def station_for(user, station_id, *, manage: bool = False, audit: bool = False) -> Station:
    """Open stations are public; closed ones only for their managers. `manage` → 403 if not;
    `audit` → 403 unless the office of the station's region."""
    try:
        station = Station.objects.select_related("region", "managing_team").get(pk=int(station_id))
    except (Station.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("No such station.")) from None
    allowed = may_manage(user, station)
    if not station.is_open and not allowed:
        raise NotFound(_("No such station."))
    if manage and not allowed:
        raise PermissionDenied(_("Only this station's managers may do this."))
    if audit and not may_audit(user, station):
        raise PermissionDenied(_("Only the office of this region may audit its stations."))
    return station


def station_by_token(token: str) -> Station:
    """The open station whose current check-in token this is; an old poster's token is 404."""
    station = (
        Station.objects.select_related("region", "managing_team")
        .filter(checkin_token=token, status=Station.Status.OPEN)
        .first()
    )
    if station is None:
        raise NotFound(_("This check-in code is out of date or unknown. Ask for a new poster."))
    return station
