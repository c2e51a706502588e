"""`zhiyuan report --year 2026 --out report.docx`: the yearly work report as a Word document."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zhiyuan.core.errors import DomainError
from zhiyuan.places.models import Region
from zhiyuan.reports import services, yearly
from zhiyuan.reports.scope import Scope


class Command(BaseCommand):
    help = "Write the yearly volunteer-service work report (.docx) of a district or region."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--out", required=True, help="the .docx file to write")
        parser.add_argument(
            "--region", help="division code of the region (default: the district)", default=""
        )

    def handle(self, *args, year, out, region, **options):
        try:
            year = services.check_year(year)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from None
        regions = (
            Region.objects.filter(code=region)
            if region
            else Region.objects.filter(parent__isnull=True)
        )
        target = regions.order_by("path").first()
        if target is None:
            raise CommandError(
                f"No region {region!r}." if region else "No district: run zhiyuan demo."
            )
        path = Path(out)
        if path.suffix.lower() != ".docx":
            raise CommandError("--out must name a .docx file.")
        if not path.parent.exists():
            raise CommandError(f"The folder {path.parent} does not exist.")
        path.write_bytes(yearly.build(Scope("region", target), year))
        self.stdout.write(f"Wrote {path} ({path.stat().st_size:,} bytes) for {target.name} {year}.")
