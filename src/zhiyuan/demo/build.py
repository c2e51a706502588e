"""The steps that make the demo district, in order, and the one function that runs them."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.db import connection, transaction

from zhiyuan.demo.accounts import add_office_admin, add_volunteer_account
from zhiyuan.demo.context import DemoContext
from zhiyuan.demo.district import add_district
from zhiyuan.demo.helpdesk import add_help_requests
from zhiyuan.demo.honours import add_honours
from zhiyuan.demo.hours import add_service_records
from zhiyuan.demo.memberships import add_memberships
from zhiyuan.demo.news import add_news
from zhiyuan.demo.outlines import add_outlines
from zhiyuan.demo.projects import add_projects
from zhiyuan.demo.rollups import add_rollups
from zhiyuan.demo.stations import add_stations
from zhiyuan.demo.teams import add_teams
from zhiyuan.demo.training import add_training
from zhiyuan.demo.volunteers import add_volunteers
from zhiyuan.places.models import Region

Step = Callable[[DemoContext], None]

# Each step reads what the earlier ones left on the context: memberships need the volunteer
# account (its volunteer administers a squad), audits the office admin, stations the teams
# and the community points of the outlines. Later areas append theirs at the end.
STEPS: list[Step] = [
    add_district,
    add_office_admin,
    add_volunteers,
    add_volunteer_account,
    add_outlines,
    add_teams,
    add_memberships,
    add_stations,
    add_projects,
    add_service_records,
    add_training,
    add_help_requests,
    add_honours,
    add_news,
    add_rollups,  # last: the statistics' rollups over the bulk-inserted records
]


def has_district() -> bool:
    return Region.objects.exists()


def build(ctx: DemoContext, steps: list[Step] | None = None) -> None:
    """Run the steps in one transaction: a failed demo leaves the database as it was."""
    with transaction.atomic():
        for step in steps or STEPS:
            started = time.monotonic()
            step(ctx)
            ctx.say(f"{step.__name__}: {time.monotonic() - started:.1f}s")


def refresh_statistics() -> bool:
    """Update the query planner's statistics after the bulk load; False if it cannot now.

    On PostgreSQL VACUUM also marks the new pages all-visible, which turns the roster's
    COUNT(*) into an index-only scan (measured: 26 ms to 8 ms over 70,000 volunteers).
    VACUUM cannot run inside a transaction: there (in tests) autovacuum does it later.
    """
    if connection.in_atomic_block:
        return False
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM (ANALYZE)")
        else:
            cursor.execute("ANALYZE")
    return True
