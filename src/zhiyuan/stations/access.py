"""The permission-checked getter for a station, used by pages and API alike."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhiyuan.core.errors import NotFound, PermissionDenied
from zhiyuan.stations.models import Station
from zhiyuan.stations.selectors import may_manage


def station_for(user, station_id, *, manage: bool = False) -> Station:
    """Open stations are public; closed ones only for their managers. `manage` → 403 if not."""
    try:
        station = Station.objects.select_related("region", "managing_team").get(pk=int(station_id))
    except (Station.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("No such station.")) from None
    allowed = may_manage(user, station)
    if not station.is_open and not allowed:
        raise NotFound(_("No such station."))
    if manage and not allowed:
        raise PermissionDenied(_("Only this station's managers may do this."))
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
