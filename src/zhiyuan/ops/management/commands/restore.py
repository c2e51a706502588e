"""`zhiyuan restore FILE`: load a backup into an empty, migrated database, all or nothing."""

from django.core.management.base import BaseCommand, CommandError

from zhiyuan.core.errors import DomainError
from zhiyuan.ops.backup import restore_backup, validate_path


class Command(BaseCommand):
    help = (
        "Restore a backup made by `zhiyuan backup` into a migrated database. Refuses a "
        "database that already holds data unless --force (which replaces all of it). The row "
        "counts are checked against the backup's header before the one transaction commits."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a file written by `zhiyuan backup`")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace every row of a database that already holds data",
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args, **options):
        try:
            path = validate_path(options["file"])
            report = restore_backup(path, force=options["force"], using=options["database"])
        except DomainError as exc:
            raise CommandError(str(exc.message)) from None
        self.stdout.write(
            f"{report.rows} rows restored from {path} (made {report.header['created_at']} on "
            f"{report.header['vendor']}) in {report.seconds:.1f} s "
            f"({report.rows_per_second:,.0f} rows/s); counts match the backup."
        )
