"""Founding, editing, moving and dissolving teams; the placement rules; the pages."""

import pytest

from zhiyuan.teams.models import Team

pytestmark = pytest.mark.django_db


def create(client, **data):
    return client.post("/api/v1/teams", data, content_type="application/json")


def test_detachment_admin_founds_a_squad_below(corps, client_for):
    response = create(
        client_for(corps.frank.user),
        name="新兴助老分队",
        level="squad",
        kind="community",
        parent_id=corps.det_1.pk,
        region_id=corps.a1.pk,
        join_mode="open",
    )
    assert response.status_code == 201, response.content
    team = Team.objects.get(name="新兴助老分队")
    assert team.path == f"{corps.det_1.path}{team.pk}/"


def test_squad_admin_cannot_found_under_a_sibling(corps, client_for):
    response = create(
        client_for(corps.carol_user),
        name="越权分队",
        level="group",
        kind="community",
        parent_id=corps.squad_1b.pk,
        region_id=corps.a2.pk,
    )
    assert response.status_code == 403
    assert not Team.objects.filter(name="越权分队").exists()


def test_squad_under_a_squad_of_another_district_is_refused_with_both_reasons(corps, client_for):
    from zhiyuan.places.models import Region

    other = Region(code="120299000000", name="外区", level="district")
    other.path = other.build_path()
    other.save()
    response = create(
        client_for(corps.alice),
        name="错位分队",
        level="squad",
        kind="community",
        parent_id=corps.squad_1a.pk,
        region_id=other.pk,
    )
    assert response.status_code == 400
    assert {"level", "region"} <= set(response.json()["errors"])
    assert not Team.objects.filter(name="错位分队").exists()


def test_professional_team_needs_a_specialty(corps, client_for):
    client = client_for(corps.alice)
    response = create(
        client,
        name="消防队",
        level="detachment",
        kind="professional",
        parent_id=corps.corps.pk,
        region_id=corps.district.pk,
    )
    assert "specialty" in response.json()["errors"]
    response = create(
        client,
        name="消防队",
        level="detachment",
        kind="professional",
        parent_id=corps.corps.pk,
        region_id=corps.district.pk,
        specialty="fire",
    )
    assert response.status_code == 201
    assert response.json()["specialty"] == "fire"


def test_a_team_cannot_become_its_own_ancestor(corps, client_for):
    response = client_for(corps.alice).post(
        f"/api/v1/teams/{corps.det_1.pk}/move",
        {"parent_id": corps.group_1a.pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "parent" in response.json()["errors"]
    corps.det_1.refresh_from_db()
    assert corps.det_1.parent == corps.corps


def test_moving_a_squad_moves_its_subtree(corps, client_for):
    response = client_for(corps.alice).post(
        f"/api/v1/teams/{corps.squad_1a.pk}/move",
        {"parent_id": corps.det_2.pk},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    corps.group_1a.refresh_from_db()
    assert corps.group_1a.path == f"{corps.det_2.path}{corps.squad_1a.pk}/{corps.group_1a.pk}/"


def test_squad_admin_cannot_move_their_squad_out_of_the_detachment(corps, client_for):
    response = client_for(corps.carol_user).post(
        f"/api/v1/teams/{corps.squad_1a.pk}/move",
        {"parent_id": corps.det_2.pk},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_dissolving_needs_no_active_subteams_and_closes_memberships(corps, client_for):
    client = client_for(corps.alice)
    blocked = client.post(
        f"/api/v1/teams/{corps.squad_1a.pk}/dissolve",
        {"reason": "合并"},
        content_type="application/json",
    )
    assert blocked.status_code == 409
    done = client.post(
        f"/api/v1/teams/{corps.group_1a.pk}/dissolve",
        {"reason": "合并到分队"},
        content_type="application/json",
    )
    assert done.json()["status"] == "dissolved"
    assert client_for(None).get(f"/api/v1/teams/{corps.group_1a.pk}").status_code == 404


def test_bad_edit_changes_nothing(corps, client_for):
    response = client_for(corps.carol_user).patch(
        f"/api/v1/teams/{corps.squad_1a.pk}",
        {"name": " ", "contact_phone": "abc"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert {"name", "contact_phone"} <= set(response.json()["errors"])
    corps.squad_1a.refresh_from_db()
    assert corps.squad_1a.name == "新兴社区分队"


def test_null_clears_an_optional_text_and_is_refused_for_the_name(corps, client_for):
    client = client_for(corps.carol_user)
    url = f"/api/v1/teams/{corps.squad_1a.pk}"
    cleared = client.patch(url, {"contact_phone": None}, content_type="application/json")
    assert cleared.status_code == 200, cleared.content
    assert cleared.json()["contact_phone"] == ""
    refused = client.patch(url, {"name": None, "kind": None}, content_type="application/json")
    assert refused.status_code == 400
    assert set(refused.json()["errors"]) == {"name", "kind"}
    corps.squad_1a.refresh_from_db()
    assert corps.squad_1a.name == "新兴社区分队"


def test_edit_sets_a_leader_by_volunteer_number(corps, client_for):
    response = client_for(corps.carol_user).patch(
        f"/api/v1/teams/{corps.squad_1a.pk}",
        {"leader_volunteer_no": corps.carol.volunteer_no, "join_mode": "open"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    corps.squad_1a.refresh_from_db()
    assert corps.squad_1a.leader == corps.carol
    assert corps.squad_1a.join_mode == "open"


def test_only_the_office_founds_a_corps(corps, client_for):
    data = dict(name="新总队", level="corps", kind="department", region_id=corps.district.pk)
    assert create(client_for(corps.frank.user), **data).status_code == 403
    assert create(client_for(corps.alice), **data).status_code == 201


def test_anyone_reads_the_tree_and_filters_it(corps, client_for):
    client = client_for(None)
    page = client.get("/teams/").content.decode()
    assert "学雷锋志愿服务总队" in page
    assert "助老小组" in client.get(f"/teams/?under={corps.squad_1a.pk}").content.decode()
    squads = client.get("/api/v1/teams?level=squad").json()
    assert {t["name"] for t in squads} == {"新兴社区分队", "朝阳社区分队", "南营门社区分队"}
    filtered = client.get("/teams/?level=detachment").content.decode()
    assert "文明办支队" in filtered and "新兴社区分队" not in filtered


def test_team_page_shows_subteams_and_the_manage_link_only_to_managers(corps, client_for):
    url = f"/teams/{corps.det_1.pk}/"
    page = client_for(corps.frank.user).get(url).content.decode()
    assert "新兴社区分队" in page and 'id="manage-members"' in page
    assert 'id="manage-members"' not in client_for(corps.carol_user).get(url).content.decode()


def test_create_page_for_a_subteam(corps, client_for):
    client = client_for(corps.carol_user)
    response = client.post(
        f"/teams/new/?parent={corps.squad_1a.pk}",
        {
            "name": "理发小组",
            "level": "group",
            "kind": "community",
            "region": corps.a1.pk,
            "join_mode": "open",
        },
    )
    assert response.status_code == 302
    assert Team.objects.get(name="理发小组").parent == corps.squad_1a


def test_new_specialty_by_the_office_only(corps, client_for):
    """Specialties are one district-wide list: the district office adds them, not a team
    admin and not a subdistrict office (bob could, through the "any office" check)."""
    data = {"code": "legal", "name": "法律"}
    for user in (corps.frank.user, corps.bob):
        assert (
            client_for(user)
            .post("/api/v1/specialties", data, content_type="application/json")
            .status_code
            == 403
        )
    assert (
        client_for(corps.alice)
        .post("/api/v1/specialties", data, content_type="application/json")
        .status_code
        == 201
    )
