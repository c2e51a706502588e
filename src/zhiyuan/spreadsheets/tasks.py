"""Background roster imports and exports (Django's task framework API, django-tasks)."""

from __future__ import annotations

from django_tasks import task

from zhiyuan.spreadsheets import export_jobs, services


@task()
def run_import(job_id: int) -> int:
    """Run one import job to the end; returns how many volunteers it imported."""
    return services.run_job(job_id).imported


@task()
def run_export(job_id: int) -> int:
    """Write one export to its file; returns its rows."""
    return export_jobs.run_export(job_id).processed


@task()
def purge_exports() -> int:
    """Delete the export files past their day (deferred to that moment by each export)."""
    return export_jobs.purge_expired()
