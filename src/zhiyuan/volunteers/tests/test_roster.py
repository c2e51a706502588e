"""The roster: who sees whom, search and filters, masking, pages."""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhiyuan.testing.factories import id_number
from zhiyuan.volunteers.models import Volunteer
from zhiyuan.volunteers.services import register_volunteer

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


# -- pages of a long roster: each found from the row next to it ----------------------------


@pytest.fixture
def long_roster(cast):
    """45 volunteers in the district (the cast's two and 43 more): pages of 20, 20 and 5."""
    for n in range(43):
        register_volunteer(
            actor=cast.alice,
            real_name=f"翻页{n:02d}",
            id_type="resident_id",
            id_number=id_number(100 + n),
            phone=f"1370000{n:04d}",
            community_id=cast.a1.pk,
            consent=True,
        )
    return list(Volunteer.objects.order_by("-id").values_list("volunteer_no", flat=True))


def shown(body: str) -> list[str]:
    return re.findall(r'href="/volunteers/manage/(ZY\d+)/"', body)


def link(body: str, label: str) -> str:
    """The href of the pagination link named `label` (Next / Previous), unescaped."""
    found = re.search(r'<a href="(\?[^"]*)">[^<]*' + label, body)
    assert found, f"no {label} link"
    return html.unescape(found.group(1))


def test_next_and_previous_links_walk_the_roster_in_order(cast, client_for, long_roster):
    client = client_for(cast.alice)
    english = {"HTTP_ACCEPT_LANGUAGE": "en"}
    body = client.get("/volunteers/manage/", **english).content.decode()
    assert shown(body) == long_roster[:20]
    assert "Previous" not in body
    second = client.get("/volunteers/manage/" + link(body, "Next"), **english).content.decode()
    assert shown(second) == long_roster[20:40]
    assert "Page 2 of 3" in second
    third = client.get("/volunteers/manage/" + link(second, "Next"), **english).content.decode()
    assert shown(third) == long_roster[40:]
    assert "Page 3 of 3" in third
    assert "Next" not in third
    back = client.get("/volunteers/manage/" + link(third, "Previous"), **english).content.decode()
    assert shown(back) == long_roster[20:40]
    assert "Page 2 of 3" in back
    first = client.get("/volunteers/manage/" + link(back, "Previous"), **english).content.decode()
    assert shown(first) == long_roster[:20]


def test_a_later_page_is_found_from_the_row_before_it_not_by_skipping_rows(
    cast, client_for, long_roster
):
    client = client_for(cast.alice)
    english = {"HTTP_ACCEPT_LANGUAGE": "en"}
    body = client.get("/volunteers/manage/?q=翻页", **english).content.decode()
    second = client.get("/volunteers/manage/" + link(body, "Next"), **english).content.decode()
    third = link(second, "Next")
    assert "q=%E7%BF%BB%E9%A1%B5" in third
    with CaptureQueriesContext(connection) as queries:
        assert len(shown(client.get(f"/volunteers/manage/{third}").content.decode())) == 3
    listed = [q["sql"] for q in queries if 'FROM "volunteers_volunteer"' in q["sql"]]
    assert listed
    assert not any("OFFSET" in sql.upper() for sql in listed)


def test_a_page_asked_by_number_still_shows_its_rows(cast, client_for, long_roster):
    body = client_for(cast.alice).get("/volunteers/manage/?page=2").content.decode()
    assert shown(body) == long_roster[20:40]


@pytest.mark.parametrize("query", ["after=abc", "before=-1", "after=99999999999999999999"])
def test_a_bad_row_in_the_link_is_ignored_for_the_page_number(cast, client_for, long_roster, query):
    response = client_for(cast.alice).get(f"/volunteers/manage/?page=2&{query}")
    assert response.status_code == 200
    assert shown(response.content.decode()) == long_roster[20:40]


def test_a_link_past_either_end_shows_the_last_or_the_first_page(cast, client_for, long_roster):
    client = client_for(cast.alice)
    lowest = Volunteer.objects.order_by("id").first().pk
    highest = Volunteer.objects.order_by("-id").first().pk
    past_the_end = client.get(f"/volunteers/manage/?page=4&after={lowest}").content.decode()
    assert shown(past_the_end) == long_roster[40:]
    before_the_start = client.get(f"/volunteers/manage/?page=2&before={highest}")
    assert shown(before_the_start.content.decode()) == long_roster[:20]


def test_the_api_walks_the_roster_by_next_after(cast, client_for, long_roster):
    client = client_for(cast.alice)
    first = client.get("/api/v1/volunteers").json()
    with CaptureQueriesContext(connection) as queries:
        second = client.get(f"/api/v1/volunteers?page=2&after={first['next_after']}").json()
    third = client.get(f"/api/v1/volunteers?page=3&after={second['next_after']}").json()
    walked = [item["volunteer_no"] for page in (first, second, third) for item in page["items"]]
    assert walked == long_roster
    assert third["next_after"] is None
    assert (second["page"], second["pages"], second["count"]) == (2, 3, 45)
    assert not any("OFFSET" in q["sql"].upper() for q in queries)
    by_number = client.get("/api/v1/volunteers?page=2").json()
    assert by_number["items"] == second["items"]
    assert by_number["next_after"] == second["next_after"]


def test_a_bad_after_is_a_400(cast, client_for):
    response = client_for(cast.alice).get("/api/v1/volunteers?after=abc")
    assert response.status_code == 400
    assert "after" in response.json()["errors"]


def test_the_pending_count_is_counted_once_and_shows_a_new_registration(cast, client_for):
    client = client_for(cast.alice)
    english = {"HTTP_ACCEPT_LANGUAGE": "en"}
    assert "Pending review (0)" in client.get("/volunteers/manage/", **english).content.decode()
    with CaptureQueriesContext(connection) as queries:
        client.get("/volunteers/manage/?q=", **english)
    assert not any("COUNT(" in q["sql"] for q in queries)

    register_volunteer(
        actor=cast.erin,  # registers herself: pending the office's review
        real_name="王待审",
        id_type="resident_id",
        id_number=id_number(95),
        phone="13800000095",
        community_id=cast.b1.pk,
        consent=True,
    )

    body = client.get("/volunteers/manage/?q=", **english).content.decode()
    assert "Pending review (1)" in body
