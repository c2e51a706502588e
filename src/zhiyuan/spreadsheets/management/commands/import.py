"""`zhiyuan import volunteers FILE`: import a roster from the command line, with a summary."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from zhiyuan.core.errors import DomainError
from zhiyuan.spreadsheets import columns, services, value_step


class Command(BaseCommand):
    help = "Import volunteers from an .xlsx, .xls, .ods or .csv roster, as the import page does."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["volunteers"], help="what the file holds")
        parser.add_argument("file", help="the roster (.xlsx, .xls, .ods or .csv)")
        parser.add_argument(
            "--community-default",
            metavar="CODE",
            default="",
            help="division code of the community for rows whose community cell is empty",
        )
        parser.add_argument(
            "--as",
            dest="username",
            metavar="USERNAME",
            help="the office admin the import is made as (default: the first superuser)",
        )
        parser.add_argument(
            "--scope", metavar="CODE", default="", help="region code to import into"
        )
        parser.add_argument(
            "--values",
            metavar="PATH",
            help=(
                "choices for values the platform does not know, as on the import page: one "
                "'field<TAB>word<TAB>choice' a line (choice: a skill code or political status, "
                "'ignore', or 'create' for a new skill)"
            ),
        )
        parser.add_argument(
            "--sheet",
            metavar="NAME",
            default="",
            help="the sheet to import (default: the first with a header)",
        )
        parser.add_argument(
            "--all-sheets",
            action="store_true",
            help="also import every other sheet with the same header row",
        )
        parser.add_argument(
            "--errors-out",
            metavar="PATH",
            help="where to write the error report (default: FILE-errors.xlsx beside FILE)",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        actor = self._actor(options["username"])
        scope_id = None
        if options["scope"]:
            from zhiyuan.places.models import Region

            region = Region.objects.filter(code=options["scope"]).first()
            if region is None:
                raise CommandError(f"No region has the code {options['scope']}")
            scope_id = region.pk
        try:
            job = services.create_job(
                actor=actor,
                name=path.name,
                data=path.read_bytes(),
                scope_id=scope_id,
                community_default=options["community_default"],
                # The operator runs this on the server for the office that holds the forms.
                consent_confirmed=True,
            )
            if options["sheet"] or options["all_sheets"]:
                job = services.choose_sheet(
                    actor=actor,
                    job=job,
                    sheet=options["sheet"] or job.sheet,
                    all_sheets=options["all_sheets"],
                )
            mapped = ", ".join(
                f"{field}={columns.column_letter(index)}:{job.columns[index]}"
                for field, index in job.mapping.items()
            )
            self.stdout.write(f"Header on row {job.header_row}; columns: {mapped}")
            if options["values"]:
                choices = value_step.read_choices(
                    Path(options["values"]).read_text(encoding="utf-8-sig")
                )
                stored = value_step.choose_values(actor=actor, job=job, choices=choices)
                self.stdout.write(f"{stored} value choices stored.")
            for unknown in value_step.unknown_values(job, value_step.rows_of(job)):
                self.stdout.write(
                    f"Unknown {unknown.field} value {unknown.word!r}: {unknown.rows} rows "
                    "(imported without it)"
                )
            services.start_job(actor=actor, job=job)
            job = services.run_job(job.pk, progress=self._progress)
        except DomainError as exc:
            details = "; ".join(
                f"{field}: {' '.join(msgs)}" for field, msgs in exc.as_errors().items()
            )
            raise CommandError(details) from None
        self.stdout.write("")
        self.stdout.write(
            f"Import #{job.pk} {job.status}: {job.total} rows, {job.imported} imported, "
            f"{job.duplicates} duplicates skipped, {job.errors} rows with errors, "
            f"{job.warnings} imported with warnings."
        )
        if job.error_report:
            target = Path(options["errors_out"] or path.with_name(f"{path.stem}-errors.xlsx"))
            with job.error_report.open("rb") as handle:
                target.write_bytes(handle.read())
            self.stdout.write(f"Error report: {target}")

    def _actor(self, username: str | None):
        users = get_user_model().objects
        if username:
            actor = users.filter(username=username, is_active=True).first()
            if actor is None:
                raise CommandError(f"No active user named {username}")
            return actor
        actor = users.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if actor is None:
            raise CommandError("Name the importing office admin with --as USERNAME")
        return actor

    def _progress(self, job) -> None:
        self.stdout.write(f"\r{job.processed}/{job.total} rows", ending="")
        self.stdout.flush()
