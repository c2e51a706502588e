"""Checking in and out: the poster scan (with distance), organisers, stale check-ins."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from zhiyuan.places import geo
from zhiyuan.service.checkin import close_stale
from zhiyuan.service.models import Attendance, ServiceRecord
from zhiyuan.testing.factories import FAR, NEAR

pytestmark = pytest.mark.django_db


def an_hour_ago(volunteer):
    """Move the open check-in an hour back, as if the volunteer had served for a while."""
    Attendance.objects.filter(volunteer=volunteer, checked_out_at__isnull=True).update(
        checked_in_at=timezone.now() - dt.timedelta(hours=1)
    )


def scan(client, token, position=NEAR, system="wgs84"):
    data = {"token": token, "coord_system": system}
    if position is not None:
        data.update(longitude=position[0], latitude=position[1])
    return client.post("/api/v1/checkins", data, content_type="application/json")


def test_scan_checks_in_then_out_and_records_measured_hours(live, client_for):
    client = client_for(live.gina.user)
    first = scan(client, live.station.checkin_token)
    assert first.status_code == 200, first.content
    assert first.json()["checked_out_at"] is None
    assert 0 <= first.json()["in_distance_m"] <= 150
    an_hour_ago(live.gina)
    second = scan(client, live.station.checkin_token)
    assert second.json()["checked_out_at"] is not None
    record = ServiceRecord.objects.get(volunteer=live.gina)
    assert record.source == "measured" and record.state == "pending"
    assert record.team == live.squad_1a


def test_repeated_scans_never_make_a_second_record(live, client_for):
    client = client_for(live.gina.user)
    scan(client, live.station.checkin_token)
    an_hour_ago(live.gina)
    for _ in range(3):
        scan(client, live.station.checkin_token)
    assert Attendance.objects.filter(volunteer=live.gina).count() == 1
    assert ServiceRecord.objects.filter(volunteer=live.gina).count() == 1


def test_far_away_scan_is_refused_with_the_distance(live, client_for):
    response = scan(client_for(live.gina.user), live.station.checkin_token, position=FAR)
    assert response.status_code == 409
    assert "m" in response.json()["message"] and "150" in response.json()["message"]
    assert not Attendance.objects.exists()


def test_gcj02_position_from_a_chinese_map_app_is_converted(live, client_for):
    gcj = geo.wgs84_to_gcj02(*NEAR)
    response = scan(
        client_for(live.gina.user), live.station.checkin_token, position=gcj, system="gcj02"
    )
    assert response.status_code == 200
    # Taken as WGS-84, the same numbers would be several hundred metres off.
    assert response.json()["in_distance_m"] < 60


def test_scan_without_a_position_is_refused(live, client_for):
    response = scan(client_for(live.gina.user), live.station.checkin_token, position=None)
    assert response.status_code == 409
    assert response.json()["code"] == "position_required"


def test_old_poster_token_is_refused(live, client_for):
    old = live.station.checkin_token
    live.station.checkin_token = "renewed-token"
    live.station.save()
    response = scan(client_for(live.gina.user), old)
    assert response.status_code == 409
    assert not Attendance.objects.exists()


def test_scan_before_the_shift_opens_is_refused(live, client_for):
    from zhiyuan.projects.models import Shift

    later = timezone.now() + dt.timedelta(hours=3)
    ends = later + dt.timedelta(hours=2)
    Shift.objects.filter(pk=live.now_shift.pk).update(starts_at=later, ends_at=ends)
    live.now_shift.signups.update(starts_at=later, ends_at=ends)
    response = scan(client_for(live.gina.user), live.station.checkin_token)
    assert response.status_code == 409
    assert not Attendance.objects.exists()


def test_cancelled_shift_cannot_be_checked_into(live, client_for):
    from zhiyuan.projects.scheduling import cancel_activity

    cancel_activity(actor=live.carol_user, activity=live.activity, reason="大风")
    response = scan(client_for(live.gina.user), live.station.checkin_token)
    assert response.status_code == 409
    assert not Attendance.objects.exists()


def test_organiser_checks_everyone_in_and_out(live, client_for):
    client = client_for(live.carol_user)
    url = f"/api/v1/shifts/{live.now_shift.pk}/attendance"
    checked_in = client.post(url, {"action": "check_in"}, content_type="application/json")
    assert len(checked_in.json()) == 2
    Attendance.objects.update(checked_in_at=live.now_shift.starts_at)
    client.post(url, {"action": "check_out"}, content_type="application/json")
    assert ServiceRecord.objects.filter(shift=live.now_shift, source="measured").count() == 2


def test_outsider_cannot_check_others_in(live, client_for):
    url = f"/api/v1/shifts/{live.now_shift.pk}/attendance"
    response = client_for(live.gina.user).post(
        url, {"action": "check_in"}, content_type="application/json"
    )
    assert response.status_code == 403


def test_still_checked_in_after_the_shift_is_checked_out_at_its_end_and_flagged(live, client_for):
    scan(client_for(live.gina.user), live.station.checkin_token)
    assert close_stale(now=live.now_shift.ends_at + dt.timedelta(hours=1)) == 1
    attendance = Attendance.objects.get(volunteer=live.gina)
    assert attendance.auto_checked_out
    assert attendance.checked_out_at == live.now_shift.ends_at
    assert ServiceRecord.objects.get(volunteer=live.gina).reason


def test_scan_page_shows_the_buttons_and_the_live_view(live, client_for):
    gina = client_for(live.gina.user)
    page = gina.get(f"/s/{live.station.checkin_token}/").content.decode()
    assert 'id="check-in"' in page
    gina.post(f"/s/{live.station.checkin_token}/", {"longitude": NEAR[0], "latitude": NEAR[1]})
    assert 'id="check-out"' in gina.get(f"/s/{live.station.checkin_token}/").content.decode()
    live.station.managers.add(live.carol_user)
    board = client_for(live.carol_user).get(f"/service/stations/{live.station.pk}/live/")
    assert live.gina.volunteer_no in board.content.decode()
    assert (
        client_for(live.erin).get(f"/service/stations/{live.station.pk}/live/").status_code == 403
    )


def test_a_scan_is_a_short_write(live, client_for, django_assert_max_num_queries):
    # The session, the user, the volunteer, the open check-in by token and the station; then
    # the transaction (on PostgreSQL the volunteer's lock), the open check-in, the shift here,
    # this shift's attendance and the new one. There were 15 statements.
    client = client_for(live.gina.user)
    with django_assert_max_num_queries(12):
        response = scan(client, live.station.checkin_token)
    assert response.status_code == 200
    assert Attendance.objects.filter(volunteer=live.gina, checked_out_at__isnull=True).count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's round trips")
def test_a_scan_reads_its_places_with_the_volunteers_lock_in_one_round_trip(live, client_for):
    # The open check-in and the confirmed places here go to the server with the volunteer's
    # lock, in one pipeline, and run once that lock is held; then the new attendance.
    from zhiyuan.testing.queries import server_bound_statements

    client = client_for(live.gina.user)
    with server_bound_statements() as sent:
        response = scan(client, live.station.checkin_token)
    assert response.status_code == 200
    assert [s for s in sent if s[0] not in ("accounts_session", "stations_station")] == [
        ("volunteers_volunteer", True),
        ("service_attendance", True),
        ("projects_signup", True),
        ("service_attendance", False),
    ]


def test_a_scan_compiles_none_of_its_queries_again(live, client_for):
    # As a sign-up (projects' test_a_sign_up_compiles_none_of_its_queries_again): the next
    # volunteer's scan runs the statements core.prepared compiled for the first.
    from zhiyuan.testing.queries import compiled_selects

    assert scan(client_for(live.gina.user), live.station.checkin_token).status_code == 200
    dave = client_for(live.dave_user)
    with compiled_selects() as compiled:
        response = scan(dave, live.station.checkin_token)
    assert (response.status_code, response.json()["checked_out_at"]) == (200, None)
    assert compiled == []


@pytest.mark.postgres
def test_a_check_out_locks_the_attendance_alone(live, client_for):
    # Not the shift's, the activity's and the project's rows it reads with it: every sign-up
    # to the shift and every check-out of the project would queue behind it.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    gina = client_for(live.gina.user)
    assert scan(gina, live.station.checkin_token).status_code == 200
    an_hour_ago(live.gina)
    with CaptureQueriesContext(connection) as queries:
        assert scan(gina, live.station.checkin_token).json()["checked_out_at"] is not None
    locks = [
        q["sql"] for q in queries if 'FROM "service_attendance"' in q["sql"] and "FOR" in q["sql"]
    ]
    assert locks and all(q.endswith('FOR UPDATE OF "service_attendance"') for q in locks), locks


def test_a_check_out_reads_the_volunteer_once(live, client_for):
    # The answer names the volunteer (volunteer_no): the open check-in read under the lock
    # carries them, where the answer used to read them again. On PostgreSQL the one read is
    # the row lock itself (volunteers.access.own_volunteer_held).
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    gina = client_for(live.gina.user)
    assert scan(gina, live.station.checkin_token).status_code == 200
    an_hour_ago(live.gina)
    with CaptureQueriesContext(connection) as queries:
        response = scan(gina, live.station.checkin_token)
    assert response.status_code == 200
    assert response.json()["checked_out_at"] is not None
    assert response.json()["volunteer_no"] == live.gina.volunteer_no
    volunteer_reads = [
        q["sql"] for q in queries if q["sql"].startswith('SELECT "volunteers_volunteer"')
    ]
    assert len(volunteer_reads) == 1, volunteer_reads
