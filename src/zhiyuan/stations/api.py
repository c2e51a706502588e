"""API: stations and points (public reads), their management, check-in tokens and audits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from zhiyuan.accounts.apiauth import OPTIONAL
from zhiyuan.accounts.models import User
from zhiyuan.core.errors import ValidationFailed
from zhiyuan.places.models import Region
from zhiyuan.stations import access, selectors, services
from zhiyuan.stations.models import Criterion, Station
from zhiyuan.teams.models import Team

router = Router(tags=["stations"])


class StationOut(Schema):
    id: int
    name: str
    kind: str
    place_type: str
    place_name: str
    base_level: str
    base_year: int | None
    region_id: int
    address: str
    latitude: Decimal
    longitude: Decimal
    checkin_radius_m: int
    opening_hours: str
    services: str
    managing_team_id: int | None
    status: str
    compliance: str = selectors.Compliance.UNAUDITED
    latest_audited_on: dt.date | None = None


class StationIn(Schema):
    name: str = Field(..., max_length=100)
    kind: Station.Kind
    region_id: int
    address: str = Field(..., max_length=200)
    longitude: float
    latitude: float
    coord_system: str = Field(
        "wgs84", description="wgs84 (GPS), gcj02 (Amap/Tencent) or bd09 (Baidu)"
    )
    checkin_radius_m: int = 200
    place_type: str = ""
    place_name: str = Field("", max_length=100)
    base_level: str = ""
    base_year: int | None = None
    opening_hours: str = Field("", max_length=200)
    services: str = Field("", max_length=5000)
    managing_team_id: int | None = None


class StationPatch(Schema):
    name: str | None = Field(None, max_length=100)
    address: str | None = Field(None, max_length=200)
    longitude: float | None = None
    latitude: float | None = None
    coord_system: str = "wgs84"
    checkin_radius_m: int | None = None
    opening_hours: str | None = Field(None, max_length=200)
    services: str | None = Field(None, max_length=5000)
    managing_team_id: int | None = None
    status: Station.Status | None = None


class ManagerIn(Schema):
    username: str = Field(..., max_length=150, description="a username or volunteer number")


class StationTokenOut(Schema):
    checkin_url: str


class AuditItemIn(Schema):
    criterion: Criterion
    met: bool
    note: str = Field("", max_length=300)


class AuditIn(Schema):
    audited_on: dt.date
    items: list[AuditItemIn]
    note: str = Field("", max_length=2000)


class AuditItemOut(Schema):
    criterion: str
    met: bool
    note: str


class AuditOut(Schema):
    id: int
    station_id: int
    audited_on: dt.date
    compliant: bool
    note: str
    auditor: str
    items: list[AuditItemOut]

    @staticmethod
    def resolve_auditor(obj) -> str:
        return str(obj.auditor)

    @staticmethod
    def resolve_items(obj) -> list:
        return list(obj.items.all())


class ShortfallOut(Schema):
    station_id: int
    station: str
    audited_on: dt.date
    failed: list[AuditItemOut]


class StationQuery(Schema):
    q: str = Field("", max_length=50)
    kind: Station.Kind | None = None
    region_id: int | None = None
    compliance: str = Field("", pattern="^(|compliant|short|unaudited)$")


def _region(region_id) -> Region:
    region = Region.objects.filter(pk=region_id).first()
    if region is None:
        raise ValidationFailed({"region_id": [_("Unknown region.")]})
    return region


def _team(team_id) -> Team | None:
    if team_id is None:
        return None
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise ValidationFailed({"managing_team_id": [_("Unknown team.")]})
    return team


def _user(name: str) -> User:
    user = User.objects.filter(username=name.strip()).first()
    if user is None:
        raise ValidationFailed({"username": [_("No account has this name or number.")]})
    return user


@router.get("/stations", auth=OPTIONAL, response=list[StationOut])
def list_stations(request, query: Query[StationQuery]):
    return selectors.stations(
        selectors.StationFilter(
            q=query.q, kind=query.kind or "", region_id=query.region_id, compliance=query.compliance
        )
    )


@router.get("/stations/shortfalls", response=list[ShortfallOut])
def list_shortfalls(request):
    """Open stations in the caller's regions whose latest audit failed, and which standards."""
    return [
        {
            "station_id": station.pk,
            "station": station.name,
            "audited_on": station.latest_audited_on,
            "failed": failed,
        }
        for station, failed in selectors.shortfalls(request.auth)
    ]


@router.get("/stations/{station_id}", auth=OPTIONAL, response=StationOut)
def get_station(request, station_id: int):
    station = access.station_for(request.auth, station_id)
    return selectors.with_compliance(Station.objects.filter(pk=station.pk)).get()


@router.post("/stations", response={201: StationOut})
def create_station(request, payload: StationIn):
    data = payload.dict(
        exclude={"region_id", "managing_team_id", "longitude", "latitude", "coord_system"}
    )
    station = services.create_station(
        actor=request.auth,
        region=_region(payload.region_id),
        managing_team=_team(payload.managing_team_id),
        longitude=payload.longitude,
        latitude=payload.latitude,
        coord_system=payload.coord_system,
        **data,
    )
    return Status(201, station)


@router.patch("/stations/{station_id}", response=StationOut)
def update_station(request, station_id: int, payload: StationPatch):
    station = access.station_for(request.auth, station_id, manage=True)
    changes = payload.dict(exclude_unset=True)
    # JSON null: blank for the optional texts, refused for what a station cannot be without.
    for name in ("opening_hours", "services"):
        if name in changes and changes[name] is None:
            changes[name] = ""
    required = ("name", "address", "checkin_radius_m", "coord_system")
    empty = [name for name in required if name in changes and changes[name] is None]
    if empty:
        raise ValidationFailed({name: [_("This field cannot be empty.")] for name in empty})
    status = changes.pop("status", None)
    if "managing_team_id" in changes:
        changes["managing_team"] = _team(changes.pop("managing_team_id"))
    services.update_station(actor=request.auth, station=station, **changes)
    if status:
        services.set_status(actor=request.auth, station=station, status=status)
    return selectors.with_compliance(Station.objects.filter(pk=station.pk)).get()


@router.post("/stations/{station_id}/managers", response=StationOut)
def add_manager(request, station_id: int, payload: ManagerIn):
    station = access.station_for(request.auth, station_id, manage=True)
    services.add_manager(actor=request.auth, station=station, user=_user(payload.username))
    return selectors.with_compliance(Station.objects.filter(pk=station.pk)).get()


@router.post("/stations/{station_id}/rotate-token", response=StationTokenOut)
def rotate_token(request, station_id: int):
    """Issue a new check-in code: posters printed before stop working."""
    station = access.station_for(request.auth, station_id, manage=True)
    station = services.rotate_checkin_token(actor=request.auth, station=station)
    return {"checkin_url": request.build_absolute_uri(f"/s/{station.checkin_token}/")}


@router.get("/stations/{station_id}/audits", auth=OPTIONAL, response=list[AuditOut])
def list_audits(request, station_id: int):
    station = access.station_for(request.auth, station_id)
    return selectors.audits_of(station)


@router.post("/stations/{station_id}/audits", response={201: AuditOut})
def record_audit(request, station_id: int, payload: AuditIn):
    station = access.station_for(request.auth, station_id)
    items = {item.criterion: (item.met, item.note) for item in payload.items}
    if len(items) != len(payload.items):
        raise ValidationFailed({"items": [_("Each standard may be answered only once.")]})
    audit = services.record_audit(
        actor=request.auth,
        station=station,
        audited_on=payload.audited_on,
        items=items,
        note=payload.note,
    )
    return Status(201, audit)
