"""A check-in burst on PostgreSQL: many volunteers scanning at once, some twice; none lost,
none doubled."""

import threading

import pytest
from django.db import connection

from zhiyuan.projects.models import SignUp
from zhiyuan.service.checkin import scan
from zhiyuan.service.models import Attendance
from zhiyuan.testing.factories import NEAR, make_volunteer

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

VOLUNTEERS = 40
THREADS = 8


def test_burst_of_scans_with_repeats_makes_exactly_one_check_in_each(live):
    users = []
    for i in range(VOLUNTEERS):
        volunteer = make_volunteer(live, f"burst{i}", 900 + i, live.a1, name=f"签到{i}")
        SignUp.objects.create(
            shift=live.now_shift,
            volunteer=volunteer,
            state="confirmed",
            starts_at=live.now_shift.starts_at,
            ends_at=live.now_shift.ends_at,
        )
        users.append(volunteer.user)
    # Every volunteer scans twice, the two scans in different threads at about the same time.
    work = [users[i // 2] for i in range(VOLUNTEERS * 2)]
    barrier = threading.Barrier(THREADS)
    errors: list[Exception] = []

    def run(offset):
        barrier.wait()
        try:
            for user in work[offset::THREADS]:
                try:
                    scan(actor=user, token=live.station.checkin_token, position=NEAR)
                except Exception as exc:  # noqa: BLE001 - counted and asserted below
                    errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Attendance.objects.filter(shift=live.now_shift).count() == VOLUNTEERS
    assert Attendance.objects.values("volunteer").distinct().count() == VOLUNTEERS
    # A second scan either checked the volunteer out (a few seconds in: no record) or
    # found the open check-in; nothing failed.
    assert errors == []
