"""Health of this app host for load balancers (/healthz), and the task queue's state.

503 when the host cannot serve: the database or the cache does not answer, or the data
disk is nearly full. A task queue that has not moved for a while (no worker running, or
too few) is reported in the body and in the metrics, but does not take hosts out of the
load balancer: the pages still work, only notifications and imports wait.
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone


@dataclass
class QueueState:
    queued: int
    oldest_seconds: float
    failed: int


def queue_state() -> QueueState:
    """Tasks waiting, the age of the oldest, and failures on record, on either backend."""
    if settings.TASKS["default"]["BACKEND"] == settings.TASKS_BACKENDS["rq"]:
        import django_rq

        queue = django_rq.get_queue("default")
        oldest = 0.0
        ids = queue.get_job_ids(0, 1)
        job = queue.fetch_job(ids[0]) if ids else None
        if job is not None and job.enqueued_at is not None:
            enqueued = job.enqueued_at
            if timezone.is_naive(enqueued):
                enqueued = enqueued.replace(tzinfo=dt.UTC)
            oldest = (timezone.now() - enqueued).total_seconds()
        return QueueState(queue.count, max(oldest, 0.0), queue.failed_job_registry.count)
    if settings.TASKS["default"]["BACKEND"] != settings.TASKS_BACKENDS["database"]:
        return QueueState(0, 0.0, 0)  # the immediate backend (tests) keeps no queue
    from django.db.models import Count, Min, Q
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    row = DBTaskResult.objects.aggregate(
        queued=Count("id", filter=Q(status=TaskResultStatus.READY)),
        oldest=Min("enqueued_at", filter=Q(status=TaskResultStatus.READY)),
        failed=Count("id", filter=Q(status=TaskResultStatus.FAILED)),
    )
    oldest = (timezone.now() - row["oldest"]).total_seconds() if row["oldest"] else 0.0
    return QueueState(row["queued"], max(oldest, 0.0), row["failed"])


def _timed(check) -> dict:
    started = time.monotonic()
    try:
        result = check() or {}
    except Exception as exc:  # any failure is the answer here, reported by its kind only
        result = {"ok": False, "error": type(exc).__name__}
    result.setdefault("ok", True)
    result["ms"] = round((time.monotonic() - started) * 1000, 1)
    return result


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache() -> None:
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    if cache.get(key) != "1":
        raise RuntimeError("cache lost a value")
    cache.delete(key)


def _disk() -> dict:
    free_mb = shutil.disk_usage(settings.DATA_DIR).free // (1024 * 1024)
    return {"ok": free_mb >= settings.HEALTH_MIN_FREE_MB, "free_mb": free_mb}


def _tasks() -> dict:
    state = queue_state()
    return {
        "ok": True,
        "stale": state.oldest_seconds > settings.HEALTH_QUEUE_MAX_AGE,
        "queued": state.queued,
        "oldest_seconds": round(state.oldest_seconds),
        "failed": state.failed,
    }


def report() -> tuple[bool, dict]:
    """(healthy, the details): healthy unless the database, the cache or the disk fails."""
    checks = {"database": _timed(_database), "cache": _timed(_cache), "disk": _timed(_disk)}
    if checks["database"]["ok"]:
        checks["tasks"] = _timed(_tasks)
    healthy = all(checks[name]["ok"] for name in ("database", "cache", "disk"))
    return healthy, {"status": "ok" if healthy else "unavailable", "checks": checks}
