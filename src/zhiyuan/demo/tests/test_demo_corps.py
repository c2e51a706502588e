"""`zhiyuan demo`: outlines, the corps, stations with audits, projects with sign-ups."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from zhiyuan.places import geo
from zhiyuan.places.models import Region
from zhiyuan.projects.models import Activity, Project, SignUp
from zhiyuan.stations.models import Audit, Station
from zhiyuan.stations.selectors import Compliance, with_compliance
from zhiyuan.teams.models import Membership, Team
from zhiyuan.volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    """One demo for the whole module, removed afterwards (these tests only read)."""
    with django_db_blocker.unblock():
        call_command("demo", "--volunteers", "600", stdout=StringIO())
        yield
        call_command("flush", interactive=False, verbosity=0)


def test_subdistrict_outlines_tile_the_district(built):
    district = Region.objects.get(level="district")
    subdistricts = list(Region.objects.filter(level="subdistrict"))
    for community in Region.objects.filter(level="community").select_related("parent"):
        station = Station.objects.get(region=community, kind="community")
        point = (float(station.longitude), float(station.latitude))
        inside = [s for s in subdistricts if geo.contains(s.outline, *point)]
        assert inside == [community.parent]
        assert geo.contains(district.outline, *point)


def test_the_corps_has_the_seeds_shape(built):
    levels = dict(Team.objects.values_list("level").annotate(n=Count("id")))
    assert levels["corps"] == 1
    assert levels["detachment"] == 27
    assert levels["squad"] >= 65
    assert 550 <= Team.objects.count() <= 650
    for team in Team.objects.select_related("parent"):
        assert team.path == f"{team.parent.path if team.parent else '/'}{team.pk}/"
        if team.level == "squad":
            assert team.parent.level == "detachment"
    assert not Team.objects.filter(kind="professional", specialty__isnull=True).exists()
    assert Team.objects.filter(kind="professional").count() == 8


def test_most_active_volunteers_are_members_and_nobody_twice_in_a_team(built):
    active = Volunteer.objects.filter(status="active").count()
    members = Membership.objects.filter(state="active").values("volunteer").distinct().count()
    assert members / active > 0.8
    doubled = (
        Membership.objects.filter(state__in=["pending", "invited", "active"])
        .values("team", "volunteer")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert not doubled.exists()
    admins = Membership.objects.filter(role="admin", state="active").values("team").distinct()
    assert admins.count() == Team.objects.exclude(level="corps").count()


def test_stations_by_kind_inside_their_subdistrict(built):
    kinds = dict(Station.objects.values_list("kind").annotate(n=Count("id")))
    assert kinds == {"community": 62, "public_place": 84, "point": 152, "base": 11}
    assert Station.objects.filter(kind="public_place").values("place_name").distinct().count() == 22
    for station in Station.objects.select_related("region__parent"):
        assert geo.contains(
            station.region.parent.outline, float(station.longitude), float(station.latitude)
        )


def test_audits_cover_eight_standards_and_some_stations_fall_short(built):
    assert all(a.items.count() == 8 for a in Audit.objects.prefetch_related("items")[:50])
    states = dict(
        with_compliance(Station.objects.all()).values_list("compliance").annotate(n=Count("id"))
    )
    assert states.get(Compliance.UNAUDITED, 0) == 0
    assert 0.05 < states[Compliance.SHORT] / 309 < 0.35


def test_projects_and_the_civility_day_at_forty_stations(built):
    civility = Project.objects.get(name="文明礼让日")
    days = Activity.objects.filter(project=civility)
    assert days.count() == 12 * 40
    assert {timezone.localtime(a.starts_at).day for a in days} == {12}
    assert {timezone.localtime(a.starts_at).hour for a in days} == {8}
    assert Project.objects.filter(is_brand=True).count() >= 5
    assert SignUp.objects.filter(state="confirmed").exists()


def test_no_volunteer_holds_two_overlapping_demo_shifts(built):
    holding = SignUp.objects.filter(state__in=["confirmed", "waitlisted"])
    pairs: dict[int, list] = {}
    for volunteer_id, start, end in holding.values_list("volunteer_id", "starts_at", "ends_at"):
        for other_start, other_end in pairs.get(volunteer_id, []):
            assert not (start < other_end and other_start < end)
        pairs.setdefault(volunteer_id, []).append((start, end))
    assert pairs


def test_service_records_and_totals_agree(built):
    from django.db.models import Sum

    from zhiyuan.service.models import HoursTotal, ServiceRecord

    assert ServiceRecord.objects.count() > 600 * 8
    assert ServiceRecord.objects.filter(shift__isnull=False, source="measured").exists()
    sample = HoursTotal.objects.order_by("-approved_hours")[:5]
    for total in sample:
        approved = ServiceRecord.objects.filter(
            volunteer=total.volunteer_id, is_current=True, state="approved"
        ).aggregate(h=Sum("hours"))["h"]
        assert approved == total.approved_hours
    assert HoursTotal.objects.values("star_level").distinct().count() >= 2
