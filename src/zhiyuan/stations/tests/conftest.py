"""The cast's district with outlines (a box over 和平区, Tianjin), split into subdistricts A and B."""

import pytest

from zhiyuan.places.models import Region


def box(west, south, east, north):
    return {
        "type": "Polygon",
        "coordinates": [
            [[west, south], [east, south], [east, north], [west, north], [west, south]]
        ],
    }


@pytest.fixture
def mapped(cast):
    Region.objects.filter(pk=cast.sub_a.pk).update(outline=box(117.17, 39.10, 117.20, 39.14))
    Region.objects.filter(pk=cast.sub_b.pk).update(outline=box(117.20, 39.10, 117.23, 39.14))
    return cast


def station_data(cast, **overrides):
    data = {
        "name": "新兴社区志愿服务站",
        "kind": "community",
        "region_id": cast.a1.pk,
        "address": "新兴街1号",
        "longitude": 117.185,
        "latitude": 39.12,
        "checkin_radius_m": 150,
        "opening_hours": "周一至周五 9:00-17:00",
        "services": "义务指路、应急救助",
    }
    data.update(overrides)
    return data
