"""The roster: who sees whom, search and filters, masking."""

import pytest

pytestmark = pytest.mark.django_db


def numbers(response):
    return {item["volunteer_no"] for item in response.json()["items"]}


def test_district_admin_sees_every_volunteer_of_the_district(cast, client_for):
    response = client_for(cast.alice).get("/api/v1/volunteers")
    assert numbers(response) == {cast.carol.volunteer_no, cast.dave.volunteer_no}


def test_subdistrict_admin_cannot_see_a_volunteer_of_another_subdistrict(cast, client_for):
    client = client_for(cast.bob)
    assert numbers(client.get("/api/v1/volunteers")) == {cast.carol.volunteer_no}
    assert client.get(f"/api/v1/volunteers/{cast.dave.volunteer_no}").status_code == 404
    assert client.get(f"/volunteers/manage/{cast.dave.volunteer_no}/").status_code == 404


def test_volunteer_sees_only_themselves(cast, client_for):
    client = client_for(cast.carol_user)
    assert numbers(client.get("/api/v1/volunteers")) == {cast.carol.volunteer_no}
    assert client.get(f"/api/v1/volunteers/{cast.dave.volunteer_no}").status_code == 404


def test_resident_sees_nobody_and_cannot_open_the_roster_page(cast, client_for):
    client = client_for(cast.erin)
    assert numbers(client.get("/api/v1/volunteers")) == set()
    assert client.get("/volunteers/manage/").status_code == 403


def test_anonymous_gets_401_from_the_api_and_a_login_redirect_from_the_page(cast, client_for):
    client = client_for(None)
    assert client.get("/api/v1/volunteers").status_code == 401
    response = client.get("/volunteers/manage/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_roster_page_shows_masked_values_only(cast, client_for):
    body = client_for(cast.alice).get("/volunteers/manage/").content.decode()
    assert cast.carol.id_number_masked in body
    assert cast.carol.decrypted("id_number") not in body
    assert cast.carol.decrypted("phone") not in body
    assert cast.carol.phone_masked in body


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=卡洛", {"carol"}),
        ("q=李", {"dave"}),
        ("skill=first_aid", {"carol"}),
        ("status=active", {"carol", "dave"}),
        ("status=pending", set()),
    ],
)
def test_roster_search_and_filters(cast, client_for, query, expected):
    response = client_for(cast.alice).get(f"/api/v1/volunteers?{query}")
    by_name = {"carol": cast.carol.volunteer_no, "dave": cast.dave.volunteer_no}
    assert numbers(response) == {by_name[name] for name in expected}


def test_filter_by_volunteer_number_and_by_region(cast, client_for):
    client = client_for(cast.alice)
    assert numbers(client.get(f"/api/v1/volunteers?q={cast.dave.volunteer_no}")) == {
        cast.dave.volunteer_no
    }
    assert numbers(client.get(f"/api/v1/volunteers?region_id={cast.sub_b.pk}")) == {
        cast.dave.volunteer_no
    }
    assert numbers(client.get(f"/api/v1/volunteers?region_id={cast.a1.pk}")) == {
        cast.carol.volunteer_no
    }


def test_roster_page_filters_narrow_the_table(cast, client_for):
    response = client_for(cast.alice).get(f"/volunteers/manage/?region={cast.sub_b.pk}")
    body = response.content.decode()
    assert cast.dave.volunteer_no in body
    assert cast.carol.volunteer_no not in body


def test_roster_page_shows_an_empty_state(cast, client_for):
    response = client_for(cast.alice).get("/volunteers/manage/?q=不存在的人")
    assert response.context["page"].paginator.count == 0
    assert 'class="empty"' in response.content.decode()


def test_htmx_search_returns_only_the_table(cast, client_for):
    response = client_for(cast.alice).get(
        "/volunteers/manage/?q=卡洛", headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert cast.carol.volunteer_no in body
    assert "<html" not in body


def test_bad_page_size_is_a_400(cast, client_for):
    response = client_for(cast.alice).get("/api/v1/volunteers?page_size=1000")
    assert response.status_code == 400
    assert "page_size" in response.json()["errors"]
