"""Projects, activities, recurring series and shifts: publishing, scheduling, bad input."""

import datetime as dt

import pytest
from django.utils import timezone

from zhiyuan.notifications.models import Message
from zhiyuan.projects.models import Activity, Project, Shift
from zhiyuan.testing.factories import at

pytestmark = pytest.mark.django_db


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def test_team_admin_creates_and_publishes_a_project(plan, client_for):
    client = client_for(plan.carol_user)
    today = timezone.localdate()
    response = post(
        client,
        "/api/v1/projects",
        {
            "name": "爱心助空巢",
            "category": "elderly",
            "organiser_id": plan.squad_1a.pk,
            "starts_on": str(today),
            "ends_on": str(today + dt.timedelta(days=90)),
        },
    )
    assert response.status_code == 201, response.content
    project_id = response.json()["id"]
    assert response.json()["state"] == "draft"
    assert client_for(None).get(f"/api/v1/projects/{project_id}").status_code == 404
    assert post(client, f"/api/v1/projects/{project_id}/publish").json()["state"] == "published"
    assert client_for(None).get(f"/api/v1/projects/{project_id}").status_code == 200


def test_sibling_team_admin_cannot_create_for_another_team(plan, client_for):
    today = timezone.localdate()
    response = post(
        client_for(plan.carol_user),
        "/api/v1/projects",
        {
            "name": "越权项目",
            "category": "elderly",
            "organiser_id": plan.squad_1b.pk,
            "starts_on": str(today),
            "ends_on": str(today),
        },
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (
            {"starts_at": "2026-12-12T11:00:00+08:00", "ends_at": "2026-12-12T08:00:00+08:00"},
            "ends_at",
        ),
        (
            {"starts_at": "2030-12-12T08:00:00+08:00", "ends_at": "2030-12-12T11:00:00+08:00"},
            "starts_at",
        ),
        ({"title": ""}, "title"),
    ],
)
def test_bad_activity_input(plan, client_for, payload, field):
    data = {
        "title": "环境清整",
        "station_id": plan.station.pk,
        "starts_at": at(3, 8).isoformat(),
        "ends_at": at(3, 11).isoformat(),
    }
    data.update(payload)
    before = Activity.objects.count()
    response = post(
        client_for(plan.carol_user), f"/api/v1/projects/{plan.project.pk}/activities", data
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert Activity.objects.count() == before


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"capacity": 0}, "capacity"),
        ({"capacity": -3}, "capacity"),
        ({"starts_at": at(1, 7).isoformat()}, "starts_at"),  # before its activity
        ({"ends_at": at(1, 7).isoformat()}, "ends_at"),  # before its own start
    ],
)
def test_bad_shift_input(plan, client_for, payload, field):
    data = {
        "role": "秩序维护",
        "starts_at": at(1, 8).isoformat(),
        "ends_at": at(1, 10).isoformat(),
        "capacity": 4,
    }
    data.update(payload)
    response = post(
        client_for(plan.carol_user), f"/api/v1/activities/{plan.activity.pk}/shifts", data
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert Shift.objects.filter(role="秩序维护").count() == 0


def test_civility_day_series_creates_a_year_of_activities_in_one_action(plan, client_for):
    from zhiyuan.stations.models import Station

    stations = [plan.station] + [
        Station.objects.create(
            name=f"服务点{i}",
            kind="point",
            region=plan.a1,
            address=f"{i}号",
            latitude="39.12",
            longitude="117.18",
        )
        for i in range(2)
    ]
    project = plan.project
    project.starts_on, project.ends_on = dt.date(2027, 1, 1), dt.date(2027, 12, 31)
    project.save()
    response = post(
        client_for(plan.carol_user),
        f"/api/v1/projects/{project.pk}/series",
        {
            "title": "文明礼让日",
            "frequency": "monthly",
            "day": 12,
            "start_time": "08:00",
            "end_time": "11:00",
            "first_date": "2027-01-01",
            "last_date": "2027-12-31",
            "station_ids": [s.pk for s in stations],
            "shifts": [
                {"role": "义务指路", "capacity": 5},
                {"role": "应急救助", "capacity": 2, "skills": ["first_aid"]},
            ],
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["activities"] == 36
    activities = Activity.objects.filter(series_id=response.json()["id"])
    assert {timezone.localtime(a.starts_at).day for a in activities} == {12}
    assert {timezone.localtime(a.starts_at).hour for a in activities} == {8}
    assert Shift.objects.filter(activity__in=activities).count() == 72
    rescue = Shift.objects.filter(activity__in=activities, role="应急救助").first()
    assert list(rescue.required_skills.values_list("code", flat=True)) == ["first_aid"]
    one = activities.first()
    cancelled = post(
        client_for(plan.carol_user), f"/api/v1/activities/{one.pk}/cancel", {"reason": "暴雨"}
    )
    assert cancelled.json()["status"] == "cancelled"
    assert activities.filter(status="scheduled").count() == 35


def _two_months_of(plan, client_for, **fields):
    """POST a monthly series over the next 60 days at the plan's station, with `fields`."""
    return post(
        client_for(plan.carol_user),
        f"/api/v1/projects/{plan.project.pk}/series",
        {
            "title": "月末活动",
            "frequency": "monthly",
            "day": 12,
            "start_time": "08:00",
            "end_time": "11:00",
            "first_date": str(timezone.localdate()),
            "last_date": str(timezone.localdate() + dt.timedelta(days=60)),
            "station_ids": [plan.station.pk],
            "shifts": [{"role": "引导", "capacity": 1}],
            **fields,
        },
    )


def test_series_day_must_exist_every_month(plan, client_for):
    response = _two_months_of(plan, client_for, day=31)
    assert response.status_code == 400
    assert "day" in response.json()["errors"]


@pytest.mark.parametrize("station_id", [2**70, 2**63, 0, -1])
def test_a_station_id_no_database_can_hold_is_a_bad_request(plan, client_for, station_id):
    # A list of ids is bound as it is (pk__in): 2**70 was a server error in the driver.
    response = _two_months_of(plan, client_for, station_ids=[plan.station.pk, station_id])
    assert response.status_code == 400, response.content
    assert list(response.json()["errors"]) == ["station_ids"]
    assert not Activity.objects.filter(title="月末活动").exists()


def test_each_bad_field_is_named_with_its_reason_in_the_users_language(plan, client_for):
    body = {
        "title": "文" * 101,
        "frequency": "yearly",
        "day": "十二",
        "start_time": "8点",
        "end_time": "11:00",
        "first_date": "2027-13-01",
        "station_ids": [plan.station.pk],
        "shifts": [{"role": "引导", "capacity": 1}],
    }
    url = f"/api/v1/projects/{plan.project.pk}/series"
    client = client_for(plan.carol_user)

    chinese = client.post(url, body, content_type="application/json").json()
    assert chinese["message"] == "部分字段填写有误。"
    assert chinese["errors"] == {
        "title": ["最多 100 个字符。"],
        "frequency": ["请从以下选项中选择：'monthly'、'weekly'。"],
        "day": ["请输入整数。"],
        "start_time": ["请按 HH:MM 格式填写时间。"],
        "first_date": ["请按 YYYY-MM-DD 格式填写日期。"],
        "last_date": ["此项为必填项。"],
    }
    english = client.post(
        url, body, content_type="application/json", headers={"Accept-Language": "en"}
    ).json()
    assert english["errors"]["title"] == ["At most 100 characters."]
    assert english["errors"]["frequency"] == ["Choose one of: 'monthly', 'weekly'."]
    assert english["errors"]["last_date"] == ["This field is required."]
    assert not Activity.objects.filter(title__startswith="文文").exists()


def test_cancelling_an_activity_tells_everyone_signed_up(plan, client_for):
    plan.carol.insured_until = at(30, 0).date()
    plan.carol.save()
    client_for(plan.gina.user).post(f"/api/v1/shifts/{plan.guide.pk}/signups")
    response = post(
        client_for(plan.carol_user),
        f"/api/v1/activities/{plan.activity.pk}/cancel",
        {"reason": "大风预警"},
    )
    assert response.status_code == 200
    message = Message.objects.get(recipient=plan.gina.user, kind="shift_cancelled", channel="site")
    assert "大风预警" in message.body
    assert (
        post(
            client_for(plan.carol_user),
            f"/api/v1/activities/{plan.activity.pk}/cancel",
            {"reason": "again"},
        ).status_code
        == 409
    )


def test_moving_an_activity_moves_its_shifts_and_tells_volunteers(plan, client_for):
    client_for(plan.gina.user).post(f"/api/v1/shifts/{plan.guide.pk}/signups")
    response = client_for(plan.carol_user).patch(
        f"/api/v1/activities/{plan.activity.pk}",
        {"starts_at": at(2, 9).isoformat(), "ends_at": at(2, 12).isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    plan.guide.refresh_from_db()
    assert plan.guide.starts_at == at(2, 9)
    assert Message.objects.filter(recipient=plan.gina.user, kind="shift_changed").exists()


def test_public_list_search_and_filters(plan, client_for):
    client = client_for(None)
    Project.objects.create(
        name="草稿项目",
        category=plan.project.category,
        organiser=plan.squad_1a,
        starts_on=plan.project.starts_on,
        ends_on=plan.project.ends_on,
    )
    names = lambda q: [p["name"] for p in client.get(f"/api/v1/projects?{q}").json()]  # noqa: E731
    assert names("") == ["文明礼让日"]
    assert names("category=civility_guidance") == ["文明礼让日"]
    assert names("category=elderly") == []
    assert names(f"region_id={plan.sub_a.pk}") == ["文明礼让日"]
    assert names(f"region_id={plan.sub_b.pk}") == []
    assert names("skill=first_aid") == ["文明礼让日"]
    assert names("q=礼让") == ["文明礼让日"]
    page = client.get("/projects/?q=礼让").content.decode()
    assert "文明礼让日" in page and "草稿项目" not in page


def test_project_page_shows_shifts_and_places_left(plan, client_for):
    page = client_for(None).get(f"/projects/{plan.project.pk}/").content.decode()
    assert "义务指路" in page and "应急救助" in page
