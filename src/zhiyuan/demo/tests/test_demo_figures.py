"""The demo's figures are plausible: past years have the projects and activities behind their
hours, people served stay within the recipients and residents, subdistricts add up."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from zhiyuan.helpdesk.models import HelpRequest
from zhiyuan.places.models import Region
from zhiyuan.reports.scope import Scope
from zhiyuan.reports.statistics import compute

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_each_years_hours_come_with_projects_activities_and_plausible_people_served():
    call_command("demo", "--volunteers", "300", stdout=StringIO())
    district = Region.objects.get(level=Region.Level.DISTRICT)
    this_year = timezone.localdate().year
    for year in (this_year - 1, this_year):
        f = compute(Scope.of(district), dt.date(year, 1, 1), dt.date(year + 1, 1, 1))
        assert f["hours_approved"] > 0, year
        assert f["projects_total"] > 0 and f["activities_total"] > 0, year
        assert f["civility_person_times"] > 0, year
        # About one person served per resident a year at most, not 23.
        assert f["persons_served"] <= f["population"], year
        parts = [
            compute(Scope.of(s), dt.date(year, 1, 1), dt.date(year + 1, 1, 1))
            for s in Region.objects.filter(parent=district)
        ]
        assert round(sum(p["hours_approved"] for p in parts), 2) == f["hours_approved"]
        assert sum(p["civility_person_times"] for p in parts) == f["civility_person_times"]
    # A help request for a recipient serves that one person.
    assert not HelpRequest.objects.filter(recipient__isnull=False, persons_served__gt=1).exists()
