"""`zhiyuan backup FILE`: the whole database into one gzip file (encrypted fields stay encrypted)."""

from django.core.management.base import BaseCommand

from zhiyuan.ops.backup import write_backup


class Command(BaseCommand):
    help = (
        "Write every row of the database to FILE (gzip-compressed JSON lines with a header of "
        "migrations and row counts). Personal data stays encrypted: keep ZHIYUAN_FIELD_KEY "
        "to read it after a restore."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", help="where to write the backup, e.g. zhiyuan-2026-05-12.jsonl.gz"
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args, **options):
        report = write_backup(options["file"], using=options["database"])
        if options["verbosity"] > 1:
            for label, count in report.header["counts"].items():
                if count:
                    self.stdout.write(f"  {label}: {count}")
        self.stdout.write(
            f"{report.rows} rows of {len(report.header['models'])} tables written to "
            f"{options['file']} in {report.seconds:.1f} s ({report.rows_per_second:,.0f} rows/s)."
        )
