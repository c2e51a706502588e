"""Queries that read stations: lists with their audit state, shortfalls, the map's data."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, CharField, OuterRef, Q, QuerySet, Subquery, Value, When

from zhiyuan.accounts import scopes
from zhiyuan.places.models import Region
from zhiyuan.stations.models import Audit, AuditItem, Station


class Compliance:
    COMPLIANT = "compliant"
    SHORT = "short"
    UNAUDITED = "unaudited"


def with_compliance(qs: QuerySet[Station]) -> QuerySet[Station]:
    """Annotate each station with its latest audit (id, date) and compliance state."""
    latest = Audit.objects.filter(station=OuterRef("pk")).order_by("-audited_on", "-id")
    return qs.annotate(
        latest_audit_id=Subquery(latest.values("id")[:1]),
        latest_audited_on=Subquery(latest.values("audited_on")[:1]),
        latest_compliant=Subquery(latest.values("compliant")[:1]),
    ).annotate(
        compliance=Case(
            When(latest_compliant=True, then=Value(Compliance.COMPLIANT)),
            When(latest_compliant=False, then=Value(Compliance.SHORT)),
            default=Value(Compliance.UNAUDITED),
            output_field=CharField(),
        )
    )


@dataclass(frozen=True)
class StationFilter:
    q: str = ""
    kind: str = ""
    region_id: int | None = None
    compliance: str = ""
    include_closed: bool = False


def stations(filters: StationFilter | None = None) -> QuerySet[Station]:
    """Stations are public: residents look for them. Closed ones only on request."""
    filters = filters or StationFilter()
    qs = with_compliance(Station.objects.select_related("region", "managing_team"))
    if not filters.include_closed:
        qs = qs.filter(status=Station.Status.OPEN)
    if filters.q.strip():
        text = filters.q.strip()
        qs = qs.filter(
            Q(name__contains=text) | Q(address__contains=text) | Q(place_name__contains=text)
        )
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.region_id:
        region = Region.objects.filter(pk=filters.region_id).first()
        qs = qs.filter(scopes.within("region__path", region.path)) if region else qs.none()
    if filters.compliance:
        qs = qs.filter(compliance=filters.compliance)
    return qs.order_by("kind", "name")


def shortfalls(user) -> list[tuple[Station, list[AuditItem]]]:
    """Stations in the user's regions whose latest audit failed, with the failed standards."""
    paths = scopes.admin_region_paths(user)
    if not paths:
        return []
    condition = scopes.within("region__path", paths)
    short = list(
        with_compliance(Station.objects.filter(condition, status=Station.Status.OPEN))
        .filter(compliance=Compliance.SHORT)
        .select_related("region")
        .order_by("region__path", "name")
    )
    failed: dict[int, list[AuditItem]] = {}
    for item in AuditItem.objects.filter(
        audit_id__in=[s.latest_audit_id for s in short], met=False
    ).order_by("criterion"):
        failed.setdefault(item.audit_id, []).append(item)
    return [(station, failed.get(station.latest_audit_id, [])) for station in short]


def audits_of(station: Station) -> QuerySet[Audit]:
    return station.audits.select_related("auditor").prefetch_related("items")


def map_data() -> dict:
    """Subdistrict outlines (GeoJSON) and open stations for the offline map."""
    features = [
        {
            "type": "Feature",
            "properties": {"name": name, "level": level},
            "geometry": outline,
        }
        for name, level, outline in Region.objects.filter(
            level__in=[Region.Level.SUBDISTRICT], outline__isnull=False
        ).values_list("name", "level", "outline")
    ]
    points = [
        {
            "id": s.pk,
            "name": s.name,
            "kind": s.kind,
            "kind_label": str(s.get_kind_display()),
            "lng": float(s.longitude),
            "lat": float(s.latitude),
            "compliance": s.compliance,
        }
        for s in with_compliance(Station.objects.filter(status=Station.Status.OPEN))
    ]
    return {"outlines": {"type": "FeatureCollection", "features": features}, "stations": points}
