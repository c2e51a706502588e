"""Who manages which team, over the whole tree: a subtree, never a sibling or a parent."""

import pytest

from zhiyuan.teams.access import may_manage
from zhiyuan.teams.selectors import managed_teams

pytestmark = pytest.mark.django_db

ALL = {"corps", "det_1", "det_2", "squad_1a", "squad_1b", "squad_2a", "group_1a"}
EXPECTED = {
    "alice": ALL,  # district office
    "bob": {"squad_1a", "squad_1b", "group_1a"},  # subdistrict A office: teams based in A
    "frank": {"det_1", "squad_1a", "squad_1b", "group_1a"},  # detachment admin
    "carol": {"squad_1a", "group_1a"},  # squad admin
    "gina": set(),  # a plain volunteer
    "erin": set(),  # a resident
}


def user_of(corps, name):
    return {
        "alice": corps.alice,
        "bob": corps.bob,
        "frank": corps.frank.user,
        "carol": corps.carol_user,
        "gina": corps.gina.user,
        "erin": corps.erin,
    }[name]


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_each_user_manages_exactly_their_subtree(corps, who):
    user = user_of(corps, who)
    allowed = {name for name, team in corps.teams.items() if may_manage(user, team)}
    assert allowed == EXPECTED[who]
    assert set(managed_teams(user).values_list("pk", flat=True)) == {
        corps.teams[name].pk for name in EXPECTED[who]
    }


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_member_list_api_follows_the_same_scope(corps, client_for, who):
    client = client_for(user_of(corps, who))
    for name, team in corps.teams.items():
        status = client.get(f"/api/v1/teams/{team.pk}/members").status_code
        assert status == (200 if name in EXPECTED[who] else 403), (who, name, status)


def test_squad_admin_cannot_open_a_sibling_squads_member_page(corps, client_for):
    client = client_for(corps.carol_user)
    assert client.get(f"/teams/{corps.squad_1a.pk}/members/").status_code == 200
    assert client.get(f"/teams/{corps.squad_1b.pk}/members/").status_code == 403
    assert client.get(f"/teams/{corps.det_1.pk}/members/").status_code == 403


def test_team_admin_role_and_roster_reach(corps, client_for):
    from zhiyuan.accounts import scopes
    from zhiyuan.accounts.models import Role
    from zhiyuan.teams.models import Membership

    assert Role.TEAM_ADMIN in scopes.roles_of(corps.frank.user)
    Membership.objects.create(team=corps.squad_1b, volunteer=corps.gina, state="active")
    seen = client_for(corps.frank.user).get("/api/v1/volunteers").json()["items"]
    numbers = {item["volunteer_no"] for item in seen}
    # frank sees the members of his subtree (gina, carol) and himself, not dave.
    assert numbers == {corps.gina.volunteer_no, corps.carol.volunteer_no, corps.frank.volunteer_no}
