"""Scans kept on a phone without network and sent late: original time, once only, or a reason."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from zhiyuan.service.checkin import close_stale
from zhiyuan.service.models import Attendance, ServiceRecord
from zhiyuan.testing.factories import FAR, NEAR

pytestmark = pytest.mark.django_db


def send(client, token, *, at, client_id, action=None, position=NEAR):
    data = {"token": token, "scanned_at": at.isoformat(), "client_id": client_id}
    if action:
        data["action"] = action
    if position is not None:
        data.update(longitude=position[0], latitude=position[1])
    return client.post("/api/v1/checkins", data, content_type="application/json")


def test_late_check_in_and_out_keep_the_phones_times(live, client_for):
    client = client_for(live.gina.user)
    start = live.now_shift.starts_at + dt.timedelta(minutes=2)
    checked_in = send(client, live.station.checkin_token, at=start, client_id="scan-in-0001")
    assert checked_in.status_code == 200, checked_in.content
    out_at = start + dt.timedelta(minutes=6)
    checked_out = send(
        client, live.station.checkin_token, at=out_at, client_id="scan-out-001", action="out"
    )
    assert checked_out.status_code == 200, checked_out.content
    attendance = Attendance.objects.get(volunteer=live.gina)
    assert attendance.checked_in_at == start and attendance.checked_out_at == out_at
    assert attendance.in_received_at > start and attendance.out_received_at > out_at
    assert ServiceRecord.objects.get(volunteer=live.gina).hours == Decimal("0.10")


def test_a_scan_sent_twice_counts_once(live, client_for):
    client = client_for(live.gina.user)
    start = live.now_shift.starts_at
    token = live.station.checkin_token
    first = send(client, token, at=start, client_id="scan-in-0002")
    again = send(client, token, at=start, client_id="scan-in-0002")
    assert again.status_code == 200 and again.json() == first.json()
    out = start + dt.timedelta(minutes=6)
    for _ in range(2):
        send(client, token, at=out, client_id="scan-out-002", action="out")
    # The check-in sent a third time, after the check-out, still changes nothing.
    send(client, token, at=start, client_id="scan-in-0002")
    assert Attendance.objects.filter(volunteer=live.gina).count() == 1
    assert ServiceRecord.objects.filter(volunteer=live.gina).count() == 1
    assert Attendance.objects.get(volunteer=live.gina).checked_out_at == out


def test_late_scan_outside_the_shift_is_refused_with_the_reason(live, client_for):
    early = live.now_shift.starts_at - dt.timedelta(hours=2)
    response = send(
        client_for(live.gina.user), live.station.checkin_token, at=early, client_id="scan-early1"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "check_in_refused"
    assert not Attendance.objects.exists()


def test_late_scan_far_from_the_station_is_refused(live, client_for):
    response = send(
        client_for(live.gina.user),
        live.station.checkin_token,
        at=live.now_shift.starts_at,
        client_id="scan-far-001",
        position=FAR,
    )
    assert response.status_code == 409 and response.json()["errors"]["position"]
    assert not Attendance.objects.exists()


def test_scan_dated_in_the_future_is_refused(live, client_for):
    response = send(
        client_for(live.gina.user),
        live.station.checkin_token,
        at=timezone.now() + dt.timedelta(hours=1),
        client_id="scan-ahead-1",
    )
    assert response.status_code == 409 and response.json()["code"] == "clock_ahead"


def test_queued_check_out_never_becomes_a_check_in(live, client_for):
    response = send(
        client_for(live.gina.user),
        live.station.checkin_token,
        at=live.now_shift.starts_at,
        client_id="scan-out-003",
        action="out",
    )
    assert response.status_code == 409 and response.json()["code"] == "not_in"
    assert not Attendance.objects.exists()


def test_check_out_arriving_after_the_automatic_one_says_so(live, client_for):
    client = client_for(live.gina.user)
    token = live.station.checkin_token
    send(client, token, at=live.now_shift.starts_at, client_id="scan-in-0004")
    close_stale(now=live.now_shift.ends_at + dt.timedelta(hours=1))
    response = send(
        client,
        token,
        at=live.now_shift.starts_at + dt.timedelta(minutes=1),
        client_id="scan-out-004",
        action="out",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "not_in"
    assert ServiceRecord.objects.filter(volunteer=live.gina).count() == 1


def test_check_out_dated_before_the_check_in_is_refused(live, client_for):
    client = client_for(live.gina.user)
    token = live.station.checkin_token
    send(
        client, token, at=live.now_shift.starts_at + dt.timedelta(minutes=5), client_id="in-000005"
    )
    response = send(client, token, at=live.now_shift.starts_at, client_id="out-00005", action="out")
    assert response.status_code == 409 and response.json()["code"] == "out_before_in"
    assert Attendance.objects.get(volunteer=live.gina).checked_out_at is None
