"""Demo outlines: the district of the seed's size in central Tianjin, tiled by its subdistricts."""

import random

import pytest

from zhiyuan.demo.outlines import AREA_KM2, area_km2, outlines
from zhiyuan.places import geo
from zhiyuan.places.models import Region

pytestmark = pytest.mark.django_db


def test_every_point_of_the_district_is_in_exactly_one_subdistrict(small_district):
    district = Region.objects.get(level=Region.Level.DISTRICT)
    cells = [s.outline for s in Region.objects.filter(level=Region.Level.SUBDISTRICT)]
    rng = random.Random(1)
    inside = 0
    for _n in range(3000):
        lng, lat = rng.uniform(117.16, 117.24), rng.uniform(39.09, 39.15)
        holders = sum(geo.contains(cell, lng, lat) for cell in cells)
        if geo.contains(district.outline, lng, lat):
            inside += 1
            assert holders == 1, (lng, lat)
        else:
            assert holders == 0, (lng, lat)
    assert inside > 500


def test_the_subdistricts_add_up_to_the_seeds_district_in_central_tianjin(small_district):
    district = Region.objects.get(level=Region.Level.DISTRICT)
    cells = [s.outline for s in Region.objects.filter(level=Region.Level.SUBDISTRICT)]
    assert area_km2(district.outline) == pytest.approx(AREA_KM2, abs=0.01)
    assert sum(area_km2(cell) for cell in cells) == pytest.approx(AREA_KM2, abs=0.01)
    for lng, lat in district.outline["coordinates"][0]:
        assert 117.17 <= lng <= 117.23 and 39.10 <= lat <= 39.14


def test_each_community_point_is_in_its_own_subdistrict_only(small_district):
    subdistricts = list(Region.objects.filter(level=Region.Level.SUBDISTRICT))
    district = Region.objects.get(level=Region.Level.DISTRICT)
    for community in Region.objects.filter(level=Region.Level.COMMUNITY):
        point = small_district.community_points[community.pk]
        assert [s.pk for s in subdistricts if geo.contains(s.outline, *point)] == [
            community.parent_id
        ]
        assert geo.contains(district.outline, *point)


def test_cells_stay_simple_polygons_for_any_seed():
    """A cell that crossed itself would leave holes (even-odd) that the tiling test may miss."""

    def crosses(a, b, c, d):
        def side(p, q, r):
            return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

        return side(c, d, a) * side(c, d, b) < 0 and side(a, b, c) * side(a, b, d) < 0

    for seed in range(50):
        district, cells = outlines(random.Random(seed))
        for outline in [district, *cells.values()]:
            ring = outline["coordinates"][0]
            edges = list(zip(ring, ring[1:], strict=False))
            for i, (a, b) in enumerate(edges):
                for c, d in edges[i + 2 : len(edges) - (i == 0)]:
                    assert not crosses(a, b, c, d), seed
