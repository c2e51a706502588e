"""Periodic jobs, run once per period however many hosts ask (systemd timers on every host).

Each job has a period; `run(job)` works out the current one (in the platform's time zone)
and inserts a `PeriodicRun` row for it. The unique (job, period) constraint lets exactly
one insert succeed across all hosts sharing the database; the others return at once.
Timers fire a little after a period starts, so clocks a minute or two apart still agree
on which period it is.
"""

from __future__ import annotations

import datetime as dt
import io
import socket
from collections.abc import Callable
from dataclasses import dataclass

from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhiyuan.ops.models import PeriodicRun


def _no_args(today: dt.date) -> tuple[str, ...]:
    return ()


def _last_month(today: dt.date) -> tuple[str, ...]:
    # A nightly safety net over the last month; the worker keeps the rollups fresh otherwise.
    return ("--since", (today - dt.timedelta(days=31)).isoformat())


@dataclass(frozen=True)
class Job:
    command: str
    minutes: int  # the period's length: 1440 for daily
    args: Callable[[dt.date], tuple[str, ...]] = _no_args


JOBS: dict[str, Job] = {
    "send_reminders": Job("send_reminders", 1440),
    "expire_certifications": Job("expire_certifications", 1440),
    "refresh_rollups": Job("refresh_rollups", 1440, _last_month),
    "close_attendance": Job("close_attendance", 5),
    "purge_files": Job("purge_files", 1440),
    "deliver_messages": Job("deliver_messages", 5),
}


def period_of(job: Job, now: dt.datetime) -> str:
    local = timezone.localtime(now)
    if job.minutes >= 1440:
        return local.date().isoformat()
    minute = (local.hour * 60 + local.minute) // job.minutes * job.minutes
    return f"{local.date().isoformat()}T{minute // 60:02d}:{minute % 60:02d}"


def run(name: str, *, now: dt.datetime | None = None) -> PeriodicRun | None:
    """Run job `name` for the current period unless a host already has; None if one has."""
    job = JOBS[name]
    now = now or timezone.now()
    try:
        with transaction.atomic():
            claim = PeriodicRun.objects.create(
                job=name, period=period_of(job, now), host=socket.gethostname()[:100]
            )
    except IntegrityError:
        return None
    args = job.args(timezone.localtime(now).date())
    output = io.StringIO()
    try:
        call_command(job.command, *args, stdout=output, stderr=output)
    except Exception as exc:
        claim.outcome = PeriodicRun.Outcome.FAILED
        output.write(f"{type(exc).__name__}: {exc}")
        raise
    else:
        claim.outcome = PeriodicRun.Outcome.DONE
    finally:
        claim.finished_at = timezone.now()
        claim.output = output.getvalue()[-4000:]
        claim.save(update_fields=["outcome", "finished_at", "output"])
    return claim
