"""Joining by the team's mode, approvals, invitations, roles, leaving with history kept."""

import pytest

from zhiyuan.teams.models import Membership
from zhiyuan.testing.factories import member

pytestmark = pytest.mark.django_db


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def test_open_team_makes_a_member_at_once(corps, client_for):
    response = post(client_for(corps.gina.user), f"/api/v1/teams/{corps.squad_1b.pk}/join")
    assert response.status_code == 201
    assert response.json()["state"] == "active"


def test_approval_team_waits_and_its_admin_approves(corps, client_for):
    response = post(client_for(corps.gina.user), f"/api/v1/teams/{corps.squad_1a.pk}/join")
    assert response.json()["state"] == "pending"
    membership_id = response.json()["id"]
    approved = post(client_for(corps.carol_user), f"/api/v1/memberships/{membership_id}/approve")
    assert approved.status_code == 200
    row = Membership.objects.get(pk=membership_id)
    assert row.state == "active"
    assert row.decided_by == corps.carol_user
    assert row.joined_at is not None


def test_admin_of_a_sibling_squad_cannot_approve(corps, client_for):
    row = member(corps.squad_1b, corps.gina, state="pending")
    response = post(client_for(corps.carol_user), f"/api/v1/memberships/{row.pk}/approve")
    assert response.status_code == 404
    row.refresh_from_db()
    assert row.state == "pending"


def test_detachment_admin_approves_for_a_squad_below(corps, client_for):
    row = member(corps.group_1a, corps.gina, state="pending")
    response = post(client_for(corps.frank.user), f"/api/v1/memberships/{row.pk}/approve")
    assert response.status_code == 200


def test_refusal_needs_a_reason(corps, client_for):
    row = member(corps.squad_1a, corps.gina, state="pending")
    client = client_for(corps.carol_user)
    assert post(client, f"/api/v1/memberships/{row.pk}/reject", {"note": ""}).status_code == 400
    response = post(client, f"/api/v1/memberships/{row.pk}/reject", {"note": "名额已满"})
    assert response.json()["state"] == "rejected"


def test_invitation_only_team_refuses_a_request_but_takes_an_invited_volunteer(corps, client_for):
    gina = client_for(corps.gina.user)
    response = post(gina, f"/api/v1/teams/{corps.squad_2a.pk}/join")
    assert response.status_code == 403
    invited = post(
        client_for(corps.alice),
        f"/api/v1/teams/{corps.squad_2a.pk}/invitations",
        {"volunteer_no": corps.gina.volunteer_no},
    )
    assert invited.status_code == 201
    accepted = post(gina, f"/api/v1/memberships/{invited.json()['id']}/accept")
    assert accepted.json()["state"] == "active"


def test_someone_else_cannot_accept_an_invitation(corps, client_for):
    row = member(corps.squad_2a, corps.gina, state="invited")
    response = post(client_for(corps.frank.user), f"/api/v1/memberships/{row.pk}/accept")
    assert response.status_code == 404


def test_joining_twice_is_a_conflict(corps, client_for):
    client = client_for(corps.gina.user)
    post(client, f"/api/v1/teams/{corps.squad_1a.pk}/join")
    response = post(client, f"/api/v1/teams/{corps.squad_1a.pk}/join")
    assert response.status_code == 409


def test_pending_volunteer_cannot_join(corps, client_for):
    from zhiyuan.volunteers.models import Volunteer

    Volunteer.objects.filter(pk=corps.gina.pk).update(status="pending")
    response = post(client_for(corps.gina.user), f"/api/v1/teams/{corps.squad_1b.pk}/join")
    assert response.status_code == 403


def test_volunteer_may_belong_to_several_teams(corps, client_for):
    client = client_for(corps.gina.user)
    post(client, f"/api/v1/teams/{corps.squad_1b.pk}/join")
    member(corps.squad_2a, corps.gina)
    mine = client.get("/api/v1/memberships").json()
    assert {m["team_id"] for m in mine if m["state"] == "active"} == {
        corps.squad_1b.pk,
        corps.squad_2a.pk,
    }


def test_leaving_keeps_the_history_and_allows_joining_again(corps, client_for):
    client = client_for(corps.gina.user)
    post(client, f"/api/v1/teams/{corps.squad_1b.pk}/join")
    left = post(client, f"/api/v1/teams/{corps.squad_1b.pk}/leave")
    assert left.json()["state"] == "left"
    assert left.json()["left_at"] is not None
    again = post(client, f"/api/v1/teams/{corps.squad_1b.pk}/join")
    assert again.status_code == 201
    states = sorted(
        Membership.objects.filter(volunteer=corps.gina, team=corps.squad_1b).values_list(
            "state", flat=True
        )
    )
    assert states == ["active", "left"]


def test_admin_removes_a_member_with_a_reason(corps, client_for):
    row = member(corps.squad_1a, corps.gina)
    client = client_for(corps.carol_user)
    assert post(client, f"/api/v1/memberships/{row.pk}/remove", {"reason": ""}).status_code == 400
    response = post(client, f"/api/v1/memberships/{row.pk}/remove", {"reason": "已搬离社区"})
    assert response.json()["state"] == "left"


def test_admin_makes_a_member_leader_but_not_themselves(corps, client_for):
    row = member(corps.group_1a, corps.gina)
    client = client_for(corps.carol_user)
    response = client.patch(
        f"/api/v1/memberships/{row.pk}", {"role": "leader"}, content_type="application/json"
    )
    assert response.json()["role"] == "leader"
    own = Membership.objects.get(team=corps.squad_1a, volunteer=corps.carol)
    response = client.patch(
        f"/api/v1/memberships/{own.pk}", {"role": "member"}, content_type="application/json"
    )
    assert response.status_code == 403


def test_a_new_leader_manages_the_team(corps):
    from zhiyuan.teams.access import may_manage

    member(corps.squad_2a, corps.gina, role="leader")
    corps.gina.user.refresh_from_db()
    assert may_manage(corps.gina.user, corps.squad_2a)


def test_member_list_page_shows_requests_and_approve_works(corps, client_for):
    row = member(corps.squad_1a, corps.gina, state="pending")
    client = client_for(corps.carol_user)
    page = client.get(f"/teams/{corps.squad_1a.pk}/members/").content.decode()
    assert corps.gina.volunteer_no in page
    response = client.post(f"/teams/memberships/{row.pk}/approve/")
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.state == "active"


def test_join_button_on_the_team_page(corps, client_for):
    client = client_for(corps.gina.user)
    page = client.get(f"/teams/{corps.squad_1a.pk}/").content.decode()
    assert 'id="join"' in page
    client.post(f"/teams/{corps.squad_1a.pk}/join/")
    page = client.get(f"/teams/{corps.squad_1a.pk}/").content.decode()
    assert 'id="my-membership"' in page


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_admins_deciding_the_same_request_at_once_decide_it_once(corps):
    from zhiyuan.core.errors import Conflict
    from zhiyuan.teams.services import decide_request
    from zhiyuan.volunteers.tests.test_concurrency import race

    row = member(corps.squad_1a, corps.gina, state="pending")
    actors = [corps.carol_user, corps.frank.user, corps.alice, corps.carol_user]
    results = race(
        4,
        lambda i: decide_request(
            actor=actors[i], membership=row, approve=i % 2 == 0, note="满员了"
        ),
    )
    decided = [r for r in results if isinstance(r, Membership)]
    assert len(decided) == 1
    assert all(isinstance(r, Conflict) for r in results if r not in decided)
