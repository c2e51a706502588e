"""What the scan page says after a check-out: the hours it recorded, that a repeat changed
nothing, and that a check-out before the shift began recorded no hours."""

import datetime as dt

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from zhiyuan.projects.models import Shift
from zhiyuan.service.models import Attendance, ServiceRecord
from zhiyuan.testing.factories import NEAR

pytestmark = pytest.mark.django_db


def scan_page(client, station):
    url = f"/s/{station.checkin_token}/"
    response = client.post(url, {"longitude": NEAR[0], "latitude": NEAR[1]})
    assert response.status_code == 302
    return [(m.level_tag, str(m)) for m in client.get(url).context["messages"]]


def test_check_out_names_the_hours_and_a_repeat_changes_nothing(live, client_for):
    client = client_for(live.gina.user)
    scan_page(client, live.station)
    Attendance.objects.filter(volunteer=live.gina).update(
        checked_in_at=timezone.now() - dt.timedelta(hours=1)
    )
    out = scan_page(client, live.station)
    record = ServiceRecord.objects.get(volunteer=live.gina)
    with translation.override("zh-hans"):
        assert out == [
            (
                "success",
                gettext(
                    "Checked out. %(hours)s hours are recorded and wait for approval. Thank you!"
                )
                % {"hours": record.hours},
            )
        ]
    again = scan_page(client, live.station)
    assert [level for level, _text in again] == ["info"]
    assert ServiceRecord.objects.filter(volunteer=live.gina).count() == 1


def test_check_out_before_the_shift_begins_says_no_hours(live, client_for):
    later = timezone.now() + dt.timedelta(minutes=20)
    Shift.objects.filter(pk=live.now_shift.pk).update(
        starts_at=later, ends_at=later + dt.timedelta(hours=2)
    )
    Attendance.objects.create(
        volunteer=live.gina,
        shift=live.now_shift,
        station=live.station,
        method=Attendance.Method.QR,
        checked_in_at=timezone.now() - dt.timedelta(minutes=5),
        recorded_by=live.gina.user,
    )
    out = scan_page(client_for(live.gina.user), live.station)
    assert [level for level, _text in out] == ["warning"]
    assert not ServiceRecord.objects.filter(volunteer=live.gina).exists()


def scan_api(client, station, **extra):
    body = {"token": station.checkin_token, "longitude": NEAR[0], "latitude": NEAR[1], **extra}
    return client.post("/api/v1/checkins", body, content_type="application/json")


def test_the_api_answer_says_what_the_page_says(live, client_for):
    """The check-in page's script shows the API's notes: the same words as the page."""
    api, page = client_for(live.gina.user), client_for(live.dave_user)
    answers = []
    for step in ("in", "out", "again"):
        if step == "out":
            Attendance.objects.update(checked_in_at=timezone.now() - dt.timedelta(hours=1))
        notes = scan_api(api, live.station).json()["notes"]
        answers.append(([n["level"] for n in notes], [n["text"] for n in notes]))
        shown = scan_page(page, live.station)
        assert answers[-1] == ([lvl for lvl, _t in shown], [t for _l, t in shown])
    hours = ServiceRecord.objects.get(volunteer=live.gina).hours
    assert answers[1] == (
        ["success"],
        [f"签退成功，已记录 {hours} 小时，待审核。感谢您的志愿服务！"],
    )
    assert answers[2][0] == ["info"]


def test_a_check_out_sent_twice_by_the_phone_still_names_the_hours(live, client_for):
    client = client_for(live.gina.user)
    scan_api(client, live.station)
    Attendance.objects.update(checked_in_at=timezone.now() - dt.timedelta(hours=1))
    first = scan_api(client, live.station, client_id="phone-out-1", action="out").json()
    again = scan_api(client, live.station, client_id="phone-out-1", action="out").json()
    assert first["notes"] == again["notes"] and first["notes"][0]["level"] == "success"
