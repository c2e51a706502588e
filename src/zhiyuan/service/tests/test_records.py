"""Service records: entered hours, approval, corrections as versions, requests, stars."""

import pytest

from zhiyuan.service.checkin import organiser_check_in, organiser_check_out
from zhiyuan.service.models import Attendance, CorrectionRequest, HoursTotal, ServiceRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(live):
    organiser_check_in(actor=live.carol_user, shift=live.now_shift)
    Attendance.objects.update(checked_in_at=live.now_shift.starts_at)
    organiser_check_out(actor=live.carol_user, shift=live.now_shift)
    return live


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


@pytest.mark.parametrize(
    ("hours", "reason", "field"),
    [
        (-1, "补录", "hours"),
        (0, "补录", "hours"),
        (99, "补录", "hours"),
        ("NaN", "补录", "hours"),
        (1, "", "reason"),
    ],
)
def test_bad_entered_hours_are_refused(plan, client_for, hours, reason, field):
    _gina_held_the_guide_shift_two_days_ago(plan)
    response = post(
        client_for(plan.carol_user),
        f"/api/v1/shifts/{plan.guide.pk}/hours",
        {"volunteer_no": plan.gina.volunteer_no, "hours": hours, "reason": reason},
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not ServiceRecord.objects.exists()


def _gina_held_the_guide_shift_two_days_ago(plan) -> None:
    """The guide shift moved to two days ago, 8 to 11, with gina's confirmed place on it."""
    from zhiyuan.projects.models import Shift, SignUp
    from zhiyuan.testing.factories import at

    Shift.objects.filter(pk=plan.guide.pk).update(starts_at=at(-2, 8), ends_at=at(-2, 11))
    SignUp.objects.create(
        shift=plan.guide,
        volunteer=plan.gina,
        state="confirmed",
        starts_at=at(-2, 8),
        ends_at=at(-2, 11),
    )


def test_entered_hours_up_to_the_shift_length(plan, client_for):
    _gina_held_the_guide_shift_two_days_ago(plan)
    response = post(
        client_for(plan.carol_user),
        f"/api/v1/shifts/{plan.guide.pk}/hours",
        {"volunteer_no": plan.gina.volunteer_no, "hours": 3, "reason": "手机没电未能签到"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["source"] == "entered"


def test_team_admin_approves_in_bulk_and_totals_follow(records, client_for, settings):
    settings.STAR_THRESHOLDS = [0.01, 100, 300, 600, 1000]
    ids = list(ServiceRecord.objects.values_list("pk", flat=True))
    response = post(client_for(records.carol_user), "/api/v1/records/approve", {"ids": ids})
    assert {r["state"] for r in response.json()} == {"approved"}
    total = HoursTotal.objects.get(volunteer=records.gina)
    assert total.approved_hours > 0
    assert total.star_level == 1


def test_an_id_past_the_databases_integers_is_a_bad_request_and_approves_nothing(
    records, client_for
):
    ids = list(ServiceRecord.objects.values_list("pk", flat=True))
    response = post(
        client_for(records.carol_user), "/api/v1/records/approve", {"ids": [*ids, 2**64]}
    )
    assert response.status_code == 400, response.content
    assert list(response.json()["errors"]) == ["ids"]
    assert not ServiceRecord.objects.filter(state="approved").exists()


def test_nobody_approves_their_own_hours(records, client_for):
    from zhiyuan.teams.models import Membership

    Membership.objects.create(
        team=records.squad_1a, volunteer=records.gina, role="admin", state="active"
    )
    mine = ServiceRecord.objects.get(volunteer=records.gina)
    response = post(client_for(records.gina.user), "/api/v1/records/approve", {"ids": [mine.pk]})
    assert response.status_code == 403
    mine.refresh_from_db()
    assert mine.state == "pending"


def test_rejection_needs_a_reason(records, client_for):
    ids = list(ServiceRecord.objects.values_list("pk", flat=True))
    assert (
        post(client_for(records.carol_user), "/api/v1/records/reject", {"ids": ids}).status_code
        == 400
    )


def test_a_correction_is_a_new_version_and_the_old_one_stays(records, client_for):
    record = ServiceRecord.objects.get(volunteer=records.gina)
    client = client_for(records.carol_user)
    response = post(
        client, f"/api/v1/records/{record.pk}/correct", {"hours": "1.50", "reason": "提前离开"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["version"] == 2
    record.refresh_from_db()
    assert not record.is_current
    history = client_for(records.gina.user).get(f"/api/v1/records/{record.pk}/history").json()
    assert [v["version"] for v in history] == [1, 2]
    assert HoursTotal.objects.get(volunteer=records.gina).approved_hours == 1.5
    again = post(
        client, f"/api/v1/records/{record.pk}/correct", {"hours": "1", "reason": "再次更正"}
    )
    assert again.status_code == 409


@pytest.mark.parametrize("hours", ["NaN", "sNaN", "Infinity", "25"])
def test_a_correction_to_hours_that_cannot_be_is_refused_on_the_page(records, client_for, hours):
    record = ServiceRecord.objects.get(volunteer=records.gina)
    record.shift = None  # entered outside a shift: no shift's length bounds it
    record.save(update_fields=["shift"])
    response = client_for(records.carol_user).post(
        f"/service/records/{record.pk}/", {"hours": hours, "reason": "提前离开"}
    )
    assert response.status_code == 200
    assert ServiceRecord.objects.filter(volunteer=records.gina).count() == 1
    record.refresh_from_db()
    assert record.is_current


def test_a_volunteer_cannot_claim_more_than_a_day_in_one_record(records, client_for):
    record = ServiceRecord.objects.get(volunteer=records.gina)
    asked = post(
        client_for(records.gina.user),
        "/api/v1/corrections",
        {"record_id": record.pk, "hours": "99999", "message": "时长不对"},
    )
    assert asked.status_code == 400
    assert "hours" in asked.json()["errors"]
    assert not CorrectionRequest.objects.exists()


def test_volunteer_asks_for_a_correction_and_the_organiser_accepts(records, client_for):
    record = ServiceRecord.objects.get(volunteer=records.gina)
    asked = post(
        client_for(records.gina.user),
        "/api/v1/corrections",
        {"record_id": record.pk, "hours": "2.00", "message": "签退时忘记扫码"},
    )
    assert asked.status_code == 201
    answered = post(
        client_for(records.carol_user),
        f"/api/v1/corrections/{asked.json()['id']}/answer",
        {"accept": True},
    )
    assert answered.json()["state"] == "accepted"
    current = ServiceRecord.objects.get(volunteer=records.gina, is_current=True)
    assert (current.version, str(current.hours)) == (2, "2.00")


def test_refusing_a_correction_needs_a_reason(records, client_for):
    record = ServiceRecord.objects.get(volunteer=records.gina)
    asked = post(
        client_for(records.gina.user),
        "/api/v1/corrections",
        {"record_id": record.pk, "hours": "5", "message": "时长不对"},
    )
    response = post(
        client_for(records.carol_user),
        f"/api/v1/corrections/{asked.json()['id']}/answer",
        {"accept": False},
    )
    assert response.status_code == 400
    assert CorrectionRequest.objects.get().state == "open"


def test_someone_else_cannot_see_my_record(records, client_for):
    record = ServiceRecord.objects.get(volunteer=records.gina)
    assert client_for(records.erin).get(f"/api/v1/records/{record.pk}/history").status_code == 404


def test_my_hours_page_and_queue_page(records, client_for):
    queue = client_for(records.carol_user).get("/service/queue/")
    assert queue.context["count"] == 2
    page = client_for(records.gina.user).get("/service/hours/")
    assert page.status_code == 200
    assert page.context["pending"]["records"] == 1


@pytest.mark.parametrize("persons", ["很多", "²", "100001", "99999999999999999999"])
def test_entered_hours_page_refuses_a_bad_persons_served_without_a_500(plan, client_for, persons):
    _gina_held_the_guide_shift_two_days_ago(plan)
    response = client_for(plan.carol_user).post(
        f"/service/shifts/{plan.guide.pk}/",
        {
            "action": "hours",
            "volunteer_id": plan.gina.pk,
            "hours": "2",
            "reason": "补录",
            "persons_served": persons,
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "服务对象人数须为 0 至 100,000 的整数。" in response.content.decode()
    assert not ServiceRecord.objects.exists()


@pytest.mark.parametrize("volunteer_id", ["", "abc", "²", "99999999999999999999"])
def test_hours_for_a_volunteer_that_cannot_be_one_are_not_found(plan, client_for, volunteer_id):
    response = client_for(plan.carol_user).post(
        f"/service/shifts/{plan.guide.pk}/",
        {"action": "hours", "volunteer_id": volunteer_id, "hours": "2", "reason": "补录"},
    )
    assert response.status_code == 404
    assert not ServiceRecord.objects.exists()


def test_the_api_refuses_persons_served_past_the_limit(plan, client_for):
    _gina_held_the_guide_shift_two_days_ago(plan)
    response = post(
        client_for(plan.carol_user),
        f"/api/v1/shifts/{plan.guide.pk}/hours",
        {
            "volunteer_no": plan.gina.volunteer_no,
            "hours": 2,
            "reason": "补录",
            "persons_served": 10**12,
        },
    )
    assert response.status_code == 400, response.content
    assert response.json()["errors"] == {
        "persons_served": ["服务对象人数须为 0 至 100,000 的整数。"]
    }
    assert not ServiceRecord.objects.exists()


def test_hours_can_be_entered_for_a_shift_of_today_but_not_of_a_later_day(plan, client_for):
    import datetime as dt

    from django.utils import timezone

    from zhiyuan.projects.models import Shift, SignUp

    later_today = timezone.now() + dt.timedelta(minutes=30)
    if timezone.localtime(later_today).date() != timezone.localdate():
        later_today = timezone.now() - dt.timedelta(minutes=90)
    Shift.objects.filter(pk=plan.guide.pk).update(
        starts_at=later_today, ends_at=later_today + dt.timedelta(hours=1)
    )
    SignUp.objects.create(
        shift=plan.guide,
        volunteer=plan.gina,
        state="confirmed",
        starts_at=later_today,
        ends_at=later_today + dt.timedelta(hours=1),
    )
    carol = client_for(plan.carol_user)
    too_long = post(
        carol,
        f"/api/v1/shifts/{plan.guide.pk}/hours",
        {"volunteer_no": plan.gina.volunteer_no, "hours": 2, "reason": "当天补录"},
    )
    assert too_long.status_code == 400
    today = post(
        carol,
        f"/api/v1/shifts/{plan.guide.pk}/hours",
        {"volunteer_no": plan.gina.volunteer_no, "hours": 1, "reason": "当天补录"},
    )
    assert today.status_code == 201, today.content
    tomorrow = timezone.now() + dt.timedelta(days=1)
    Shift.objects.filter(pk=plan.rescue.pk).update(
        starts_at=tomorrow, ends_at=tomorrow + dt.timedelta(hours=1)
    )
    SignUp.objects.create(
        shift=plan.rescue,
        volunteer=plan.gina,
        state="confirmed",
        starts_at=tomorrow,
        ends_at=tomorrow + dt.timedelta(hours=1),
    )
    refused = post(
        carol,
        f"/api/v1/shifts/{plan.rescue.pk}/hours",
        {"volunteer_no": plan.gina.volunteer_no, "hours": 1, "reason": "提前补录"},
    )
    assert refused.status_code == 400
