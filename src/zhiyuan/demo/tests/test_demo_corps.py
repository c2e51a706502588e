"""`zhiyuan demo` as a whole: projects with sign-ups, service records. (Outlines, teams and
stations are tested step by step in test_demo_outlines/teams/stations.)"""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from zhiyuan.projects.models import Activity, Project, SignUp

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    """One demo for the whole module, rolled back afterwards (these tests only read).

    A rollback, not a flush: flushing would also empty the data migrations' rows (skills,
    specialties) that later modules need.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", "--volunteers", "600", stdout=StringIO())
        yield
        transaction.set_rollback(True)


def test_projects_and_the_civility_day_at_forty_stations(built):
    civility = Project.objects.get(name="文明礼让日")
    days = Activity.objects.filter(project=civility)
    months = {
        (timezone.localtime(a.starts_at).year, timezone.localtime(a.starts_at).month) for a in days
    }
    # Every month from a year back to the end of this year, at 40 stations each.
    today = timezone.localdate()
    assert (today.year - 1, today.month) in months and (today.year, 12) in months
    assert len(months) == 12 + (12 - today.month) + 1
    assert days.count() == len(months) * 40
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
