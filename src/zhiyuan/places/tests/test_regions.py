"""The region tree through the API: public reads, scoped writes, validation."""

import pytest

from zhiyuan.places.models import Region

pytestmark = pytest.mark.django_db


def test_anyone_can_list_regions_in_tree_order(cast, client):
    response = client.get("/api/v1/regions?level=community")
    assert response.status_code == 200
    assert [r["name"] for r in response.json()] == ["新兴社区", "朝阳社区", "南营门社区"]


def test_region_detail_sums_the_population_of_its_communities(cast, client):
    assert client.get(f"/api/v1/regions/{cast.district.pk}").json()["total_population"] == 15000
    assert client.get(f"/api/v1/regions/{cast.sub_a.pk}").json()["total_population"] == 10000


def test_admin_adds_a_community_under_their_subdistrict(cast, client_for):
    response = client_for(cast.bob).post(
        "/api/v1/regions",
        {
            "code": "120199001003",
            "name": "花园社区",
            "level": "community",
            "parent_id": cast.sub_a.pk,
            "population": 3200,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    region = Region.objects.get(code="120199001003")
    assert region.path == cast.sub_a.path + "120199001003/"


def test_admin_cannot_add_under_another_subdistrict(cast, client_for):
    response = client_for(cast.bob).post(
        "/api/v1/regions",
        {
            "code": "120199002009",
            "name": "外区社区",
            "level": "community",
            "parent_id": cast.sub_b.pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not Region.objects.filter(code="120199002009").exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"code": "12A", "name": "x", "level": "community"}, "code"),
        ({"code": "120199001009", "name": " ", "level": "community"}, "name"),
        ({"code": "120199001009", "name": "x", "level": "subdistrict"}, "level"),
        ({"code": "120199001001", "name": "重复", "level": "community"}, "code"),
        (
            {"code": "120199001009", "name": "x", "level": "community", "population": -5},
            "population",
        ),
    ],
)
def test_bad_region_input_is_a_field_error(cast, client_for, payload, field):
    before = Region.objects.count()
    response = client_for(cast.alice).post(
        "/api/v1/regions",
        {"parent_id": cast.sub_a.pk, **payload},
        content_type="application/json",
    )
    assert response.status_code in (400, 409)
    assert field in response.json()["errors"]
    assert Region.objects.count() == before


def test_population_update_and_volunteer_cannot_write(cast, client_for):
    url = f"/api/v1/regions/{cast.a1.pk}"
    response = client_for(cast.carol_user).patch(
        url, {"population": 1}, content_type="application/json"
    )
    assert response.status_code == 403
    response = client_for(cast.alice).patch(
        url, {"population": 6100}, content_type="application/json"
    )
    assert response.json()["population"] == 6100


def test_anonymous_cannot_write(cast, client):
    response = client.patch(
        f"/api/v1/regions/{cast.a1.pk}", {"population": 1}, content_type="application/json"
    )
    assert response.status_code == 401
