"""A project's shift list: paged and filtered on the server, the shifts a volunteer can take
first, and a shift they cannot take says why instead of offering 报名."""

import datetime as dt

import pytest

from zhiyuan.projects import views
from zhiyuan.projects.models import Activity, Shift
from zhiyuan.stations.models import Station
from zhiyuan.testing.factories import at

pytestmark = pytest.mark.django_db


def test_a_shift_needing_a_missing_skill_says_why_before_the_tap(plan, client_for):
    page = client_for(plan.gina.user).get(f"/projects/{plan.project.pk}/")
    shifts = page.context["shifts"]
    assert [s.pk for s in shifts] == [plan.guide.pk, plan.rescue.pk]  # the one she can take first
    rescue = shifts[1]
    assert rescue.refusals and not shifts[0].refusals
    html = page.content.decode()
    card = html.split(f'data-shift="{plan.rescue.pk}"')[1].split("</article>")[0]
    assert 'class="sign-up"' not in card and "why-not" in card


def test_shift_list_pages_and_filters_by_station_and_subdistrict(plan, client_for, monkeypatch):
    monkeypatch.setattr(views, "SHIFTS_PAGE", 1)
    far = Station.objects.create(
        name="南营门服务站",
        kind="community",
        region=plan.b1,
        address="南营门街2号",
        latitude="39.200000",
        longitude="117.300000",
    )
    activity = Activity.objects.create(
        project=plan.project, title="路口引导", station=far, starts_at=at(2, 8), ends_at=at(2, 11)
    )
    other = Shift.objects.create(
        activity=activity, role="引导", starts_at=at(2, 8), ends_at=at(2, 11), capacity=2
    )
    client = client_for(plan.gina.user)
    first = client.get(f"/projects/{plan.project.pk}/")
    assert first.context["page"].paginator.count == 3 and len(first.context["shifts"]) == 1
    by_station = client.get(f"/projects/{plan.project.pk}/?station={far.pk}")
    assert [s.pk for s in by_station.context["shifts"]] == [other.pk]
    by_region = client.get(f"/projects/{plan.project.pk}/?region={plan.sub_b.pk}")
    assert [s.pk for s in by_region.context["shifts"]] == [other.pk]
    near = client.get(f"/projects/{plan.project.pk}/?lat=39.2&lon=117.3")
    assert [s.pk for s in near.context["shifts"]] == [
        other.pk
    ]  # gina can take it, and it is nearest


def test_a_started_shift_stays_listed_until_it_ends(plan, client_for):
    now_start = at(0, 0) - dt.timedelta(days=1)
    Shift.objects.filter(pk=plan.guide.pk).update(
        starts_at=now_start, ends_at=now_start + dt.timedelta(days=3)
    )
    page = client_for(plan.gina.user).get(f"/projects/{plan.project.pk}/")
    html = page.content.decode()
    card = html.split(f'data-shift="{plan.guide.pk}"')[1].split("</article>")[0]
    assert 'class="sign-up"' not in card and "why-not" in card


def test_creating_an_activity_leads_on_to_adding_its_shifts(plan, client_for):
    carol = client_for(plan.carol_user)
    start = at(5, 8)
    response = carol.post(
        f"/projects/{plan.project.pk}/manage/",
        {
            "action": "activity",
            "activity-title": "周末引导",
            "activity-starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "activity-ends_at": (start + dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
            "activity-station": plan.station.pk,
        },
    )
    activity = Activity.objects.get(title="周末引导")
    assert response.status_code == 302
    assert response["Location"] == f"/projects/activities/{activity.pk}/shifts/"


def test_an_activity_that_has_started_stays_on_the_manage_page(plan, client_for):
    Activity.objects.filter(pk=plan.activity.pk).update(
        starts_at=at(0, 0) - dt.timedelta(hours=1), ends_at=at(0, 0) + dt.timedelta(days=2)
    )
    page = client_for(plan.carol_user).get(f"/projects/{plan.project.pk}/manage/")
    assert plan.activity in page.context["activities"]
