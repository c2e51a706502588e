"""Attacks on a sign-up's state: cancelling while checked in, and signing up for a shift
that is cancelled in the middle of the sign-up.

1. A volunteer checked in to a shift (before it starts) cancelled their sign-up, and the
   attendance stayed open: hours with no sign-up behind them. Cancelling is refused while
   the volunteer is checked in to that shift.
2. An activity cancelled between the sign-up's eligibility check and its row lock still
   took a confirmed sign-up. The shift's state is checked again on the locked row, as
   training's `enrol` does.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from zhiyuan.accounts.models import User
from zhiyuan.projects import scheduling, signups
from zhiyuan.projects.models import Activity, Category, Project, Shift, SignUp
from zhiyuan.service.models import Attendance
from zhiyuan.stations.models import Station
from zhiyuan.teams.models import Team

pytestmark = pytest.mark.django_db


@pytest.fixture
def shift(cast):
    team = Team.objects.create(
        name="新兴社区分队", level="squad", region=cast.a1, kind="community", path=""
    )
    team.path = f"/{team.pk}/"
    team.save(update_fields=["path"])
    station = Station.objects.create(
        name="新兴社区志愿服务站",
        kind="community",
        region=cast.a1,
        address="新兴街1号",
        latitude="39.120000",
        longitude="117.185000",
    )
    today = timezone.localdate()
    project = Project.objects.create(
        name="文明礼让日",
        category=Category.objects.get(code="civility_guidance"),
        organiser=team,
        starts_on=today - dt.timedelta(days=1),
        ends_on=today + dt.timedelta(days=30),
        state="published",
    )
    starts = timezone.now() + dt.timedelta(minutes=20)
    activity = Activity.objects.create(
        project=project,
        title="文明礼让日",
        station=station,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
    )
    return Shift.objects.create(
        activity=activity,
        role="义务指路",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        capacity=3,
    )


@pytest.fixture
def carol(cast):
    """Carol's account, read afresh (the cast's object still holds her pending profile)."""
    return User.objects.get(pk=cast.carol_user.pk)


def test_a_checked_in_volunteer_cannot_cancel_the_sign_up(cast, carol, shift, client_for):
    signup = signups.sign_up(actor=carol, shift=shift)
    attendance = Attendance.objects.create(
        volunteer=cast.carol,
        shift=shift,
        station=shift.activity.station,
        method=Attendance.Method.QR,
        checked_in_at=timezone.now(),
        recorded_by=carol,
    )

    response = client_for(carol).post(f"/api/v1/signups/{signup.pk}/cancel")

    assert response.status_code == 409
    assert response.json()["code"] == "checked_in"
    signup.refresh_from_db()
    assert signup.state == SignUp.State.CONFIRMED
    attendance.refresh_from_db()
    assert attendance.checked_out_at is None


def test_a_volunteer_who_checked_out_may_still_cancel_before_the_start(
    cast, carol, shift, client_for
):
    signup = signups.sign_up(actor=carol, shift=shift)
    Attendance.objects.create(
        volunteer=cast.carol,
        shift=shift,
        station=shift.activity.station,
        method=Attendance.Method.QR,
        checked_in_at=timezone.now(),
        checked_out_at=timezone.now(),
        recorded_by=carol,
    )

    response = client_for(carol).post(f"/api/v1/signups/{signup.pk}/cancel")

    assert response.status_code == 200
    signup.refresh_from_db()
    assert signup.state == SignUp.State.CANCELLED


def test_a_shift_cancelled_after_the_eligibility_check_takes_no_sign_up(
    cast, carol, shift, monkeypatch
):
    needed = signups.skills_needed

    def cancel_meanwhile(target):
        # The organiser cancels the activity after this sign-up read the shift (still open,
        # so it passes the checks made on what was read) and before its transaction.
        scheduling.cancel_activity(actor=cast.alice, activity=target.activity, reason="暴雨预警")
        return needed(target)

    monkeypatch.setattr(signups, "skills_needed", cancel_meanwhile)

    with pytest.raises(signups.ShiftUnavailable):
        signups.sign_up(actor=carol, shift=shift)

    assert not SignUp.objects.filter(shift=shift).exists()
    assert Activity.objects.get(pk=shift.activity_id).is_cancelled
