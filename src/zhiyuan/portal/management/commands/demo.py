"""`zhiyuan demo`: fill an empty database with a demo district at the seed report's scale."""

from __future__ import annotations

import random

from django.core.management.base import BaseCommand, CommandError

from zhiyuan.demo.build import build, has_district, refresh_statistics
from zhiyuan.demo.context import DemoContext


class Command(BaseCommand):
    help = (
        "Create a demo district (6 subdistricts, 62 communities, 340,200 residents) with "
        "70,000 synthetic volunteers and sign-in accounts for an office admin and a volunteer."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--volunteers", type=int, default=70_000, help="How many volunteers (70000)."
        )
        parser.add_argument(
            "--seed", type=int, default=2026, help="Random seed: one seed, one district (2026)."
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if the database already has a district (for `make run`).",
        )

    def handle(self, *args, volunteers: int, seed: int, if_empty: bool, **options):
        if volunteers < 0:
            raise CommandError("--volunteers cannot be negative")
        if has_district():
            if if_empty:
                self.stdout.write("The database already has a district: no demo data added.")
                return
            raise CommandError("the database already has a district; use a fresh database")
        ctx = DemoContext(rng=random.Random(seed), stdout=self.stdout, volunteer_count=volunteers)
        build(ctx)
        if refresh_statistics():
            ctx.say(f"planner statistics refreshed ({ctx.elapsed():.1f}s)")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo district {ctx.district} with {len(ctx.volunteer_ids)} volunteers "
                f"built in {ctx.elapsed():.1f}s."
            )
        )
        for who, username, password in ctx.credentials:
            self.stdout.write(f"  sign in as {who}: {username} / {password}")
