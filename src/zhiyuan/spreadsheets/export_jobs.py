"""Export use cases: asked for (checked, audited), written in the background, kept for a day.

An export is a job of the person who asked for it and of nobody else (`access.export_for`).
The worker streams the workbook into a file under DATA_DIR/private (openpyxl write-only),
writing its progress every few thousand rows; the file is deleted a day after it is ready
(`KEEP`) by `purge_expired`, which runs as a task deferred to that moment (the database
and RQ backends keep it until then) and, as a safety net, whenever an export is asked for.
An export with full ID numbers and phones is stored sealed with the field cipher, as the
uploaded rosters are.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiyuan.core.errors import PermissionDenied
from zhiyuan.spreadsheets import access, exports
from zhiyuan.spreadsheets.models import ExportJob, private_storage
from zhiyuan.spreadsheets.services import gc_paused
from zhiyuan.spreadsheets.stored import seal, unseal
from zhiyuan.spreadsheets.writing import XlsxBook

logger = logging.getLogger(__name__)

KEEP = dt.timedelta(days=1)
WRITERS = {
    ExportJob.Kind.ROSTER: (exports.roster_total, exports.write_roster),
    ExportJob.Kind.HOURS: (exports.hours_total, exports.write_hours),
}


def start_export(*, actor, kind: str, request: exports.ExportRequest) -> ExportJob:
    """Check the request (a reveal is audited here), then queue the export after commit."""
    if not access.may_export(actor):
        raise PermissionDenied(_("Only office and team admins may export rosters."))
    purge_expired()
    with transaction.atomic():
        exports.check(actor=actor, kind=kind, request=request)
        job = ExportJob.objects.create(created_by=actor, kind=kind, params=request.as_params())
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: int) -> None:
    from zhiyuan.spreadsheets.tasks import run_export

    run_export.enqueue(job_id)


def _update(job: ExportJob, **values) -> None:
    ExportJob.objects.filter(pk=job.pk).update(**values)
    for name, value in values.items():
        setattr(job, name, value)


def run_export(job_id: int) -> ExportJob:
    """Write a queued export to its file; a job already taken by a worker is left alone."""
    job = ExportJob.objects.select_related("created_by").get(pk=job_id)
    claimed = ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.QUEUED).update(
        status=ExportJob.Status.RUNNING
    )
    if not claimed:
        return job
    job.status = ExportJob.Status.RUNNING
    actor = job.created_by
    if not access.may_export(actor):
        _update(
            job,
            status=ExportJob.Status.FAILED,
            failure=_("You may no longer export rosters."),
            finished_at=timezone.now(),
        )
        return job
    request = exports.ExportRequest.from_params(job.params)
    count, write = WRITERS[ExportJob.Kind(job.kind)]
    name = f"exports/{job.pk}-{secrets.token_hex(8)}.xlsx"
    path = private_storage.path(name)
    try:
        _update(job, total=count(actor=actor, request=request))
        book = XlsxBook()
        with gc_paused():
            filename = write(
                actor=actor,
                request=request,
                book=book,
                progress=lambda n: ExportJob.objects.filter(pk=job.pk).update(processed=n),
            )
            os.makedirs(os.path.dirname(path), exist_ok=True)
            book.save(path)
        if request.reveal:
            # Full ID numbers and phones rest on disk sealed, like an uploaded roster.
            with open(path, "rb") as handle:
                sealed = seal(handle.read())
            with open(path, "wb") as handle:
                handle.write(sealed)
        now = timezone.now()
        _update(
            job,
            status=ExportJob.Status.DONE,
            file=name,
            filename=filename,
            size=os.path.getsize(path),
            processed=job.total,
            finished_at=now,
            expires_at=now + KEEP,
        )
    except Exception:
        logger.exception("export %s failed", job.pk)
        if os.path.exists(path):
            os.remove(path)
        _update(
            job,
            status=ExportJob.Status.FAILED,
            failure=_("The export failed; the office's technical staff can find why in the log."),
            finished_at=timezone.now(),
        )
        raise
    _schedule_purge(job.expires_at)
    return job


def _schedule_purge(when: dt.datetime) -> None:
    from zhiyuan.spreadsheets.tasks import purge_exports

    if purge_exports.get_backend().supports_defer:
        purge_exports.using(run_after=when + dt.timedelta(minutes=1)).enqueue()


def file_content(job: ExportJob) -> bytes | None:
    """A sealed export's content (revealed exports), or None: the file is served as it is."""
    if not job.params.get("reveal"):
        return None
    with job.file.open("rb") as handle:
        return unseal(handle.read())


def purge_expired(*, now: dt.datetime | None = None) -> int:
    """Delete the files of exports past their day; returns how many were deleted. An export
    still unfinished after a day (its worker was killed) is marked failed."""
    now = now or timezone.now()
    ExportJob.objects.filter(
        status__in=[ExportJob.Status.QUEUED, ExportJob.Status.RUNNING], created_at__lte=now - KEEP
    ).update(
        status=ExportJob.Status.FAILED,
        failure=_("The export stopped before the end: ask for it again."),
        finished_at=now,
    )
    expired = ExportJob.objects.filter(status=ExportJob.Status.DONE, expires_at__lte=now)
    count = 0
    for job in expired.only("pk", "file"):
        if job.file:
            job.file.delete(save=False)
        ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.EXPIRED, file="")
        count += 1
    return count
