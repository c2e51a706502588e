"""Background work of the help desk: matching runs (django-tasks; immediate in tests)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_matching(run_id: int) -> int:
    """Execute a queued matching run; returns the number of proposals it made."""
    from zhiyuan.helpdesk.proposals import execute_run

    return execute_run(run_id).proposal_count
