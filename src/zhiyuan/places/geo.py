"""Coordinates: WGS-84 is stored; GCJ-02 (Amap, Tencent, WeChat) and BD-09 (Baidu) are
converted on entry. Distances on the sphere; point-in-polygon for region outlines.

The GCJ-02 offset is a published obfuscation without a closed-form inverse: the inverse
here iterates the forward transform, which lands within centimetres inside China.
"""

from __future__ import annotations

import math
from enum import StrEnum

EARTH_RADIUS_M = 6_371_008.8
_A = 6_378_245.0  # Krasovsky 1940 semi-major axis, as GCJ-02 uses
_EE = 0.006_693_421_622_965_943


class CoordSystem(StrEnum):
    WGS84 = "wgs84"
    GCJ02 = "gcj02"
    BD09 = "bd09"


def _outside_china(lng: float, lat: float) -> bool:
    return not (72.004 <= lng <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _delta(lng: float, lat: float) -> tuple[float, float]:
    x, y = lng - 105.0, lat - 35.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    dlat += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    dlat += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    dlat += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    dlng = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    dlng += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    dlng += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    dlng += (
        (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    )
    radlat = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(radlat) ** 2
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * math.pi)
    dlng = (dlng * 180.0) / (_A / sqrtmagic * math.cos(radlat) * math.pi)
    return dlng, dlat


def wgs84_to_gcj02(lng: float, lat: float) -> tuple[float, float]:
    if _outside_china(lng, lat):
        return lng, lat
    dlng, dlat = _delta(lng, lat)
    return lng + dlng, lat + dlat


def gcj02_to_wgs84(lng: float, lat: float) -> tuple[float, float]:
    if _outside_china(lng, lat):
        return lng, lat
    wlng, wlat = lng, lat
    for _ in range(10):
        glng, glat = wgs84_to_gcj02(wlng, wlat)
        wlng, wlat = wlng - (glng - lng), wlat - (glat - lat)
    return wlng, wlat


_X_PI = math.pi * 3000.0 / 180.0


def bd09_to_gcj02(lng: float, lat: float) -> tuple[float, float]:
    x, y = lng - 0.0065, lat - 0.006
    z = math.sqrt(x * x + y * y) - 0.00002 * math.sin(y * _X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _X_PI)
    return z * math.cos(theta), z * math.sin(theta)


def gcj02_to_bd09(lng: float, lat: float) -> tuple[float, float]:
    z = math.sqrt(lng * lng + lat * lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lng) + 0.000003 * math.cos(lng * _X_PI)
    return z * math.cos(theta) + 0.0065, z * math.sin(theta) + 0.006


def to_wgs84(lng: float, lat: float, system: str) -> tuple[float, float]:
    """Convert a point given in `system` to WGS-84 (lng, lat)."""
    system = CoordSystem(system)
    if system == CoordSystem.GCJ02:
        return gcj02_to_wgs84(lng, lat)
    if system == CoordSystem.BD09:
        return gcj02_to_wgs84(*bd09_to_gcj02(lng, lat))
    return lng, lat


def distance_m(lng1: float, lat1: float, lng2: float, lat2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def _in_ring(lng: float, lat: float, ring) -> bool:
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > lat) != (yj > lat) and lng < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def contains(geometry: dict | None, lng: float, lat: float) -> bool:
    """Whether a GeoJSON Polygon or MultiPolygon contains the point (holes respected)."""
    if not geometry:
        return False
    polygons = (
        [geometry["coordinates"]]
        if geometry.get("type") == "Polygon"
        else geometry.get("coordinates", [])
    )
    for rings in polygons:
        if (
            rings
            and _in_ring(lng, lat, rings[0])
            and not any(_in_ring(lng, lat, hole) for hole in rings[1:])
        ):
            return True
    return False
