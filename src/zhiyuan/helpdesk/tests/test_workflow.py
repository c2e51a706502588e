"""The help-request workflow: submit, track, verify, assign, serve, complete, rate, cancel."""

from decimal import Decimal

import pytest
from django.db import connection

from zhiyuan.helpdesk import statistics, workflow
from zhiyuan.helpdesk.models import HelpEvent, HelpRequest
from zhiyuan.helpdesk.workflow import TRANSITIONS, IllegalTransition
from zhiyuan.notifications.models import Message
from zhiyuan.service.models import ServiceRecord
from zhiyuan.testing.factories import at, submit

API = "/api/v1"


def payload(cast, **overrides):
    data = {
        "kind": "companionship",
        "title": "陪老人聊天",
        "category": "empty_nest_elderly",
        "community_id": cast.a1.pk,
        "address": "新兴街12号3门401",
        "starts_at": at(2, 9).isoformat(),
        "ends_at": at(2, 11).isoformat(),
        "contact_name": "王阿姨",
        "phone": "13912345678",
        "truth_confirmed": True,
    }
    data.update(overrides)
    return data


def test_anonymous_submit_returns_tracking_code_and_encrypts_contact(desk, client):
    response = client.post(f"{API}/help-requests", payload(desk), content_type="application/json")
    assert response.status_code == 201
    code = response.json()["code"]
    assert len(code) == 10 and response.json()["status"] == "submitted"
    row = HelpRequest.objects.get(code=code)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT address_encrypted, phone_encrypted FROM helpdesk_helprequest WHERE id = %s",
            [row.pk],
        )
        address_raw, phone_raw = cursor.fetchone()
    assert "新兴街12号" not in address_raw and "13912345678" not in phone_raw
    assert row.decrypted("phone") == "13912345678"
    assert row.phone_masked == "139****5678"
    assert row.events.get().to_status == "submitted"


def test_submit_without_confirmation_or_phone_is_refused_field_by_field(desk, client):
    response = client.post(
        f"{API}/help-requests",
        payload(desk, truth_confirmed=False, phone="123", ends_at=at(2, 8).isoformat()),
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_failed"
    assert {"truth_confirmed", "phone", "ends_at"} <= set(body["errors"])
    assert not HelpRequest.objects.exists()


def test_submit_with_unknown_community_is_a_400_not_a_500(desk, client):
    response = client.post(
        f"{API}/help-requests",
        payload(desk, community_id=999999, starts_at="not a date"),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] in {"invalid_input", "validation_failed"}


def test_weekly_visit_is_one_request_with_a_schedule(desk):
    request = submit(
        desk,
        repeat="weekly",
        repeat_until=at(30, 9).date(),
    )
    assert HelpRequest.objects.count() == 1
    assert len(request.occurrences()) == 5


def test_track_page_shows_status_without_private_details(desk, client):
    request = submit(desk)
    response = client.get(f"/help/track/{request.code}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-status="submitted"' in html
    assert "13912345678" not in html and "139****5678" not in html
    assert "新兴街12号" not in html and "王阿姨" not in html
    assert client.get("/help/track/ZZZZZZZZZZ/").status_code == 404
    assert client.get("/help/track/", {"code": request.code.lower()}).status_code == 302


def test_api_track_has_no_contact_fields(desk, client):
    request = submit(desk)
    body = client.get(f"{API}/help-requests/track/{request.code}").json()
    assert body["status"] == "submitted"
    assert not {"phone", "phone_masked", "address", "address_masked", "contact_name"} & set(body)


def test_subdistrict_admin_verifies_own_community_and_a_team_takes_it(desk, client_for):
    request = submit(desk)
    response = client_for(desk.bob).post(
        f"{API}/help-requests/{request.pk}/verify", {}, content_type="application/json"
    )
    assert response.status_code == 200
    request.refresh_from_db()
    assert request.status == "verified" and request.verified_by == desk.bob
    assert request.team == desk.squad_1a  # the A1 team closest to the community
    event = request.events.last()
    assert (event.from_status, event.to_status, event.actor) == ("submitted", "verified", desk.bob)


def test_sibling_subdistrict_admin_can_neither_see_nor_verify(desk, client_for):
    request = submit(desk, community=desk.b1, latitude=None, longitude=None)
    bob = client_for(desk.bob)
    assert (
        bob.post(
            f"{API}/help-requests/{request.pk}/verify", {}, content_type="application/json"
        ).status_code
        == 404
    )
    assert bob.get(f"/help/requests/{request.pk}/").status_code == 404
    assert request.pk not in [r["id"] for r in bob.get(f"{API}/help-requests").json()]
    request.refresh_from_db()
    assert request.status == "submitted"


def test_team_admin_may_handle_but_not_verify(desk, client_for):
    request = submit(desk)
    workflow.verify_request(actor=desk.alice, request=request)
    # carol administers squad_1a, the handling team, but is no office admin
    carol = client_for(desk.carol_user)
    assert carol.get(f"{API}/help-requests/{request.pk}").status_code == 200
    other = submit(desk)
    response = carol.post(
        f"{API}/help-requests/{other.pk}/verify", {}, content_type="application/json"
    )
    assert response.status_code == 404


def test_reject_needs_a_reason(desk, client_for):
    request = submit(desk)
    response = client_for(desk.bob).post(
        f"{API}/help-requests/{request.pk}/reject", {"reason": " "}, content_type="application/json"
    )
    assert response.status_code == 400 and "reason" in response.json()["errors"]
    response = client_for(desk.bob).post(
        f"{API}/help-requests/{request.pk}/reject",
        {"reason": "不属于志愿服务范围"},
        content_type="application/json",
    )
    assert response.json()["status"] == "rejected"


ALL = [s for s, _label in HelpRequest.Status.choices]
ILLEGAL = [(a, b) for a in ALL for b in ALL if b not in TRANSITIONS[a]]


@pytest.mark.parametrize(("current", "target"), ILLEGAL)
def test_every_illegal_transition_is_refused(desk, current, target):
    request = submit(desk)
    HelpRequest.objects.filter(pk=request.pk).update(status=current)
    with pytest.raises(IllegalTransition) as info:
        workflow._move(request, target, actor=desk.alice)
    assert info.value.code == "illegal_transition"
    request.refresh_from_db()
    assert request.status == current
    assert HelpEvent.objects.filter(request=request).count() == 1


def test_illegal_transition_through_the_api_is_a_409_with_a_code(desk, client_for):
    request = submit(desk)
    workflow.verify_request(actor=desk.alice, request=request)
    response = client_for(desk.bob).post(
        f"{API}/help-requests/{request.pk}/reject",
        {"reason": "重复提交"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "illegal_transition"
    assert "status" in response.json()["errors"]


def test_done_request_makes_pending_records_and_is_rated_by_code(desk, client, client_for):
    import datetime as dt

    from django.utils import timezone

    now = timezone.now()
    request = submit(
        desk,
        starts_at=now - dt.timedelta(minutes=30),
        ends_at=now + dt.timedelta(minutes=90),
        persons_served=2,
    )
    workflow.verify_request(actor=desk.bob, request=request)
    workflow.assign_volunteer(actor=desk.bob, request=request, volunteer=desk.carol)
    workflow.start_service(actor=desk.carol_user, request=request)
    response = client_for(desk.bob).post(
        f"{API}/help-requests/{request.pk}/complete",
        {"hours": {desk.carol.volunteer_no: "9"}},
        content_type="application/json",
    )
    assert response.status_code == 400 and "hours" in response.json()["errors"]
    response = client_for(desk.bob).post(
        f"{API}/help-requests/{request.pk}/complete", {}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["status"] == "done"
    record = ServiceRecord.objects.get(volunteer=desk.carol)
    assert record.hours == Decimal("2.00") and record.state == "pending"
    assert record.team == desk.squad_1a and record.persons_served == 2
    bad = client.post(
        f"{API}/help-requests/track/{request.code}/rate",
        {"rating": 6},
        content_type="application/json",
    )
    assert bad.status_code == 400
    rated = client.post(
        f"{API}/help-requests/track/{request.code}/rate",
        {"rating": 5, "comment": "很好"},
        content_type="application/json",
    )
    assert rated.json()["status"] == "rated" and rated.json()["rating"] == 5
    again = client.post(
        f"{API}/help-requests/track/{request.code}/rate",
        {"rating": 4},
        content_type="application/json",
    )
    assert again.status_code == 409
    figures = statistics.figures(at(-1, 0).date(), at(1, 0).date(), desk.sub_a)
    assert figures["requests_done"] == 1 and figures["persons_served"] == 2
    assert figures["average_rating"] == 5.0 and figures["help_hours"] == 2.0
    assert figures["requests_by_status"] == {"rated": 1}
    assert statistics.figures(at(-1, 0).date(), at(1, 0).date(), desk.sub_b)["requests_done"] == 0


def test_volunteer_is_told_when_assigned(desk, django_capture_on_commit_callbacks):
    request = submit(desk)
    workflow.verify_request(actor=desk.alice, request=request)
    with django_capture_on_commit_callbacks(execute=False):
        workflow.assign_volunteer(actor=desk.alice, request=request, volunteer=desk.carol)
    assert Message.objects.filter(recipient=desk.carol_user, kind="help_matched").exists()


def test_requester_cancels_by_code_with_a_reason_and_not_after_done(desk, client):
    request = submit(desk)
    url = f"{API}/help-requests/track/{request.code}/cancel"
    assert client.post(url, {"reason": ""}, content_type="application/json").status_code == 400
    response = client.post(url, {"reason": "家人已经来了"}, content_type="application/json")
    assert response.json()["status"] == "cancelled"
    assert (
        client.post(url, {"reason": "再取消"}, content_type="application/json").status_code == 409
    )


def test_requester_with_account_is_notified_of_verification(desk, client_for):
    response = client_for(desk.erin).post(
        f"{API}/help-requests", payload(desk), content_type="application/json"
    )
    request = HelpRequest.objects.get(code=response.json()["code"])
    assert request.requester == desk.erin
    workflow.verify_request(actor=desk.alice, request=request)
    assert Message.objects.filter(recipient=desk.erin, kind="help_verified").exists()
    # erin sees her own request, but may not verify anything
    erin = client_for(desk.erin)
    assert erin.get(f"{API}/help-requests/{request.pk}").status_code == 200


def test_outsider_cannot_reveal_and_handler_reveal_is_audited(desk, client_for):
    from zhiyuan.accounts.models import AuditEvent

    request = submit(desk)
    body = {"field": "phone", "reason": "联系上门时间"}
    erin = client_for(desk.erin)
    assert (
        erin.post(
            f"{API}/help-requests/{request.pk}/reveal", body, content_type="application/json"
        ).status_code
        == 404
    )
    response = client_for(desk.bob).post(
        f"{API}/help-requests/{request.pk}/reveal", body, content_type="application/json"
    )
    assert response.json()["value"] == "13912345678"
    event = AuditEvent.objects.get()
    assert (event.actor, event.subject_type, event.field) == (desk.bob, "help_request", "phone")


def test_submit_page_round_trip(desk, client):
    key = client.get("/help/").context["idempotency_key"]
    form = {
        "idempotency_key": key,
        "kind": "errands",
        "title": "买菜",
        "category": "disabled",
        "community": desk.a1.pk,
        "address": "新兴街1号",
        "starts_at": at(3, 9).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": at(3, 10).strftime("%Y-%m-%dT%H:%M"),
        "repeat": "once",
        "urgency": "normal",
        "contact_name": "李",
        "phone": "13912345678",
        "truth_confirmed": "on",
    }
    response = client.post("/help/", form)
    # Redirect after the POST: refreshing the page shows the code again, it files nothing.
    assert response.status_code == 302 and response["Location"] == "/help/received/"
    request = HelpRequest.objects.get()
    page = client.get("/help/received/").content.decode()
    assert request.code in page and 'class="qr"' in page
    assert client.get("/help/received/").status_code == 200
    # The same form sent again (back button, double tap) files no second request.
    again = client.post("/help/", form)
    assert again.status_code == 302
    assert HelpRequest.objects.count() == 1
    response = client.post("/help/", {"kind": "errands", "title": "x", "community": desk.a1.pk})
    assert (
        'id="id_truth_confirmed_errors"' in response.content.decode() or response.status_code == 200
    )
    assert HelpRequest.objects.count() == 1
