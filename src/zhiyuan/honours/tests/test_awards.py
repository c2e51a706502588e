"""Entering awards: good ones land on the roll; bad input is refused with field and reason."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from zhiyuan.honours.models import Award
from zhiyuan.volunteers.services import suspend_volunteer


def body(c, **changes):
    data = {
        "kind": "outstanding_volunteer",
        "awardee": c.carol.volunteer_no,
        "level": "city",
        "year": c.year,
        "awarding_body": "市文明委",
        "awarded_on": dt.date(c.year, 12, 5).isoformat(),
        "citation": "常年坚持文明引导",
    }
    data.update(changes)
    return data


def post(client, data):
    return client.post("/api/v1/awards", data, content_type="application/json")


def test_office_admin_enters_an_award_and_it_is_on_the_public_list(honours, client_for):
    c = honours
    response = post(client_for(c.alice), body(c))
    assert response.status_code == 201, response.content
    award = Award.objects.get()
    assert (award.volunteer, award.level, award.region) == (c.carol, "city", c.a1)
    listed = client_for(None).get("/api/v1/awards", {"year": c.year}).json()
    assert [row["awardee_name"] for row in listed] == ["张卡洛"]


def test_award_for_an_unknown_volunteer_is_refused(honours, client_for):
    response = post(client_for(honours.alice), body(honours, awardee="V999999999"))
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"awardee"}
    assert not Award.objects.exists()


def test_award_for_a_suspended_volunteer_is_refused(honours, client_for):
    c = honours
    suspend_volunteer(actor=c.alice, volunteer=c.carol, reason="投诉核查中")
    response = post(client_for(c.alice), body(c))
    assert response.status_code == 400
    assert response.json()["code"] == "validation_failed"
    assert "awardee" in response.json()["errors"]
    assert not Award.objects.exists()


def test_team_award_given_to_a_volunteer_is_refused(honours, client_for):
    c = honours
    response = post(client_for(c.alice), body(c, kind="outstanding_team"))
    # Team kinds read the awardee as a team number: a volunteer number is not one.
    assert response.status_code == 400
    assert "awardee" in response.json()["errors"]
    assert not Award.objects.exists()


def test_wrong_awardee_type_is_refused_by_the_service(honours):
    from zhiyuan.core.errors import ValidationFailed
    from zhiyuan.honours.services import create_award

    c = honours
    with pytest.raises(ValidationFailed) as caught:
        create_award(
            actor=c.alice,
            kind=c.kinds["service_base"],
            awardee=c.squad_1a,
            level="city",
            year=c.year,
            awarding_body="市文明委",
            awarded_on=dt.date(c.year, 12, 1),
        )
    assert "awardee" in caught.value.errors
    assert not Award.objects.exists()


def test_the_same_award_twice_is_a_conflict(honours, client_for):
    c = honours
    assert post(client_for(c.alice), body(c)).status_code == 201
    response = post(client_for(c.alice), body(c))
    assert response.status_code == 409
    assert response.json()["code"] == "already_awarded"
    assert Award.objects.count() == 1


def test_bad_fields_are_named(honours, client_for):
    c = honours
    response = post(
        client_for(c.alice),
        body(c, year=1800, awarding_body=" ", awarded_on=dt.date(2999, 1, 1).isoformat()),
    )
    assert response.status_code == 400
    assert {"year", "awarding_body", "awarded_on"} <= set(response.json()["errors"])
    response = post(client_for(c.alice), body(c, level="galactic"))
    assert response.status_code == 400 and "level" in response.json()["errors"]


def test_volunteer_and_subdistrict_admin_outside_their_region_cannot_enter_awards(
    honours, client_for
):
    c = honours
    assert post(client_for(c.carol_user), body(c)).status_code == 403
    # bob administers subdistrict A; gina lives in B1.
    assert post(client_for(c.bob), body(c, awardee=c.gina.volunteer_no)).status_code == 403
    assert post(client_for(c.bob), body(c)).status_code == 201
    assert (
        client_for(None)
        .post("/api/v1/awards", body(c), content_type="application/json")
        .status_code
        == 401
    )


def test_the_database_refuses_an_award_with_two_awardees(honours):
    c = honours
    with pytest.raises(IntegrityError), transaction.atomic():
        Award.objects.create(
            kind=c.kinds["outstanding_volunteer"],
            level="district",
            year=c.year,
            awarding_body="区文明委",
            awarded_on=dt.date(c.year, 12, 1),
            region=c.a1,
            created_by=c.alice,
            awardee_type="volunteer",
            volunteer=c.carol,
            team=c.squad_1a,
        )


def test_withdrawn_award_leaves_the_roll_but_keeps_its_row(honours, client_for):
    c = honours
    award_id = post(client_for(c.alice), body(c)).json()["id"]
    response = client_for(c.alice).post(
        f"/api/v1/awards/{award_id}/withdraw",
        {"reason": "录入错误"},
        content_type="application/json",
    )
    assert response.json()["state"] == "withdrawn"
    assert client_for(None).get("/api/v1/awards").json() == []
    assert client_for(None).get(f"/api/v1/awards/{award_id}").status_code == 404
    assert Award.objects.get().withdraw_reason == "录入错误"


def test_office_admin_adds_a_kind_and_a_volunteer_cannot(honours, client_for):
    c = honours
    data = {"code": "youth_pioneer", "name": "青年先锋", "awardee_type": "volunteer"}
    assert (
        client_for(c.carol_user)
        .post("/api/v1/honour-kinds", data, content_type="application/json")
        .status_code
        == 403
    )
    # bob's office is subdistrict A's: the kinds are one list for the whole district.
    refused = client_for(c.bob).post("/api/v1/honour-kinds", data, content_type="application/json")
    assert refused.status_code == 403 and "区文明办" in refused.json()["message"]
    assert client_for(c.bob).get("/honours/kinds/").context["may_add"] is False
    response = client_for(c.alice).post(
        "/api/v1/honour-kinds", data, content_type="application/json"
    )
    assert response.status_code == 201
    again = client_for(c.alice).post("/api/v1/honour-kinds", data, content_type="application/json")
    assert again.status_code == 400 and {"code", "name"} <= set(again.json()["errors"])
    codes = [k["code"] for k in client_for(None).get("/api/v1/honour-kinds").json()]
    assert "youth_pioneer" in codes and "five_star_volunteer" in codes
