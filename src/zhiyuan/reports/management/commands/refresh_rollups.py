"""`zhiyuan refresh_rollups [--since DATE]`: rebuild the statistics rollups from the records."""

from __future__ import annotations

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError

from zhiyuan.reports import rollups


class Command(BaseCommand):
    help = (
        "Rebuild the service-record rollups that statistics read (all of them, or the days "
        "from --since on). Run it after bulk-loading or bulk-updating service records."
    )

    def add_arguments(self, parser):
        parser.add_argument("--since", default="", help="first day to rebuild, YYYY-MM-DD")

    def handle(self, *args, since, **options):
        day = None
        if since:
            try:
                day = dt.date.fromisoformat(since)
            except ValueError:
                raise CommandError(f"--since: {since!r} is not a date (YYYY-MM-DD).") from None
        started = time.monotonic()
        counts = rollups.rebuild(day)
        self.stdout.write(
            f"Rollups rebuilt{f' from {day}' if day else ''} in {time.monotonic() - started:.1f}s: "
            f"{counts['daily_rows']} daily rows, {counts['active_rows']} active-month rows."
        )
