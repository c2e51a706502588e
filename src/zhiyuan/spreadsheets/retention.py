"""How long an import's files are kept.

The uploaded roster, the rows read from it and the error report hold people's names, ID
numbers and phones. They serve the import and the office's corrections afterwards, and are
deleted `keep()` (ZHIYUAN_IMPORT_KEEP_DAYS, 7 by default) after the job last moved: after
it ended (done or failed), or after the upload for a job never started, or after the last
progress of a job whose worker died. The job itself stays, with its counts and its list of
issues (values masked), and says when its files were deleted. A job not finished by then
is marked failed: its file is gone, so the office uploads the roster again.

`purge_imports` runs daily (`zhiyuan periodic purge_files`) and, as a safety net where
no timer runs, whenever a roster is uploaded.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiyuan.spreadsheets.models import ImportJob, private_storage

logger = logging.getLogger(__name__)


def keep() -> dt.timedelta:
    return dt.timedelta(days=settings.IMPORT_KEEP_DAYS)


def expired(now: dt.datetime) -> Q:
    """Jobs whose files are past their time: last moved before now − keep()."""
    cutoff = now - keep()
    busy = [ImportJob.Status.QUEUED, ImportJob.Status.RUNNING]
    return Q(files_deleted_at=None) & (
        Q(status__in=[ImportJob.Status.DONE, ImportJob.Status.FAILED], finished_at__lte=cutoff)
        | Q(status=ImportJob.Status.UPLOADED, created_at__lte=cutoff)
        | Q(status__in=busy, heartbeat_at__lte=cutoff)
        | Q(status__in=busy, heartbeat_at=None, created_at__lte=cutoff)
    )


def purge_imports(*, now: dt.datetime | None = None) -> int:
    """Delete the files of the imports past their time; returns how many jobs were purged.

    Each job is claimed by a conditional UPDATE (still in the status it was found in, files
    not yet deleted) before its files go, so a job that starts or moves meanwhile keeps them.
    """
    now = now or timezone.now()
    count = 0
    for job in ImportJob.objects.filter(expired(now)).only(
        "pk", "status", "source", "parsed", "error_report"
    ):
        changes: dict = {"files_deleted_at": now, "source": "", "parsed": "", "error_report": ""}
        if not job.is_finished:
            changes.update(
                status=ImportJob.Status.FAILED,
                finished_at=now,
                failure=_(
                    "Not finished within %(days)d days: its file was deleted. "
                    "Upload the roster again."
                )
                % {"days": settings.IMPORT_KEEP_DAYS},
            )
        claimed = (
            ImportJob.objects.filter(pk=job.pk, status=job.status)
            .filter(expired(now))
            .update(**changes)
        )
        if not claimed:
            continue
        for name in (job.source.name, job.parsed.name, job.error_report.name):
            if name:
                try:
                    private_storage.delete(name)
                except OSError:
                    logger.exception("import %s: could not delete %s", job.pk, name)
        count += 1
    return count
