"""Permission-checked getters: which scopes a user may see statistics for, and who may
freeze figures or edit the report's wording."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from zhiyuan.accounts import scopes
from zhiyuan.core import dates
from zhiyuan.core.errors import NotFound, PermissionDenied, ValidationFailed
from zhiyuan.places.models import Region
from zhiyuan.places.selectors import administered_regions
from zhiyuan.reports.models import ReportFile
from zhiyuan.reports.scope import KINDS, Scope
from zhiyuan.reports.statistics import check_period
from zhiyuan.stations.access import may_manage as may_manage_station
from zhiyuan.stations.models import Station
from zhiyuan.teams.access import may_manage as may_manage_team
from zhiyuan.teams.models import Team
from zhiyuan.teams.selectors import managed_team_paths

MODELS: dict[str, type[Region] | type[Team] | type[Station]] = {
    "region": Region,
    "team": Team,
    "station": Station,
}


def may_see(user, scope: Scope) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    obj = scope.obj
    if isinstance(obj, Region):
        return scopes.administers_region(user, obj)
    if isinstance(obj, Team):
        return may_manage_team(user, obj)
    return may_manage_station(user, obj)


def scope_for(user, kind: str, pk) -> Scope:
    """The scope `kind`/`pk` if the user may see its figures: 404 if unknown, 403 if not theirs."""
    if kind not in KINDS:
        raise ValidationFailed({"scope": [_("Choose region, team or station.")]})
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise ValidationFailed({"scope": [_("The scope's id must be a number.")]}) from None
    obj = MODELS[kind].objects.filter(pk=pk).first()
    if obj is None:
        raise NotFound(_("No such region, team or station."))
    scope = Scope(kind, obj)
    if not may_see(user, scope):
        raise PermissionDenied(_("These figures are outside your area."))
    return scope


def parse_scope_key(user, key: str) -> Scope:
    kind, _sep, pk = (key or "").partition(":")
    return scope_for(user, kind, pk)


def default_scope(user) -> Scope:
    """The widest scope the user administers: their region, else their highest team."""
    paths = scopes.admin_region_paths(user)
    if paths:
        region = (
            Region.objects.filter(parent__isnull=True).order_by("path").first()
            if "/" in paths
            else Region.objects.filter(path__in=paths).order_by("path").first()
        )
        if region is not None:
            return Scope("region", region)
    team_paths = sorted(managed_team_paths(user), key=len)
    if team_paths:
        return Scope("team", Team.objects.get(path=team_paths[0]))
    station = managed_stations(user).first()
    if station is not None:
        return Scope("station", station)
    raise PermissionDenied(
        _("Statistics are for district offices, team admins and station managers.")
    )


def managed_stations(user):
    """The stations the user is a named manager of (a station's own figures are theirs)."""
    if not getattr(user, "is_authenticated", False):
        return Station.objects.none()
    return Station.objects.filter(managers=user).order_by("name")


def scope_choices(user) -> list[Scope]:
    """The scopes offered in the dashboard's picker: the user's regions and their subregions,
    and the teams they manage with their subteams (the district's first two team levels)."""
    choices: list[Scope] = []
    if scopes.admin_region_paths(user):
        choices += [Scope("region", r) for r in administered_regions(user)[:200]]
    if scopes.team_paths(user):
        teams = Team.objects.filter(
            scopes.administered(user, team="path"), status=Team.Status.ACTIVE
        ).order_by("path")
        choices += [Scope("team", t) for t in teams[:200]]
    choices += [Scope("station", s) for s in managed_stations(user)[:200]]
    return choices


def check_may_freeze(user, scope: Scope) -> None:
    """Freezing figures is for the office over the scope's region (a subdistrict office
    freezes its own subdistrict's, the district office any)."""
    region = scope.obj if isinstance(scope.obj, Region) else scope.obj.region
    if not scopes.administers_region(user, region):
        raise PermissionDenied(
            _("Only the office over %(region)s may freeze or unfreeze these figures.")
            % {"region": region.name}
        )


def may_edit_wording(user) -> bool:
    """The report's wording is the district's: admins of a whole district edit it."""
    return scopes.runs_a_district(user)


def check_may_edit_wording(user) -> None:
    if not may_edit_wording(user):
        raise PermissionDenied(_("Only the district office may edit the report's wording."))


def _date(value, field: str, default: dt.date) -> dt.date:
    if value in (None, ""):
        return default
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value))
        except ValueError:
            raise ValidationFailed({field: [_("Enter a date as YYYY-MM-DD.")]}) from None
    if not dates.in_range(value):
        raise ValidationFailed({field: [dates.out_of_range_message()]})
    return value


def figures_request(user, scope_key: str | None, start, end) -> tuple[Scope, dt.date, dt.date]:
    """The scope (the user's default when none is named) and period (the current calendar
    year when none is given) of a request for figures, checked."""
    scope = parse_scope_key(user, scope_key) if scope_key else default_scope(user)
    today = timezone.localdate()
    start = _date(start, "start", dt.date(today.year, 1, 1))
    end = _date(end, "end", dt.date(today.year + 1, 1, 1))
    check_period(start, end)
    return scope, start, end


def report_for(user, report_id) -> ReportFile:
    """A generated report: only the person who asked for it may fetch it."""
    report = ReportFile.objects.filter(pk=report_id).first()
    if report is None or report.requested_by_id != getattr(user, "pk", None):
        raise NotFound(_("No such report."))
    return report
