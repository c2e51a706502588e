"""Background work: building a yearly report, refreshing the rollups after records change."""

from __future__ import annotations

from django_tasks import task


@task()
def generate_report(report_id: int) -> None:
    from zhiyuan.reports.services import run_report

    run_report(report_id)


@task()
def refresh_rollups() -> int:
    """Rebuild the rollup rows of the days and volunteers whose records changed, then compute
    the districts' figures of the year into the cache, so the next dashboard opens at once."""
    from zhiyuan.reports.rollups import refresh_changed
    from zhiyuan.reports.statistics import warm_figures

    changed = refresh_changed()
    if changed:
        warm_figures()
    return changed
