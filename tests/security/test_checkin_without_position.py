"""Attack: a check-in without coordinates.

A scan 112 km from the station was refused, but the same scan with no position at all was
accepted and yielded measured hours. Every station has a position, so a scan without one is
refused with a clear message; a district that allows such scans (a setting) gets them
recorded as unverified, with no measured hours until an organiser confirms the attendance.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone, translation
from django.utils.translation import gettext

from zhiyuan.service.models import Attendance, ServiceRecord
from zhiyuan.testing.factories import NEAR

pytestmark = pytest.mark.django_db

NO_POSITION = (
    "This station checks where you are: let the browser share your position and scan again."
)


def shown(message: str) -> str:
    with translation.override("zh-hans"):
        return gettext(message)


def scan(client, token, position=None):
    data = {"token": token}
    if position is not None:
        data.update(longitude=position[0], latitude=position[1])
    return client.post("/api/v1/checkins", data, content_type="application/json")


def served_an_hour(volunteer):
    Attendance.objects.filter(volunteer=volunteer).update(
        checked_in_at=timezone.now() - dt.timedelta(hours=1)
    )


def test_scan_without_a_position_is_refused_with_a_clear_message(live, client_for):  # noqa: F811
    response = scan(client_for(live.gina.user), live.station.checkin_token)
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "position_required"
    assert body["message"] == shown(NO_POSITION)
    assert not Attendance.objects.exists()
    assert not ServiceRecord.objects.exists()


def test_check_out_without_a_position_is_refused_and_keeps_the_check_in_open(
    live,  # noqa: F811
    client_for,
):
    client = client_for(live.gina.user)
    assert scan(client, live.station.checkin_token, NEAR).status_code == 200
    served_an_hour(live.gina)
    response = scan(client, live.station.checkin_token)
    assert response.status_code == 409
    assert Attendance.objects.get(volunteer=live.gina).checked_out_at is None
    assert not ServiceRecord.objects.exists()


def test_scan_page_without_a_position_says_why_and_records_nothing(live, client_for):  # noqa: F811
    client = client_for(live.gina.user)
    url = f"/s/{live.station.checkin_token}/"
    page = client.post(url, {"longitude": "", "latitude": ""}, follow=True).content.decode()
    assert shown(NO_POSITION) in page and "flash error" in page
    assert not Attendance.objects.exists()


@override_settings(CHECKIN_ALLOW_UNVERIFIED=True)
def test_where_allowed_it_is_unverified_and_measures_nothing_until_confirmed(
    live,  # noqa: F811
    client_for,
):
    client = client_for(live.gina.user)
    first = scan(client, live.station.checkin_token)
    assert first.status_code == 200
    assert first.json()["position_verified"] is False
    served_an_hour(live.gina)
    assert scan(client, live.station.checkin_token).json()["checked_out_at"] is not None
    assert not ServiceRecord.objects.exists()

    # Neither the volunteer herself nor an outsider can vouch for it.
    url = f"/api/v1/shifts/{live.now_shift.pk}/attendance"
    refused = client.post(url, {"action": "confirm"}, content_type="application/json")
    assert refused.status_code == 403
    assert not ServiceRecord.objects.exists()

    confirmed = client_for(live.carol_user).post(
        url, {"action": "confirm"}, content_type="application/json"
    )
    assert confirmed.status_code == 200
    assert [row["position_verified"] for row in confirmed.json()] == [True]
    record = ServiceRecord.objects.get(volunteer=live.gina)
    assert record.source == "measured" and record.hours > 0
    attendance = Attendance.objects.get(volunteer=live.gina)
    assert attendance.confirmed_by == live.carol_user


@override_settings(CHECKIN_ALLOW_UNVERIFIED=True)
def test_unverified_check_out_of_a_verified_check_in_holds_the_hours_too(
    live,  # noqa: F811
    client_for,
):
    client = client_for(live.gina.user)
    scan(client, live.station.checkin_token, NEAR)
    served_an_hour(live.gina)
    scan(client, live.station.checkin_token)
    assert Attendance.objects.get(volunteer=live.gina).position_verified is False
    assert not ServiceRecord.objects.exists()
