"""Background roster imports (Django's task framework API, django-tasks)."""

from __future__ import annotations

from django_tasks import task

from zhiyuan.spreadsheets import services


@task()
def run_import(job_id: int) -> int:
    """Run one import job to the end; returns how many volunteers it imported."""
    return services.run_job(job_id).imported
