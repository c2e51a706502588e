"""Demo stations and audits: the seed's 抓阵地, inside the right outlines, mostly compliant."""

from collections import Counter

import pytest
from django.db.models import Count

from zhiyuan.places import geo
from zhiyuan.places.models import Region
from zhiyuan.stations.models import Audit, Station
from zhiyuan.stations.selectors import Compliance, with_compliance
from zhiyuan.teams.models import Team

pytestmark = pytest.mark.django_db


def test_stations_of_each_kind_as_the_seed_counts_them(small_district):
    kinds = dict(Station.objects.values_list("kind").annotate(n=Count("id")))
    assert kinds["community"] == 62
    assert kinds["public_place"] == 84
    assert 145 <= kinds["point"] <= 155
    assert kinds["base"] == 11
    places = Station.objects.filter(kind="public_place")
    assert places.values("place_name").distinct().count() == 22
    assert not places.filter(place_type="").exists()
    for base in Station.objects.filter(kind="base"):
        assert base.base_level == "city" and 2010 <= base.base_year <= 2025


def test_every_station_is_inside_its_subdistrict_and_the_district(small_district):
    district = Region.objects.get(level=Region.Level.DISTRICT)
    for station in Station.objects.select_related("region__parent"):
        point = (float(station.longitude), float(station.latitude))
        assert station.region.level == Region.Level.COMMUNITY
        assert geo.contains(station.region.parent.outline, *point), station.name
        assert geo.contains(district.outline, *point), station.name
        assert 50 <= station.checkin_radius_m <= 300
        assert station.address and station.opening_hours and station.services


def test_each_community_station_is_run_by_its_communitys_squad(small_district):
    for station in Station.objects.filter(kind="community").select_related("managing_team"):
        team = station.managing_team
        assert (team.level, team.kind, team.region_id) == ("squad", "community", station.region_id)
    assert not Station.objects.filter(managing_team__isnull=True).exists()
    assert Team.objects.filter(stations__kind="base", kind="unit").exists()


def test_every_audit_checks_the_eight_standards_and_explains_shortfalls(small_district):
    audits = Audit.objects.prefetch_related("items")
    assert set(Counter(a.station_id for a in audits).values()) <= {1, 2, 3}
    for audit in audits:
        items = list(audit.items.all())
        assert len(items) == 8
        missed = [item for item in items if not item.met]
        assert audit.compliant == (not missed)
        assert all(item.note for item in missed)
        assert (small_district.today - audit.audited_on).days <= 730
        assert audit.auditor == small_district.office_admin


def test_most_stations_comply_and_the_rest_say_why(small_district):
    stations = with_compliance(Station.objects.all())
    states = Counter(stations.values_list("compliance", flat=True))
    assert states[Compliance.UNAUDITED] == 0
    assert 0.1 < states[Compliance.SHORT] / stations.count() < 0.25
    for station in stations.filter(compliance=Compliance.SHORT):
        latest = Audit.objects.get(pk=station.latest_audit_id)
        assert latest.note and 1 <= latest.items.filter(met=False).count() <= 2
