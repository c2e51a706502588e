"""Demo teams and memberships: the seed's corps of about 600 teams that most volunteers join."""

import pytest
from django.db.models import Count, F, Q

from zhiyuan.accounts.models import User
from zhiyuan.teams.models import Membership, Specialty, Team
from zhiyuan.volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


def test_the_corps_has_the_seeds_levels(small_district):
    levels = dict(Team.objects.values_list("level").annotate(n=Count("id")))
    assert levels["corps"] == 1
    assert levels["detachment"] == 27
    assert levels["squad"] >= 65
    assert Team.objects.filter(level="squad", kind__in=["community", "unit"]).count() == 65
    assert 550 <= Team.objects.count() <= 650
    assert not Team.objects.exclude(status="active").exists()


def test_every_path_is_the_parents_path_and_own_pk_and_levels_descend(small_district):
    rank = Team.LEVEL_RANK
    for team in Team.objects.select_related("parent"):
        if team.parent is None:
            assert (team.level, team.path) == ("corps", f"/{team.pk}/")
            continue
        assert team.path == f"{team.parent.path}{team.pk}/"
        assert rank[team.level] == rank[team.parent.level] + 1
        assert team.founded_on >= team.parent.founded_on


def test_each_community_has_one_squad_under_its_subdistricts_detachment(small_district):
    squads = Team.objects.filter(level="squad", kind="community").select_related("region", "parent")
    assert sorted(s.region_id for s in squads) == sorted(c.pk for c in small_district.communities)
    for squad in squads:
        assert squad.parent.region_id == squad.region.parent_id


def test_every_specialty_has_a_professional_team_and_they_have_a_specialty(small_district):
    assert not Team.objects.filter(kind="professional", specialty__isnull=True).exists()
    covered = set(
        Team.objects.filter(kind="professional", level="squad").values_list("specialty", flat=True)
    )
    assert covered == set(Specialty.objects.values_list("pk", flat=True))
    assert Team.objects.get(name="献血志愿者爱心团队").specialty.code == "blood"


def test_most_active_volunteers_belong_and_nobody_joined_more_than_three(small_district):
    """Leaders and admins come on top: in a small demo a few volunteers lead many teams."""
    active = Volunteer.objects.filter(status="active")
    belonging = active.filter(memberships__state="active").distinct().count()
    assert belonging / active.count() > 0.8
    joined = active.annotate(
        n=Count("memberships", filter=Q(memberships__state="active", memberships__role="member"))
    )
    assert max(joined.values_list("n", flat=True)) <= 3


def test_community_squads_draw_from_their_own_community(small_district):
    squads = Membership.objects.filter(state="active", team__level="squad", team__kind="community")
    assert squads.count() > 0.7 * Volunteer.objects.filter(status="active").count()
    members, managers = squads.filter(role="member"), squads.exclude(role="member")
    assert not members.exclude(volunteer__community=F("team__region")).exists()
    # A community without volunteers of its own (a small demo has some) borrows its leaders
    # from its subdistrict.
    assert not managers.exclude(volunteer__community__parent=F("team__region__parent")).exists()


def test_nobody_holds_two_open_memberships_in_a_team_and_history_is_kept(small_district):
    doubled = (
        Membership.objects.filter(state__in=Membership.OPEN_STATES)
        .values("team", "volunteer")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert not doubled.exists()
    assert Membership.objects.filter(state="pending", joined_at__isnull=True).exists()
    left = Membership.objects.filter(state="left")
    assert left.exists()
    assert all(m.left_at and m.joined_at < m.left_at for m in left)
    for m in Membership.objects.filter(state="active").select_related("volunteer", "team"):
        assert m.requested_at <= m.joined_at <= small_district.now
        assert m.joined_at >= m.volunteer.created_at


def test_requests_wait_only_where_teams_join_by_approval(small_district):
    asked = Membership.objects.filter(state__in=["pending", "rejected"])
    assert not asked.exclude(team__join_mode="approval").exists()


def test_every_team_is_managed_and_its_leader_is_an_active_leader(small_district):
    managed = Membership.objects.filter(state="active", role__in=Membership.MANAGING_ROLES)
    assert set(managed.values_list("team", flat=True)) == set(
        Team.objects.values_list("pk", flat=True)
    )
    for team in Team.objects.exclude(level="corps"):
        assert managed.filter(team=team, volunteer=team.leader_id, role="leader").exists()


def test_the_demo_volunteer_administers_a_squad_with_requests_waiting(small_district, client):
    user = User.objects.get(username="volunteer")
    squad = Team.objects.get(
        level="squad", region=user.volunteer.community, memberships__volunteer__user=user
    )
    assert Membership.objects.get(team=squad, volunteer__user=user).role in ("admin", "leader")
    client.force_login(user)
    page = client.get(f"/teams/{squad.pk}/members/")
    assert page.status_code == 200
    assert page.content.decode().count('class="request"') >= 3
