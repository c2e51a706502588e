"""Demo outlines: the district (9.98 km²), six subdistrict cells that tile it, community points.

The district is a quadrilateral leaning north-west to south-east along the river, as 和平区
does in central Tianjin. A 3 × 2 grid is laid over it; the grid's corners are jittered and
each grid edge gets two wobbled points, computed once and shared by the two cells on either
side, so neighbouring cells share their border exactly: no gaps, no overlaps. The outer
edges, walked once around, are the district's own outline.
"""

from __future__ import annotations

import math
import random
from typing import TYPE_CHECKING

from zhiyuan.places import geo
from zhiyuan.places.models import Region

if TYPE_CHECKING:
    from zhiyuan.demo.context import DemoContext

Point = tuple[float, float]  # (lng, lat), WGS-84

AREA_KM2 = 9.98
# The district's corners (lng, lat) before the jitter, inside lng 117.17–117.23 and
# lat 39.10–39.14; the whole is then scaled about its centre to AREA_KM2.
SOUTH_WEST, SOUTH_EAST = (117.186, 39.101), (117.228, 39.112)
NORTH_EAST, NORTH_WEST = (117.204, 39.139), (117.172, 39.133)
COLUMNS, ROWS = 3, 2
# Each subdistrict's cell as (column from the west, row from the south).
CELLS = {
    "新兴街道": (0, 1),
    "南市街道": (1, 1),
    "劝业场街道": (2, 1),
    "南营门街道": (0, 0),
    "五大道街道": (1, 0),
    "小白楼街道": (2, 0),
}
# Jitter in grid units (a cell is 1/3 wide and 1/2 high): small enough that every cell
# stays a simple polygon, large enough that no border is straight.
CORNER_JITTER = (0.06, 0.08)
EDGE_WOBBLE = (0.03, 0.04)
# Communities of one subdistrict keep this far apart where there is room.
COMMUNITY_SPACING_M = 250

KM_PER_DEGREE_LAT = 111.0
# One flat projection for the whole district, so the cells' areas add up to the district's.
REFERENCE_LAT = 39.12


def area_km2(outline: dict) -> float:
    """Area of a Polygon's outer ring on a flat projection at REFERENCE_LAT (~0.1% here)."""
    ring = outline["coordinates"][0]
    kx, ky = KM_PER_DEGREE_LAT * math.cos(math.radians(REFERENCE_LAT)), KM_PER_DEGREE_LAT
    twice = sum(
        (x1 * kx) * (y2 * ky) - (x2 * kx) * (y1 * ky)
        for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False)
    )
    return abs(twice) / 2


def point_in(rng: random.Random, outline: dict) -> Point:
    """A uniformly random point inside the outline, rounded as stations store it."""
    ring = outline["coordinates"][0]
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    while True:
        lng = round(rng.uniform(min(xs), max(xs)), 6)
        lat = round(rng.uniform(min(ys), max(ys)), 6)
        if geo.contains(outline, lng, lat):
            return lng, lat


def point_near(rng: random.Random, outline: dict, centre: Point, radius_m: float) -> Point:
    """A random point within `radius_m` of `centre` and inside the outline.

    `centre` itself is inside, so the search only fails for a radius far larger than the
    outline; it then settles for the centre.
    """
    lat_m = KM_PER_DEGREE_LAT * 1000
    lng_m = lat_m * math.cos(math.radians(centre[1]))
    for _attempt in range(200):
        distance = radius_m * math.sqrt(rng.random())
        angle = rng.uniform(0, 2 * math.pi)
        lng = round(centre[0] + distance * math.cos(angle) / lng_m, 6)
        lat = round(centre[1] + distance * math.sin(angle) / lat_m, 6)
        if geo.contains(outline, lng, lat):
            return lng, lat
    return centre


def _bilinear(u: float, v: float) -> Point:
    """Grid coordinates (0..1 west to east, 0..1 south to north) to (lng, lat)."""
    corners = (SOUTH_WEST, SOUTH_EAST, NORTH_EAST, NORTH_WEST)
    weights = ((1 - u) * (1 - v), u * (1 - v), u * v, (1 - u) * v)
    return (
        sum(w * c[0] for w, c in zip(weights, corners, strict=True)),
        sum(w * c[1] for w, c in zip(weights, corners, strict=True)),
    )


class Grid:
    """The jittered grid: corner points and the wobbled points along each edge, in (u, v)."""

    def __init__(self, rng: random.Random):
        self.corners: dict[tuple[int, int], Point] = {}
        for i in range(COLUMNS + 1):
            for j in range(ROWS + 1):
                on_side, on_end = i in (0, COLUMNS), j in (0, ROWS)
                du = 0 if on_side else rng.uniform(-1, 1) * CORNER_JITTER[0]
                dv = 0 if on_end else rng.uniform(-1, 1) * CORNER_JITTER[1]
                self.corners[i, j] = (i / COLUMNS + du, j / ROWS + dv)
        self.edges: dict[tuple[tuple[int, int], tuple[int, int]], list[Point]] = {}
        for a in sorted(self.corners):
            for b in ((a[0] + 1, a[1]), (a[0], a[1] + 1)):
                if b in self.corners:
                    self.edges[a, b] = self._wobbled(rng, a, b)

    def _wobbled(self, rng, a, b) -> list[Point]:
        (u1, v1), (u2, v2) = self.corners[a], self.corners[b]
        horizontal = a[1] == b[1]
        points = []
        for t in (1 / 3, 2 / 3):
            u, v = u1 + (u2 - u1) * t, v1 + (v2 - v1) * t
            if horizontal:
                v += rng.uniform(-1, 1) * EDGE_WOBBLE[1]
            else:
                u += rng.uniform(-1, 1) * EDGE_WOBBLE[0]
            points.append((u, v))
        return points

    def path(self, corners: list[tuple[int, int]]) -> list[Point]:
        """The closed ring through `corners` (grid neighbours, in order), with edge points."""
        ring: list[Point] = []
        for a, b in zip(corners, corners[1:], strict=False):
            ring.append(self.corners[a])
            ring.extend(self.edges[a, b] if (a, b) in self.edges else self.edges[b, a][::-1])
        ring.append(self.corners[corners[-1]])
        return ring

    def cell(self, i: int, j: int) -> list[Point]:
        """Counter-clockwise, as GeoJSON (RFC 7946) wants outer rings."""
        return self.path([(i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1), (i, j)])

    def boundary(self) -> list[Point]:
        south = [(i, 0) for i in range(COLUMNS + 1)]
        east = [(COLUMNS, j) for j in range(1, ROWS + 1)]
        north = [(i, ROWS) for i in range(COLUMNS - 1, -1, -1)]
        west = [(0, j) for j in range(ROWS - 1, -1, -1)]
        return self.path(south + east + north + west)


def _to_map(grid_ring: list[Point], centre: Point, scale: float) -> list[list[float]]:
    """Grid ring to a GeoJSON ring, scaled about `centre`; equal inputs give equal outputs,
    so a border shared in the grid stays shared to the last digit."""
    ring = []
    for u, v in grid_ring:
        lng, lat = _bilinear(u, v)
        ring.append(
            [
                round(centre[0] + (lng - centre[0]) * scale, 6),
                round(centre[1] + (lat - centre[1]) * scale, 6),
            ]
        )
    return ring


def outlines(rng: random.Random) -> tuple[dict, dict[tuple[int, int], dict]]:
    """The district's outline and each cell's, as GeoJSON Polygons of AREA_KM2 in all."""
    grid = Grid(rng)
    raw = {"type": "Polygon", "coordinates": [[list(_bilinear(u, v)) for u, v in grid.boundary()]]}
    ring = raw["coordinates"][0][:-1]
    centre = (sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring))
    scale = math.sqrt(AREA_KM2 / area_km2(raw))
    district = {"type": "Polygon", "coordinates": [_to_map(grid.boundary(), centre, scale)]}
    cells = {
        (i, j): {"type": "Polygon", "coordinates": [_to_map(grid.cell(i, j), centre, scale)]}
        for i in range(COLUMNS)
        for j in range(ROWS)
    }
    return district, cells


def _community_points(rng: random.Random, outline: dict, count: int) -> list[Point]:
    """`count` points inside the outline, spaced out where there is room."""
    points: list[Point] = []
    for _n in range(count):
        candidate = point_in(rng, outline)
        for _attempt in range(100):
            if all(geo.distance_m(*candidate, *p) >= COMMUNITY_SPACING_M for p in points):
                break
            candidate = point_in(rng, outline)
        points.append(candidate)
    return points


def add_outlines(ctx: DemoContext) -> None:
    """Store the outlines on the regions; keep a point for each community on the context."""
    district, cells = outlines(ctx.rng)
    ctx.district.outline = district
    Region.objects.filter(pk=ctx.district.pk).update(outline=district)
    for sub in ctx.subdistricts:
        sub.outline = cells[CELLS[sub.name]]
        Region.objects.filter(pk=sub.pk).update(outline=sub.outline)
    for sub in ctx.subdistricts:
        communities = [c for c in ctx.communities if c.parent_id == sub.pk]
        points = _community_points(ctx.rng, sub.outline, len(communities))
        ctx.community_points.update((c.pk, p) for c, p in zip(communities, points, strict=True))
    areas = ", ".join(f"{s.name} {area_km2(s.outline):.2f}" for s in ctx.subdistricts)
    ctx.say(f"outlines: district {area_km2(district):.2f} km² ({areas})")
