"""Export use cases: asked for (checked, audited), written in the background, kept for a day.

An export is a job of the person who asked for it and of nobody else (`access.export_for`).
Each kind of export is defined by its app (`ExportKind`: who may ask, the check that refuses
or audits a request, the rows for the progress bar, the writer): the roster and hours here,
the exchange file in exchange/exports.py, registered from its app's `ready`. The worker
streams the file to DATA_DIR/private (a workbook through openpyxl write-only, JSON Lines a
line at a time), writing its progress every few thousand rows; the file is deleted a day
after it is ready (`KEEP`) by `purge_expired`, which runs as a task deferred to that moment
(the database and RQ backends keep it until then) and, as a safety net, whenever an export
is asked for. An export with full ID numbers and phones is stored sealed with the field
cipher, as the uploaded rosters are, a megabyte at a time (`stored.seal_file`).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhiyuan.core.errors import PermissionDenied
from zhiyuan.spreadsheets import access, exports
from zhiyuan.spreadsheets.models import ExportJob, private_storage
from zhiyuan.spreadsheets.services import gc_paused
from zhiyuan.spreadsheets.stored import seal_file, unsealed_chunks
from zhiyuan.spreadsheets.writing import JSONL_TYPE, XLSX_TYPE, XlsxBook

logger = logging.getLogger(__name__)

KEEP = dt.timedelta(days=1)
CONTENT_TYPES = {".xlsx": XLSX_TYPE, ".jsonl": JSONL_TYPE}


@dataclass(frozen=True)
class ExportKind:
    """One kind of export, as the app that owns its rules defines it. `request` is the
    request's class (`as_params`, `from_params`); `check_access(user)` refuses who may not
    ask (PermissionDenied; the worker asks again); `check(actor=, request=)` refuses a
    request, or audits a reveal, before it is queued; `total(actor=, request=)` its rows
    for the progress bar; `write(actor=, request=, out=, progress=)` streams the file into
    `out` and returns the file's name; `page` names the page that asks for it (URL name),
    `title` that page's title."""

    request: type
    check_access: Callable[[Any], None]
    check: Callable[..., None]
    total: Callable[..., int]
    write: Callable[..., str]
    page: str
    title: Promise


KINDS: dict[str, ExportKind] = {}


def register(kind: str, export_kind: ExportKind) -> None:
    """Make `kind` (an `ExportJob.Kind`) an export the jobs run."""
    KINDS[kind] = export_kind


def _spreadsheet(kind: str, total: Callable[..., int], write: Callable[..., str]) -> ExportKind:
    """The roster or the hours: an `XlsxBook` written by `exports`, saved into the file."""

    def check(*, actor, request: exports.ExportRequest) -> None:
        exports.check(actor=actor, kind=kind, request=request)

    def written(*, actor, request, out: IO[bytes], progress: exports.Progress) -> str:
        book = XlsxBook()
        filename = write(actor=actor, request=request, book=book, progress=progress)
        book.save(out)
        return filename

    return ExportKind(
        request=exports.ExportRequest,
        check_access=access.check_export,
        check=check,
        total=total,
        write=written,
        page="spreadsheets:exports",
        title=gettext_lazy("Export rosters and hours"),
    )


register(
    ExportJob.Kind.ROSTER,
    _spreadsheet(ExportJob.Kind.ROSTER, exports.roster_total, exports.write_roster),
)
register(
    ExportJob.Kind.HOURS,
    _spreadsheet(ExportJob.Kind.HOURS, exports.hours_total, exports.write_hours),
)


def kind_of(job: ExportJob) -> ExportKind:
    return KINDS[job.kind]


def start_export(*, actor, kind: str, request) -> ExportJob:
    """Check the request (a reveal is audited here), then queue the export after commit."""
    export_kind = KINDS[kind]
    export_kind.check_access(actor)
    purge_expired()
    with transaction.atomic():
        export_kind.check(actor=actor, request=request)
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
    export_kind = kind_of(job)
    try:
        export_kind.check_access(actor)
    except PermissionDenied:
        _update(
            job,
            status=ExportJob.Status.FAILED,
            failure=_("You may no longer ask for this export."),
            finished_at=timezone.now(),
        )
        return job
    request = export_kind.request.from_params(job.params)
    stem = f"exports/{job.pk}-{secrets.token_hex(8)}"
    part = private_storage.path(f"{stem}.part")
    name, path = "", ""
    try:
        _update(job, total=export_kind.total(actor=actor, request=request))
        os.makedirs(os.path.dirname(part), exist_ok=True)
        with gc_paused(), open(part, "wb") as out:
            filename = export_kind.write(
                actor=actor,
                request=request,
                out=out,
                progress=lambda n: ExportJob.objects.filter(pk=job.pk).update(processed=n),
            )
        name = stem + os.path.splitext(filename)[1]
        path = private_storage.path(name)
        if request.reveal:
            # Full ID numbers and phones rest on disk sealed, like an uploaded roster.
            seal_file(part, path)
            os.remove(part)
        else:
            os.replace(part, path)
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
        for leftover in (part, path):
            if leftover and os.path.exists(leftover):
                os.remove(leftover)
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


def content_type(job: ExportJob) -> str:
    return CONTENT_TYPES.get(os.path.splitext(job.filename)[1].lower(), XLSX_TYPE)


def file_content(job: ExportJob) -> Iterator[bytes] | None:
    """A sealed export's content (revealed exports) a chunk at a time, or None: the file is
    served as it is."""
    if not job.params.get("reveal"):
        return None
    return _unsealed(job)


def _unsealed(job: ExportJob) -> Iterator[bytes]:
    with job.file.open("rb") as handle:
        yield from unsealed_chunks(handle)


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
