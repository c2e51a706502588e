"""Nominations through the API: the approval chain, duplicates, closed rounds, finalising."""

import datetime as dt

import pytest
from django.utils import timezone

from zhiyuan.honours import services
from zhiyuan.honours.models import Award, Nomination, NominationRound


def json_post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


@pytest.fixture
def round_(honours):
    c = honours
    c.round = services.open_round(
        actor=c.alice,
        kind=c.kinds["outstanding_volunteer"],
        year=c.year,
        level="district",
        region=c.district,
        awarding_body="区文明委",
        deadline=timezone.localdate() + dt.timedelta(days=7),
        rules={"min_hours": 20},
    )
    return c


def nominate(c, user, team, volunteer, reason="服务时长突出"):
    return json_post(
        c.client_for(user),
        f"/api/v1/nomination-rounds/{c.round.pk}/nominations",
        {"awardee": volunteer.volunteer_no, "team_id": team.pk, "reason": reason},
    )


@pytest.fixture
def c(round_, client_for):
    round_.client_for = client_for
    return round_


def test_office_admin_opens_a_round_through_the_api(honours, client_for):
    response = json_post(
        client_for(honours.alice),
        "/api/v1/nomination-rounds",
        {
            "kind": "outstanding_team",
            "year": honours.year,
            "awarding_body": "区文明委",
            "deadline": (timezone.localdate() + dt.timedelta(days=3)).isoformat(),
            "rules": {"min_hours": 50},
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["rules"] == {
        "min_hours": 50,
        "min_projects": 1,
        "min_rating": 0,
        "limit": 10,
    }
    assert NominationRound.objects.get().region == honours.district
    refused = json_post(
        client_for(honours.carol_user),
        "/api/v1/nomination-rounds",
        {
            "kind": "outstanding_team",
            "year": honours.year,
            "awarding_body": "x",
            "deadline": "2999-01-01",
        },
    )
    assert refused.status_code == 403


def test_squad_nomination_is_approved_by_its_detachment_admin(c):
    # carol administers squad_1a; hank is not a member of it, carol is.
    response = nominate(c, c.carol_user, c.squad_1a, c.carol)
    assert response.status_code == 201, response.content
    nomination_id = response.json()["id"]
    assert response.json()["state"] == "pending"
    # carol cannot approve her own squad's nomination: she sees it, the next level decides.
    own = json_post(c.client_for(c.carol_user), f"/api/v1/nominations/{nomination_id}/approve")
    assert own.status_code == 403 and own.json()["code"] == "not_next_level_up"
    approved = json_post(c.client_for(c.frank.user), f"/api/v1/nominations/{nomination_id}/approve")
    assert approved.status_code == 200
    row = Nomination.objects.get()
    assert (row.state, row.decided_by) == ("shortlisted", c.frank.user)


def test_sibling_squad_admin_cannot_approve(c):
    nomination = Nomination.objects.get(
        pk=nominate(c, c.carol_user, c.squad_1a, c.carol).json()["id"]
    )
    # Through the API hank does not even see it; the service refuses him outright.
    response = json_post(c.client_for(c.hank.user), f"/api/v1/nominations/{nomination.pk}/approve")
    assert response.status_code == 404
    with pytest.raises(services.NotNextLevelUp):
        services.approve_nomination(actor=c.hank.user, nomination=nomination)
    nomination.refresh_from_db()
    assert nomination.state == "pending"


def test_detachment_nomination_goes_to_the_office(c):
    response = nominate(c, c.frank.user, c.det_1, c.frank, reason="支队骨干")
    # frank administers det_1 and is its member: his own detachment's nomination.
    assert response.status_code == 201
    nomination_id = response.json()["id"]
    assert (
        json_post(
            c.client_for(c.frank.user), f"/api/v1/nominations/{nomination_id}/approve"
        ).status_code
        == 403
    )
    rejected = json_post(
        c.client_for(c.alice),
        f"/api/v1/nominations/{nomination_id}/reject",
        {"reason": "有爽约记录"},
    )
    assert rejected.status_code == 200 and rejected.json()["state"] == "rejected"
    again = json_post(c.client_for(c.alice), f"/api/v1/nominations/{nomination_id}/approve")
    assert again.status_code == 409 and again.json()["code"] == "already_decided"


def test_a_team_nominates_only_its_own(c):
    response = nominate(c, c.carol_user, c.squad_1a, c.hank)
    assert response.status_code == 400 and "awardee" in response.json()["errors"]
    # carol does not administer squad_1b.
    assert nominate(c, c.carol_user, c.squad_1b, c.hank).status_code == 403
    assert not Nomination.objects.exists()


def test_duplicate_nomination_is_a_conflict(c):
    assert nominate(c, c.carol_user, c.squad_1a, c.carol).status_code == 201
    response = nominate(c, c.frank.user, c.det_1, c.carol)
    assert response.status_code == 409 and response.json()["code"] == "already_nominated"
    office = json_post(
        c.client_for(c.alice),
        f"/api/v1/nomination-rounds/{c.round.pk}/nominations",
        {"awardee": c.carol.volunteer_no, "reason": "补充"},
    )
    assert office.status_code == 409
    assert Nomination.objects.count() == 1


def test_nominating_after_the_deadline_or_once_finalised_is_refused(c):
    NominationRound.objects.filter(pk=c.round.pk).update(
        deadline=timezone.localdate() - dt.timedelta(days=1)
    )
    response = nominate(c, c.carol_user, c.squad_1a, c.carol)
    assert response.status_code == 409 and response.json()["code"] == "round_closed"
    NominationRound.objects.filter(pk=c.round.pk).update(state="finalised")
    late = json_post(
        c.client_for(c.alice),
        f"/api/v1/nomination-rounds/{c.round.pk}/nominations",
        {"awardee": c.carol.volunteer_no, "reason": "补充"},
    )
    assert late.status_code == 409 and late.json()["code"] == "round_closed"
    assert not Nomination.objects.exists()


def test_finalising_makes_the_awards_and_publishes_them(c):
    client = c.client_for(c.alice)
    assert json_post(client, f"/api/v1/nomination-rounds/{c.round.pk}/propose").json() == {
        "added": 1
    }
    pending = nominate(c, c.frank.user, c.det_1, c.frank).json()["id"]
    blocked = json_post(client, f"/api/v1/nomination-rounds/{c.round.pk}/finalise")
    assert blocked.status_code == 409 and blocked.json()["code"] == "nominations_pending"
    json_post(client, f"/api/v1/nominations/{pending}/approve")
    response = json_post(client, f"/api/v1/nomination-rounds/{c.round.pk}/finalise")
    assert response.status_code == 200, response.content
    assert sorted(a["awardee_name"] for a in response.json()) == sorted(["张卡洛", "冯支队"])
    assert set(Award.objects.values_list("round_id", "level", "year")) == {
        (c.round.pk, "district", c.year)
    }
    assert set(Nomination.objects.values_list("state", flat=True)) == {"awarded"}
    assert NominationRound.objects.get().state == "finalised"
    twice = json_post(client, f"/api/v1/nomination-rounds/{c.round.pk}/finalise")
    assert twice.status_code == 409 and Award.objects.count() == 2


def test_finalising_refuses_a_candidate_suspended_since(c):
    from zhiyuan.volunteers.services import suspend_volunteer

    services.propose_candidates(actor=c.alice, round=c.round)
    suspend_volunteer(actor=c.alice, volunteer=c.carol, reason="投诉")
    response = json_post(c.client_for(c.alice), f"/api/v1/nomination-rounds/{c.round.pk}/finalise")
    assert response.status_code == 400
    assert not Award.objects.exists()
    assert NominationRound.objects.get().state == "open"


def test_team_admin_sees_the_round_and_only_nominations_under_their_teams(c):
    nominate(c, c.carol_user, c.squad_1a, c.carol)
    assert [r["id"] for r in c.client_for(c.hank.user).get("/api/v1/nomination-rounds").json()] == [
        c.round.pk
    ]
    url = f"/api/v1/nomination-rounds/{c.round.pk}/nominations"
    assert c.client_for(c.hank.user).get(url).json() == []
    assert len(c.client_for(c.frank.user).get(url).json()) == 1
    assert c.client_for(c.erin).get(f"/api/v1/nomination-rounds/{c.round.pk}").status_code == 404
    assert (
        json_post(
            c.client_for(c.hank.user), f"/api/v1/nomination-rounds/{c.round.pk}/finalise"
        ).status_code
        == 403
    )
