"""Use cases that write stations: open, edit, close, managers, check-in token, audits."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import cast

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhiyuan.accounts import scopes
from zhiyuan.accounts.models import User
from zhiyuan.core.errors import Conflict, PermissionDenied, ValidationFailed
from zhiyuan.places import geo
from zhiyuan.places.models import Region
from zhiyuan.stations.access import may_manage
from zhiyuan.stations.models import Audit, AuditItem, Criterion, Station, new_checkin_token

SIX_PLACES = Decimal("0.000001")


def _district_outline(region: Region) -> list[dict]:
    """The geometries that bound `region`'s district: its own outline, else its subdistricts'."""
    district_code = region.path.split("/")[1]
    district = Region.objects.filter(code=district_code).only("outline", "path").first()
    if district is None:
        return []
    if district.outline:
        return [district.outline]
    return cast(
        list[dict],
        list(
            Region.objects.filter(parent=district, outline__isnull=False).values_list(
                "outline", flat=True
            )
        ),
    )


def _place(errors: dict, *, region, longitude, latitude, coord_system) -> tuple | None:
    """Validate a point and convert it to WGS-84; None (and an error) if it is unusable."""
    try:
        lng, lat = float(longitude), float(latitude)
    except (TypeError, ValueError):
        errors["latitude"] = [str(_("Enter the coordinates as decimal degrees."))]
        return None
    if not (-180 <= lng <= 180 and -90 <= lat <= 90):
        errors["latitude"] = [str(_("These are not valid coordinates."))]
        return None
    try:
        lng, lat = geo.to_wgs84(lng, lat, coord_system or geo.CoordSystem.WGS84)
    except ValueError:
        errors["coord_system"] = [str(_("Unknown coordinate system."))]
        return None
    outlines = _district_outline(region) if region is not None else []
    if outlines and not any(geo.contains(shape, lng, lat) for shape in outlines):
        errors["latitude"] = [str(_("The point lies outside the district."))]
        return None
    return (
        Decimal(str(lng)).quantize(SIX_PLACES, ROUND_HALF_UP),
        Decimal(str(lat)).quantize(SIX_PLACES, ROUND_HALF_UP),
    )


def _validate(errors: dict, data: dict) -> None:
    if not (data.get("name") or "").strip():
        errors["name"] = [str(_("The name is required."))]
    kind = data.get("kind")
    if kind not in Station.Kind.values:
        errors["kind"] = [str(_("Choose a kind of station."))]
    if not (data.get("address") or "").strip():
        errors["address"] = [str(_("The address is required."))]
    radius = data.get("checkin_radius_m")
    if radius is None or not 10 <= int(radius) <= 5000:
        errors["checkin_radius_m"] = [
            str(_("The check-in radius must be between 10 and 5000 metres."))
        ]
    if data.get("place_type") and data["place_type"] not in Station.PlaceType.values:
        errors["place_type"] = [str(_("Unknown type of place."))]
    if kind == Station.Kind.PUBLIC_PLACE and not data.get("place_type"):
        errors["place_type"] = [str(_("Say what kind of public place it is."))]
    if kind == Station.Kind.BASE:
        if data.get("base_level") not in Station.BaseLevel.values:
            errors["base_level"] = [str(_("A base needs its level (district, city …)."))]
        year = data.get("base_year")
        if not year or not 1989 <= int(year) <= timezone.localdate().year:
            errors["base_year"] = [str(_("A base needs the year it was designated."))]
    region = data.get("region")
    if region is None:
        errors["region"] = [str(_("Choose the station's region."))]
    team = data.get("managing_team")
    if team is not None and not team.is_active:
        errors["managing_team"] = [str(_("The managing team is dissolved."))]


FIELDS = (
    "name",
    "kind",
    "place_type",
    "place_name",
    "base_level",
    "base_year",
    "region",
    "address",
    "checkin_radius_m",
    "opening_hours",
    "services",
    "managing_team",
)


def create_station(
    *, actor: User, longitude, latitude, coord_system: str = "wgs84", **data
) -> Station:
    """Open a station; the office of its region decides where stations are."""
    region = data.get("region")
    if region is None or not scopes.administers_region(actor, region):
        raise PermissionDenied(_("Only the office of this region may open a station in it."))
    data.setdefault("checkin_radius_m", 200)
    errors: dict[str, list[str]] = {}
    unknown = set(data) - set(FIELDS)
    if unknown:
        raise ValidationFailed({name: [str(_("Unknown field."))] for name in unknown})
    _validate(errors, data)
    point = _place(
        errors, region=region, longitude=longitude, latitude=latitude, coord_system=coord_system
    )
    if errors:
        raise ValidationFailed(errors)
    assert point is not None  # no error, so the place was read
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}
    if values.get("kind") != Station.Kind.BASE:
        values.update(base_level="", base_year=None)
    return Station.objects.create(longitude=point[0], latitude=point[1], **values)


def update_station(
    *,
    actor: User,
    station: Station,
    longitude=None,
    latitude=None,
    coord_system="wgs84",
    **changes,
) -> Station:
    """Edit a station. Its managers and managing team may; moving it is the office's call."""
    if not may_manage(actor, station):
        raise PermissionDenied(_("Only this station's managers may change it."))
    moves = (
        longitude is not None or latitude is not None or "region" in changes or "kind" in changes
    )
    if moves and not scopes.administers_region(actor, station.region):
        raise PermissionDenied(_("Only the office may move a station or change its kind."))
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise ValidationFailed({name: [str(_("Unknown field."))] for name in unknown})
    merged = {name: changes.get(name, getattr(station, name)) for name in FIELDS}
    errors: dict[str, list[str]] = {}
    _validate(errors, merged)
    point = None
    if longitude is not None or latitude is not None or "region" in changes:
        point = _place(
            errors,
            region=merged["region"],
            longitude=station.longitude if longitude is None else longitude,
            latitude=station.latitude if latitude is None else latitude,
            coord_system=coord_system if longitude is not None else "wgs84",
        )
    if errors:
        raise ValidationFailed(errors)
    fields = list(changes)
    for name in fields:
        value = changes[name]
        setattr(station, name, value.strip() if isinstance(value, str) else value)
    if point is not None:
        station.longitude, station.latitude = point
        fields += ["longitude", "latitude"]
    if fields:
        station.save(update_fields=fields)
    return station


def set_status(*, actor: User, station: Station, status: str) -> Station:
    if not scopes.administers_region(actor, station.region):
        raise PermissionDenied(_("Only the office may close or reopen a station."))
    if status not in Station.Status.values:
        raise ValidationFailed({"status": [str(_("Unknown status."))]})
    station.status = status
    station.save(update_fields=["status"])
    return station


def add_manager(*, actor: User, station: Station, user) -> Station:
    if not scopes.administers_region(actor, station.region) and not may_manage(actor, station):
        raise PermissionDenied(_("Only this station's managers may add a manager."))
    station.managers.add(user)
    return station


def remove_manager(*, actor: User, station: Station, user) -> Station:
    if not may_manage(actor, station):
        raise PermissionDenied(_("Only this station's managers may remove a manager."))
    station.managers.remove(user)
    return station


def rotate_checkin_token(*, actor: User, station: Station) -> Station:
    """A new token for the poster's QR code; every poster printed before stops working."""
    if not may_manage(actor, station):
        raise PermissionDenied(_("Only this station's managers may renew its check-in code."))
    station.checkin_token = new_checkin_token()
    station.save(update_fields=["checkin_token"])
    return station


def record_audit(
    *,
    actor: User,
    station: Station,
    audited_on: dt.date,
    items: dict[str, tuple[bool, str]],
    note: str = "",
) -> Audit:
    """Record an audit against all eight standards; the station's state follows its latest audit."""
    if not scopes.administers_region(actor, station.region):
        raise PermissionDenied(_("Only the office of this region may audit its stations."))
    errors: dict[str, list[str]] = {}
    if not station.is_open:
        raise Conflict(_("A closed station cannot be audited."))
    if audited_on is None or audited_on > timezone.localdate():
        errors["audited_on"] = [str(_("The audit date cannot be in the future."))]
    missing = [c for c in Criterion.values if c not in items]
    unknown = [c for c in items if c not in Criterion.values]
    if missing:
        errors["items"] = [
            str(
                _("Every standard needs an answer; missing: %(list)s.")
                % {"list": "、".join(str(Criterion(c).label) for c in missing)}
            )
        ]
    if unknown:
        errors["items"] = [str(_("Unknown standard: %(list)s.") % {"list": ", ".join(unknown)})]
    for criterion, (met, item_note) in items.items():
        if criterion in Criterion.values and not met and len((item_note or "").strip()) < 2:
            errors[f"items.{criterion}"] = [
                str(
                    _("Say why “%(criterion)s” is not met.")
                    % {"criterion": Criterion(criterion).label}
                )
            ]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        audit = Audit.objects.create(
            station=station,
            auditor=actor,
            audited_on=audited_on,
            compliant=all(met for met, _note in items.values()),
            note=(note or "").strip(),
        )
        AuditItem.objects.bulk_create(
            AuditItem(audit=audit, criterion=c, met=bool(m), note=(n or "").strip()[:300])
            for c, (m, n) in items.items()
        )
    return audit
