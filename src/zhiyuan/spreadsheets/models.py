"""Roster import jobs: the uploaded file (encrypted), the column mapping, progress and bad rows."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PrivateStorage(FileSystemStorage):
    """Files under DATA_DIR/private: never served by a web server, only through checked views.

    The location is read from the settings at each use, so tests can point DATA_DIR elsewhere.
    """

    @property
    def base_location(self):
        return os.path.join(settings.DATA_DIR, "private")

    @property
    def location(self):
        return os.path.abspath(self.base_location)


private_storage = PrivateStorage()


def _private_storage():
    return private_storage


# Rows of an import over several sheets are numbered sheet by sheet (see `sheet_and_row`);
# a sheet holds far fewer rows (reading.MAX_SHEET_ROWS).
SHEET_STRIDE = 1_000_000


class ImportJob(models.Model):
    """One roster file imported by an office admin into the communities of one region subtree."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Waiting for the column check")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.PROTECT,
        related_name="import_jobs",
    )
    scope = models.ForeignKey(
        "places.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="import_jobs",
        help_text=_("Every volunteer's community must lie in this region."),
    )
    default_community = models.ForeignKey(
        "places.Region",
        verbose_name=_("default community"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Used for rows whose community cell is empty."),
    )
    # The upload holds ID numbers in clear: it is stored encrypted with the field cipher.
    source = models.FileField(
        _("file (encrypted)"), storage=_private_storage, upload_to="imports/source/"
    )
    # The rows the upload check read (as text, encrypted like the file), kept so the column
    # check, the value step and the import start from them instead of reading the workbook
    # again; rewritten when another sheet is chosen. Empty for jobs uploaded before it.
    parsed = models.FileField(
        _("rows read (encrypted)"),
        storage=_private_storage,
        upload_to="imports/rows/",
        blank=True,
    )
    original_name = models.CharField(_("file name"), max_length=200)
    # When the uploaded file, its rows and the error report were deleted (retention.py).
    files_deleted_at = models.DateTimeField(_("files deleted at"), null=True, blank=True)
    file_format = models.CharField(_("format"), max_length=4)
    sheets = models.JSONField(_("sheets in the file"), default=list, blank=True)
    sheet = models.CharField(
        _("sheet"), max_length=100, blank=True, help_text=_("Empty: the first sheet.")
    )
    all_sheets = models.BooleanField(
        _("every sheet with the same header"),
        default=False,
        help_text=_("Also import the other sheets whose header row is the same."),
    )
    header_row = models.PositiveIntegerField(_("header row"), default=1)
    columns = models.JSONField(_("column titles"), default=list)
    mapping = models.JSONField(_("column mapping"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.UPLOADED
    )
    total = models.PositiveIntegerField(_("rows"), default=0)
    processed = models.PositiveIntegerField(_("rows processed"), default=0)
    imported = models.PositiveIntegerField(_("imported"), default=0)
    duplicates = models.PositiveIntegerField(_("duplicates"), default=0)
    errors = models.PositiveIntegerField(_("rows with errors"), default=0)
    warnings = models.PositiveIntegerField(_("rows imported with warnings"), default=0)

    class Existing(models.TextChoices):
        SKIP = "skip", _("Skip them")
        FILL_BLANKS = "fill_blanks", _("Fill in their blank fields")

    existing = models.CharField(
        _("volunteers already registered"),
        max_length=11,
        choices=Existing.choices,
        default=Existing.SKIP,
    )
    error_report = models.FileField(
        _("error report"), storage=_private_storage, upload_to="imports/errors/", blank=True
    )
    failure = models.CharField(_("failure"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Written with every batch: a running job whose heartbeat stopped was killed.
    heartbeat_at = models.DateTimeField(_("last progress at"), null=True, blank=True)

    class Meta:
        verbose_name = _("roster import")
        verbose_name_plural = _("roster imports")
        ordering = ["-id"]
        indexes = [models.Index(fields=["created_by", "-id"], name="importjob_creator_recent")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.original_name} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}

    @property
    def is_busy(self) -> bool:
        return self.status in {self.Status.QUEUED, self.Status.RUNNING}

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.status == self.Status.DONE else 0
        return min(100, self.processed * 100 // self.total)

    def sheet_and_row(self, row: int) -> tuple[str, int]:
        """A row number of this import as (sheet, row in that sheet): over several sheets a
        row is numbered `sheet position × SHEET_STRIDE + row` (sheet "" when only one)."""
        if not self.all_sheets:
            return "", row
        position, in_sheet = divmod(row, SHEET_STRIDE)
        names = self.sheets or [""]
        return names[position] if position < len(names) else "", in_sheet

    def row_label(self, row: int) -> str:
        sheet, in_sheet = self.sheet_and_row(row)
        return f"{sheet}!{in_sheet}" if sheet else str(in_sheet)


class ImportIssue(models.Model):
    """A row that was not imported (a bad value, a duplicate), or a value an imported row
    went without (a warning). Written with its batch."""

    class Kind(models.TextChoices):
        ERROR = "error", _("Error")
        DUPLICATE = "duplicate", _("Duplicate")
        WARNING = "warning", _("Imported without this value")

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="issues")
    row = models.PositiveIntegerField(_("row"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    column = models.CharField(_("column"), max_length=100, blank=True)
    value = models.CharField(_("value (masked)"), max_length=200, blank=True)
    reason = models.CharField(_("reason"), max_length=300)

    class Meta:
        verbose_name = _("import issue")
        verbose_name_plural = _("import issues")
        ordering = ["row", "id"]
        indexes = [models.Index(fields=["job", "row"], name="importissue_job_row")]

    def __str__(self) -> str:
        return f"#{self.job_id} row {self.row}: {self.reason}"

    @property
    def row_label(self) -> str:
        """The row as the office finds it: its number, after its sheet's name over several."""
        return self.job.row_label(self.row)


class ValueSynonym(models.Model):
    """What an office writes for a coded value ("法律" for the skill 法律咨询), matched after
    the exact names and codes. Remembered from the import's value step; admin-editable.
    An empty `value` means "ignore this word"."""

    class Field(models.TextChoices):
        SKILLS = "skills", _("Skills")
        POLITICAL_STATUS = "political_status", _("Political status")

    field = models.CharField(_("field"), max_length=20, choices=Field.choices)
    text = models.CharField(
        _("written as"), max_length=100, help_text=_("Compared ignoring case, spaces and width.")
    )
    value = models.CharField(
        _("means"),
        max_length=40,
        blank=True,
        help_text=_("The skill's code or the political status; empty to ignore the word."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("value synonym")
        verbose_name_plural = _("value synonyms")
        ordering = ["field", "text"]
        constraints = [
            models.UniqueConstraint(fields=["field", "text"], name="valuesynonym_field_text")
        ]

    def __str__(self) -> str:
        return f"{self.get_field_display()}: {self.text} → {self.value or '—'}"


class ExportJob(models.Model):
    """A roster, hours or exchange export written in the background for the one person who
    asked; its file is kept for a day (`KEEP`), then deleted. Each kind's rules live in its
    app (`export_jobs.ExportKind`)."""

    class Kind(models.TextChoices):
        ROSTER = "roster", _("Volunteer roster")
        HOURS = "hours", _("Service hours")
        EXCHANGE = "exchange", _("Exchange file for the national system")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Writing")
        DONE = "done", _("Ready to download")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Deleted after a day")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="export_jobs",
    )
    kind = models.CharField(_("export"), max_length=10, choices=Kind.choices)
    # What was asked: the filters, the period, whether full values were asked (and why).
    params = models.JSONField(_("filters"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    total = models.PositiveIntegerField(_("rows"), default=0)
    processed = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(
        _("file"), storage=_private_storage, upload_to="exports/", blank=True, max_length=200
    )
    filename = models.CharField(_("file name"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    failure = models.CharField(_("failure"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("deleted after"), null=True, blank=True)

    class Meta:
        verbose_name = _("spreadsheet export")
        verbose_name_plural = _("spreadsheet exports")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["created_by", "-id"], name="exportjob_creator_recent"),
            models.Index(fields=["status", "expires_at"], name="exportjob_expiry"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} ({self.status})"

    @property
    def is_busy(self) -> bool:
        return self.status in {self.Status.QUEUED, self.Status.RUNNING}

    @property
    def is_ready(self) -> bool:
        """Done, and its day not over (the file may outlive it until the purge runs)."""
        return (
            self.status == self.Status.DONE
            and bool(self.file)
            and (self.expires_at is None or self.expires_at > timezone.now())
        )

    @property
    def percent(self) -> int:
        if self.status in {self.Status.DONE, self.Status.EXPIRED}:
            return 100
        if not self.total:
            return 0
        return min(99, self.processed * 100 // self.total)
