"""Opening and editing stations: kinds, coordinates, the district boundary, managers, scope."""

from decimal import Decimal

import pytest

from zhiyuan.places import geo
from zhiyuan.stations.models import Station
from zhiyuan.testing.factories import station_data

pytestmark = pytest.mark.django_db


def create(client, **data):
    return client.post("/api/v1/stations", data, content_type="application/json")


def test_office_opens_a_community_station(mapped, client_for):
    response = create(client_for(mapped.alice), **station_data(mapped))
    assert response.status_code == 201, response.content
    station = Station.objects.get()
    assert station.latitude == Decimal("39.120000")
    assert station.checkin_token
    assert client_for(None).get(f"/stations/{station.pk}/").status_code == 200


def test_gcj02_coordinates_are_stored_as_wgs84(mapped, client_for):
    gcj = geo.wgs84_to_gcj02(117.185, 39.12)
    response = create(
        client_for(mapped.alice),
        **station_data(mapped, longitude=gcj[0], latitude=gcj[1], coord_system="gcj02"),
    )
    assert response.status_code == 201, response.content
    station = Station.objects.get()
    assert abs(float(station.longitude) - 117.185) < 2e-6
    assert abs(float(station.latitude) - 39.12) < 2e-6


def test_bd09_coordinates_are_stored_as_wgs84(mapped, client_for):
    bd = geo.gcj02_to_bd09(*geo.wgs84_to_gcj02(117.19, 39.11))
    create(
        client_for(mapped.alice),
        **station_data(mapped, longitude=bd[0], latitude=bd[1], coord_system="bd09"),
    )
    station = Station.objects.get()
    assert geo.distance_m(float(station.longitude), float(station.latitude), 117.19, 39.11) < 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"longitude": 116.40, "latitude": 39.90}, "latitude"),  # Beijing: outside the district
        ({"checkin_radius_m": 0}, "checkin_radius_m"),
        ({"name": ""}, "name"),
        ({"kind": "public_place"}, "place_type"),
        ({"kind": "base", "base_level": "city"}, "base_year"),
        ({"coord_system": "mars"}, "coord_system"),
    ],
)
def test_bad_station_input_is_refused_and_saves_nothing(mapped, client_for, overrides, field):
    response = create(client_for(mapped.alice), **station_data(mapped, **overrides))
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert not Station.objects.exists()


def test_public_place_station_and_base(mapped, client_for):
    client = client_for(mapped.alice)
    assert (
        create(
            client,
            **station_data(
                mapped,
                name="五大道游客中心站",
                kind="public_place",
                place_type="scenic",
                place_name="五大道",
            ),
        ).status_code
        == 201
    )
    response = create(
        client,
        **station_data(mapped, name="心目影院基地", kind="base", base_level="city", base_year=2015),
    )
    assert response.json()["base_year"] == 2015


def test_subdistrict_office_cannot_open_a_station_elsewhere(mapped, client_for):
    data = station_data(mapped, region_id=mapped.b1.pk, longitude=117.21)
    assert create(client_for(mapped.bob), **data).status_code == 403
    assert create(client_for(mapped.carol_user), **data).status_code == 403


def test_station_manager_edits_hours_but_cannot_move_it(mapped, client_for):
    create(client_for(mapped.alice), **station_data(mapped))
    station = Station.objects.get()
    station.managers.add(mapped.carol_user)
    client = client_for(mapped.carol_user)
    response = client.patch(
        f"/api/v1/stations/{station.pk}",
        {"opening_hours": "每天 8:00-20:00"},
        content_type="application/json",
    )
    assert response.json()["opening_hours"] == "每天 8:00-20:00"
    response = client.patch(
        f"/api/v1/stations/{station.pk}", {"longitude": 117.19}, content_type="application/json"
    )
    assert response.status_code == 403


def test_admin_of_the_managing_team_manages_the_station(mapped, client_for):
    from zhiyuan.teams.models import Membership, Team

    team = Team.objects.create(
        name="站点分队", level="squad", kind="community", region=mapped.a1, path=""
    )
    team.path = f"/{team.pk}/"
    team.save()
    Membership.objects.create(team=team, volunteer=mapped.carol, role="admin", state="active")
    create(client_for(mapped.alice), **station_data(mapped, managing_team_id=team.pk))
    station = Station.objects.get()
    response = client_for(mapped.carol_user).post(f"/api/v1/stations/{station.pk}/rotate-token")
    assert response.status_code == 200
    assert (
        client_for(mapped.erin).post(f"/api/v1/stations/{station.pk}/rotate-token").status_code
        == 403
    )


def test_radius_zero_on_edit_changes_nothing(mapped, client_for):
    create(client_for(mapped.alice), **station_data(mapped))
    station = Station.objects.get()
    response = client_for(mapped.alice).patch(
        f"/api/v1/stations/{station.pk}",
        {"checkin_radius_m": 0, "name": "改名"},
        content_type="application/json",
    )
    assert response.status_code == 400
    station.refresh_from_db()
    assert (station.checkin_radius_m, station.name) == (150, "新兴社区志愿服务站")


def test_closed_station_is_hidden_from_the_public(mapped, client_for):
    create(client_for(mapped.alice), **station_data(mapped))
    station = Station.objects.get()
    client_for(mapped.alice).patch(
        f"/api/v1/stations/{station.pk}", {"status": "closed"}, content_type="application/json"
    )
    assert client_for(None).get(f"/api/v1/stations/{station.pk}").status_code == 404
    assert client_for(None).get("/api/v1/stations").json() == []


def test_station_list_page_and_filters(mapped, client_for):
    client = client_for(mapped.alice)
    create(client, **station_data(mapped))
    create(client, **station_data(mapped, name="劝业场服务点", kind="point"))
    body = client_for(None).get("/stations/?kind=point").content.decode()
    assert "劝业场服务点" in body and "新兴社区志愿服务站" not in body


def test_manager_is_added_and_removed_on_the_station_page(mapped, client_for):
    create(client_for(mapped.alice), **station_data(mapped))
    station = Station.objects.get()
    client = client_for(mapped.alice)
    client.post(f"/stations/{station.pk}/managers/", {"username": "nobody-here"})
    assert not station.managers.exists()
    client.post(f"/stations/{station.pk}/managers/", {"username": "carol"})
    assert list(station.managers.all()) == [mapped.carol_user]
    from zhiyuan.accounts import scopes
    from zhiyuan.accounts.models import Role, User

    assert Role.STATION_MANAGER in scopes.roles_of(User.objects.get(username="carol"))
    client.post(f"/stations/{station.pk}/managers/", {"remove": mapped.carol_user.pk})
    assert not station.managers.exists()
    outsider = client_for(mapped.erin).post(
        f"/stations/{station.pk}/managers/", {"username": "erin"}
    )
    assert outsider.status_code == 403
    assert not station.managers.exists()


def test_null_blanks_opening_hours_and_is_refused_for_the_name(mapped, client_for):
    create(client_for(mapped.alice), **station_data(mapped))
    station = Station.objects.get()
    client = client_for(mapped.alice)
    url = f"/api/v1/stations/{station.pk}"
    cleared = client.patch(url, {"opening_hours": None}, content_type="application/json")
    assert cleared.status_code == 200, cleared.content
    assert cleared.json()["opening_hours"] == ""
    refused = client.patch(
        url, {"name": None, "checkin_radius_m": None}, content_type="application/json"
    )
    assert refused.status_code == 400
    assert set(refused.json()["errors"]) == {"name", "checkin_radius_m"}
    station.refresh_from_db()
    assert station.name == "新兴社区志愿服务站"
