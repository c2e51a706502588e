"""`zhiyuan purge_files`: delete the spreadsheet files past their time (run daily)."""

from django.core.management.base import BaseCommand

from zhiyuan.spreadsheets import export_jobs, retention


class Command(BaseCommand):
    help = (
        "Delete the export files past their day and the imports' files (uploaded rosters, "
        "rows read, error reports) past ZHIYUAN_IMPORT_KEEP_DAYS (safe to repeat)."
    )

    def handle(self, *args, **options):
        exports = export_jobs.purge_expired()
        imports = retention.purge_imports()
        self.stdout.write(f"{exports} export files deleted, files of {imports} imports deleted.")
