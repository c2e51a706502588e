"""Background work: building a yearly report."""

from __future__ import annotations

from django_tasks import task


@task()
def generate_report(report_id: int) -> None:
    from zhiyuan.reports.services import run_report

    run_report(report_id)
