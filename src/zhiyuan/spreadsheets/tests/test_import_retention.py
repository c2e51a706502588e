"""An import's files (the roster, its rows, the error report) are deleted days after it ends."""

from __future__ import annotations

import datetime as dt
import io
import os

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from zhiyuan.spreadsheets import retention, services
from zhiyuan.spreadsheets.models import ImportIssue, ImportJob
from zhiyuan.testing.factories import csv_bytes, person_id

pytestmark = pytest.mark.django_db
HEADER = ["姓名", "身份证号", "手机号", "社区"]
ROSTER = csv_bytes(
    [
        HEADER,
        ["留存甲", person_id(1), "13900000001", "新兴社区"],
        ["留存乙", person_id(2), "12345", "新兴社区"],
    ],
    "utf-8",
)


def upload(actor) -> ImportJob:
    return services.create_job(actor=actor, name="r.csv", data=ROSTER, consent_confirmed=True)


def files(job: ImportJob) -> list[str]:
    return [f.path for f in (job.source, job.parsed, job.error_report) if f]


def test_a_finished_imports_files_are_deleted_days_after_it_ended(cast, client_for):
    job = upload(cast.alice)
    services.start_job(actor=cast.alice, job=job)
    job = services.run_job(job.pk)
    paths = files(job)
    assert len(paths) == 3 and all(os.path.exists(p) for p in paths)
    issues = ImportIssue.objects.filter(job=job).count()
    assert issues == 1

    assert retention.purge_imports(now=job.finished_at + retention.keep() / 2) == 0
    assert all(os.path.exists(p) for p in paths)
    later = job.finished_at + retention.keep() + dt.timedelta(minutes=1)
    assert retention.purge_imports(now=later) == 1
    assert retention.purge_imports(now=later) == 0  # once

    assert not any(os.path.exists(p) for p in paths)
    job.refresh_from_db()
    assert (job.status, job.imported, job.errors) == ("done", 1, 1)
    assert (job.source.name, job.parsed.name, job.error_report.name) == ("", "", "")
    assert job.files_deleted_at == later
    assert ImportIssue.objects.filter(job=job).count() == issues  # masked, kept

    client = client_for(cast.alice)
    page = client.get(reverse("spreadsheets:job", args=[job.pk])).content.decode()
    assert 'id="files-deleted"' in page and "7 天" in page
    assert "error-report-link" not in page and "import-issues" in page
    assert client.get(reverse("spreadsheets:error_report", args=[job.pk])).status_code == 404
    api = client.get(f"/api/v1/imports/{job.pk}").json()
    assert api["error_report_url"] is None and api["files_deleted_at"]


def test_an_upload_never_started_fails_when_its_file_is_deleted_and_cannot_resume(cast, client_for):
    job = upload(cast.alice)
    paths = files(job)
    assert len(paths) == 2
    later = job.created_at + retention.keep() + dt.timedelta(minutes=1)
    assert retention.purge_imports(now=later) == 1
    job.refresh_from_db()
    assert job.status == "failed" and "7 天" in job.failure
    assert not any(os.path.exists(p) for p in paths)
    assert not services.is_stalled(job)
    client = client_for(cast.alice)
    page = client.get(reverse("spreadsheets:job", args=[job.pk])).content.decode()
    assert "resume-import" not in page
    refused = client.post(f"/api/v1/imports/{job.pk}/resume")
    assert refused.status_code == 409 and "重新上传" in refused.json()["message"]
    job.refresh_from_db()
    assert job.status == "failed"


def test_a_job_still_running_recently_keeps_its_files(cast):
    job = upload(cast.alice)
    now = timezone.now()
    later = job.created_at + retention.keep() + dt.timedelta(minutes=1)
    # Queued then running, with progress a minute before `later`: not past its time.
    ImportJob.objects.filter(pk=job.pk).update(
        status="running", heartbeat_at=later - dt.timedelta(minutes=1), started_at=now
    )
    assert retention.purge_imports(now=later) == 0
    assert all(os.path.exists(p) for p in files(job))
    # Its worker died: no progress for the whole time.
    assert retention.purge_imports(now=later + retention.keep()) == 1
    job.refresh_from_db()
    assert (job.status, job.source.name) == ("failed", "")


def test_an_upload_and_the_daily_job_purge_what_is_past_its_time(cast):
    old = upload(cast.alice)
    paths = files(old)
    ImportJob.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - retention.keep() - dt.timedelta(hours=1)
    )
    new = upload(cast.alice)  # the safety net where no timer runs
    old.refresh_from_db()
    assert old.files_deleted_at is not None and old.source.name == ""
    # (The new upload may reuse a freed file name: only its own files are left.)
    assert {p for p in paths if os.path.exists(p)} <= set(files(new))

    newer = ImportJob.objects.exclude(pk=old.pk).get()
    ImportJob.objects.filter(pk=newer.pk).update(
        created_at=timezone.now() - retention.keep() - dt.timedelta(hours=1)
    )
    out = io.StringIO()
    call_command("purge_files", stdout=out)
    assert "files of 1 imports deleted" in out.getvalue()
    newer.refresh_from_db()
    assert newer.files_deleted_at is not None
