"""Periodic jobs run once per period, whichever host's timer fires first."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from zhiyuan.ops import periodic
from zhiyuan.ops.models import PeriodicRun

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_a_second_host_in_the_same_period_does_not_run_the_job_again():
    now = dt.datetime(2026, 5, 12, 7, 1, tzinfo=SHANGHAI)
    first = periodic.run("close_attendance", now=now)
    second = periodic.run("close_attendance", now=now + dt.timedelta(minutes=2))
    assert first.outcome == PeriodicRun.Outcome.DONE
    assert "attendances closed" in first.output
    assert second is None
    assert PeriodicRun.objects.count() == 1


def test_the_next_period_runs_again():
    now = dt.datetime(2026, 5, 12, 7, 1, tzinfo=SHANGHAI)
    periodic.run("close_attendance", now=now)
    assert periodic.run("close_attendance", now=now + dt.timedelta(minutes=5)) is not None
    assert sorted(PeriodicRun.objects.values_list("period", flat=True)) == [
        "2026-05-12T07:00",
        "2026-05-12T07:05",
    ]


def test_daily_periods_follow_the_platforms_calendar_day():
    job = periodic.JOBS["send_reminders"]
    # 23:30 UTC on the 11th is already the 12th in Shanghai.
    assert periodic.period_of(job, dt.datetime(2026, 5, 11, 23, 30, tzinfo=dt.UTC)) == "2026-05-12"


def test_a_failed_run_is_recorded_and_reported(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("mail server down")

    monkeypatch.setattr(periodic, "call_command", broken)
    with pytest.raises(RuntimeError):
        periodic.run("send_reminders")
    run = PeriodicRun.objects.get()
    assert run.outcome == PeriodicRun.Outcome.FAILED
    assert "mail server down" in run.output


def test_the_command_says_when_another_host_already_ran_it(capsys):
    call_command("periodic", "expire_certifications")
    call_command("periodic", "expire_certifications")
    assert "already run this period by another host" in capsys.readouterr().out


def test_every_periodic_job_has_a_systemd_timer_and_every_timer_a_job():
    from pathlib import Path

    systemd = Path(__file__).resolve().parents[4] / "deploy" / "systemd"
    timed = {
        line.split("@", 1)[1].removesuffix(".service")
        for timer in systemd.glob("*.timer")
        for line in timer.read_text().splitlines()
        if line.startswith("Unit=zhiyuan-periodic@")
    }
    assert timed == set(periodic.JOBS)
