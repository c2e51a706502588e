"""The check-in poster (PNG, PDF), token rotation, the check-in URL and the map page."""

import io

import pytest
from PIL import Image

from zhiyuan.places import geo
from zhiyuan.stations.models import Station
from zhiyuan.testing.factories import station_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def station(mapped, client_for):
    client_for(mapped.alice).post(
        "/api/v1/stations", station_data(mapped), content_type="application/json"
    )
    station = Station.objects.get()
    station.managers.add(mapped.carol_user)
    return station


def test_poster_png_is_an_a4_page(mapped, station, client_for):
    response = client_for(mapped.carol_user).get(f"/stations/{station.pk}/poster.png")
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.size == (1240, 1754)


def test_poster_pdf(mapped, station, client_for):
    response = client_for(mapped.carol_user).get(f"/stations/{station.pk}/poster.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_poster_is_for_managers_only(mapped, station, client_for):
    assert client_for(mapped.erin).get(f"/stations/{station.pk}/poster.png").status_code == 403


def test_checkin_url_opens_the_station_page(mapped, station, client_for):
    response = client_for(None).get(f"/s/{station.checkin_token}/")
    assert response.status_code == 200
    assert "新兴社区志愿服务站" in response.content.decode()


def test_rotating_the_token_invalidates_old_posters(mapped, station, client_for):
    old = station.checkin_token
    response = client_for(mapped.carol_user).post(f"/stations/{station.pk}/rotate/")
    assert response.status_code == 302
    station.refresh_from_db()
    assert station.checkin_token != old
    assert client_for(None).get(f"/s/{old}/").status_code == 404
    assert client_for(None).get(f"/s/{station.checkin_token}/").status_code == 200


def test_map_page_carries_outlines_and_stations(mapped, station, client_for):
    response = client_for(None).get("/stations/map/")
    data = response.context["map_data"]
    assert {f["properties"]["name"] for f in data["outlines"]["features"]} == {
        "新兴街道",
        "南营门街道",
    }
    assert data["stations"][0]["compliance"] == "unaudited"
    assert "echarts-5.6.0.min.js" in response.content.decode()


def test_geo_round_trips_and_containment():
    lng, lat = 117.2, 39.12
    back = geo.gcj02_to_wgs84(*geo.wgs84_to_gcj02(lng, lat))
    assert geo.distance_m(*back, lng, lat) < 0.05
    offset = geo.distance_m(*geo.wgs84_to_gcj02(lng, lat), lng, lat)
    assert 100 < offset < 800  # the GCJ-02 shift is a few hundred metres
    assert round(geo.distance_m(117.0, 39.0, 117.0, 39.01)) == 1112
    square = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}
    assert geo.contains(square, 0.5, 0.5) and not geo.contains(square, 1.5, 0.5)
