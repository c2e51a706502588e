"""Roster import use cases: upload, check the columns, start, run in batches, report bad rows.

Rows are validated in Python with the registration's rules (see validation.py) and written
in batches: each batch (its volunteers, their skills, its bad rows, the job's counters and
the volunteer numbers it used) is one transaction. A process killed mid-way leaves whole
batches only; running the job again continues after the last committed batch, and any
volunteer already in the database is skipped as a duplicate by the ID number's blind index.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhiyuan.accounts import scopes
from zhiyuan.core import crypto
from zhiyuan.core.errors import Conflict, PermissionDenied, ValidationFailed
from zhiyuan.places.models import Region
from zhiyuan.spreadsheets import columns, pipeline, reading, retention
from zhiyuan.spreadsheets.inserts import (
    MASKED_ID_NUMBER,
    fill_blanks,
    insert_issues,
    insert_volunteers,
    job_values,
    numbered,
    seal_rows,
    volunteer_values,
)
from zhiyuan.spreadsheets.models import ImportIssue, ImportJob
from zhiyuan.spreadsheets.stored import job_rows, keep_rows, seal, sheet_rows, source_bytes
from zhiyuan.spreadsheets.validation import CleanRow, RowResult, RowValidator
from zhiyuan.spreadsheets.writing import XlsxBook, export_title
from zhiyuan.volunteers.validation import registered_indexes

logger = logging.getLogger(__name__)

# Rows per transaction. On SQLite each commit writes every page the batch touched to the
# write-ahead log and copies them into the database file: the unique ID-number index takes
# rows at random places, so a batch of 5,000 touched most of its pages, and twice as many
# rows a commit wrote them half as often (0.3-0.5 CPU s less at 70,000 rows).
BATCH_SIZE = 10_000
# Check batches in a worker process while this one writes (`pipeline.ahead`).
FORKED = True
# SQLite's page cache while an import runs (KiB): the unique blind indexes take rows in
# random order, and the default 2 MB cache rereads their pages for every batch.
SQLITE_CACHE_KIB = 65536
MAX_FILE_BYTES = 20 * 1024 * 1024
STALE_AFTER = dt.timedelta(minutes=2)


class JobBusy(Conflict):
    code = "import_busy"


# ---------------------------------------------------------------- upload and mapping


def _check_importer(actor) -> None:
    if not scopes.is_district_admin(actor):
        raise PermissionDenied(_("Only office admins may import volunteers."))


def _resolve_scope(actor, scope_id) -> Region:
    if scope_id in (None, ""):
        paths = scopes.admin_region_paths(actor)
        if "/" in paths:
            region = Region.objects.filter(parent__isnull=True).order_by("path").first()
        else:
            region = Region.objects.filter(path__in=paths).order_by("path").first()
        if region is None:
            raise ValidationFailed({"scope": [_("There is no region to import into.")]})
        return region
    try:
        region = Region.objects.get(pk=int(scope_id))
    except (Region.DoesNotExist, ValueError, TypeError):
        raise ValidationFailed({"scope": [_("Choose a region you administer.")]}) from None
    if not scopes.administers_region(actor, region):
        raise ValidationFailed({"scope": [_("Choose a region you administer.")]})
    return region


def _resolve_default_community(scope: Region, value) -> Region | None:
    if value in (None, ""):
        return None
    text = str(value).strip()
    query = Region.objects.filter(level=Region.Level.COMMUNITY)
    community = query.filter(code=text).first() or query.filter(name=text).first()
    if community is None and text.isdigit():
        community = query.filter(pk=int(text)).first()
    if community is None:
        raise ValidationFailed(
            {"community_default": [_("No community has this code: %(code)s.") % {"code": text}]}
        )
    if not community.path.startswith(scope.path):
        raise ValidationFailed(
            {"community_default": [_("The default community lies outside the region.")]}
        )
    return community


def create_job(
    *,
    actor,
    name: str,
    data: bytes,
    scope_id=None,
    community_default=None,
    consent_confirmed: bool,
) -> ImportJob:
    """Store an uploaded roster (encrypted) and guess its header row and columns."""
    _check_importer(actor)
    retention.purge_imports()
    errors: dict[str, list[str]] = {}
    if not consent_confirmed:
        errors["consent_confirmed"] = [
            _("Confirm that everyone in the file has agreed to the privacy notice.")
        ]
    if len(data) > MAX_FILE_BYTES:
        errors["file"] = [_("The file is larger than 20 MB: split it into several files.")]
    if not data:
        errors["file"] = [_("The file is empty.")]
    if errors:
        raise ValidationFailed(errors)
    fmt = reading.file_format(name)
    scope = _resolve_scope(actor, scope_id)
    default_community = _resolve_default_community(scope, community_default)
    reading.check_limits(data, fmt)
    book = reading.open_book(data, fmt)
    sheets = list(book.sheet_names) if book is not None else []
    # The first sheet with a header row (a cover sheet or notes often come first): its first
    # rows become text to find the header; then all of its rows, kept for the later steps.
    with gc_paused():
        for sheet in sheets or [""]:
            grid = list(reading.raw_rows(data, fmt, sheet, book))
            head = reading.text_rows(grid[: columns.HEADER_SCAN_ROWS])
            header_index = columns.find_header_row(head)
            if header_index is not None:
                break
        rows = reading.text_rows(grid) if header_index is not None else []
        del grid
    if header_index is None:
        raise ValidationFailed(
            {
                "file": [
                    _(
                        "No header row found: the file needs a row of column titles such as "
                        "姓名, 身份证号 and 手机号."
                    )
                ]
            }
        )
    # The data rows counted as the later steps read them (`stored.data_rows`), in their text:
    # a blank row is empty once its trailing blanks are cut. (Counted in the reader's cells,
    # a row of spaces was a row and a row holding only the number 0 was not.)
    total = sum(1 for r in rows[header_index + 1 :] if r)
    job = ImportJob(
        created_by=actor,
        scope=scope,
        default_community=default_community,
        original_name=name[-200:],
        file_format=fmt,
        sheets=sheets,
        sheet=sheet if len(sheets) > 1 else "",
        header_row=header_index + 1,
        columns=head[header_index],
        mapping=columns.guess_mapping(head[header_index]),
        total=total,
    )
    if not job.total:
        raise ValidationFailed({"file": [_("The file has a header but no rows under it.")]})
    job.source.save(f"{timezone.now():%Y%m%d%H%M%S}.bin", ContentFile(seal(data)), save=False)
    keep_rows(job, sheet, rows)
    job.save()
    return job


def _check_owner(actor, job: ImportJob) -> None:
    if not scopes.administers_region(actor, job.scope):
        raise PermissionDenied(_("Only an office admin of the import's region may do this."))


def set_mapping(
    *,
    actor,
    job: ImportJob,
    mapping: dict,
    header_row: int | None = None,
    existing: str | None = None,
) -> ImportJob:
    """Correct the header row and which column fills which field, before the import starts.

    `mapping` maps a field name to a column index (0-based) or None for "not in the file".
    Changing the header row re-reads the titles and guesses the columns again.
    """
    _check_owner(actor, job)
    if job.status != ImportJob.Status.UPLOADED:
        raise JobBusy(_("The import has already started; its columns can no longer change."))
    if header_row is not None and header_row != job.header_row:
        rows = sheet_rows(job)
        if not 1 <= header_row <= min(len(rows), columns.HEADER_SCAN_ROWS):
            raise ValidationFailed(
                {
                    "header_row": [
                        _("The header must be one of the first %(n)d rows.")
                        % {"n": min(len(rows), columns.HEADER_SCAN_ROWS)}
                    ]
                }
            )
        job.header_row = header_row
        job.columns = rows[header_row - 1]
        job.mapping = columns.guess_mapping(job.columns)
        job.total = len(job_rows(job))
        job.save(update_fields=["header_row", "columns", "mapping", "total"])
        return job
    clean: dict[str, int] = {}
    errors: dict[str, list[str]] = {}
    used: dict[int, str] = {}
    for field_name, value in (mapping or {}).items():
        if field_name not in columns.FIELDS:
            errors[field_name] = [_("Unknown field.")]
            continue
        if value in (None, ""):
            continue
        try:
            index = int(value)
        except (TypeError, ValueError):
            index = -1
        if not 0 <= index < len(job.columns):
            errors[field_name] = [_("Choose one of the file's columns.")]
            continue
        if index in used:
            errors[field_name] = [
                _("This column is already used for %(field)s.")
                % {"field": columns.FIELDS[used[index]]}
            ]
            continue
        used[index] = field_name
        clean[field_name] = index
    if errors:
        raise ValidationFailed(errors)
    if existing is not None:
        if existing not in ImportJob.Existing.values:
            raise ValidationFailed({"existing": [_("Choose what happens to registered people.")]})
        job.existing = existing
    job.mapping = clean
    job.save(update_fields=["mapping", "existing"])
    return job


def choose_sheet(*, actor, job: ImportJob, sheet: str, all_sheets: bool = False) -> ImportJob:
    """Import another sheet of the workbook (its header found and its columns guessed again),
    and with `all_sheets` every other sheet whose header row is the same as well."""
    _check_owner(actor, job)
    if job.status != ImportJob.Status.UPLOADED:
        raise JobBusy(_("The import has already started; its columns can no longer change."))
    if sheet not in job.sheets:
        raise ValidationFailed({"sheet": [_("The file has no sheet of this name.")]})
    data = source_bytes(job)
    if sheet != job.sheet:
        rows = sheet_rows(job, sheet, data)
        header_index = columns.find_header_row(rows)
        if header_index is None:
            raise ValidationFailed(
                {"sheet": [_("No header row found in this sheet: choose another one.")]}
            )
        job.sheet = sheet
        job.header_row = header_index + 1
        job.columns = rows[header_index]
        job.mapping = columns.guess_mapping(job.columns)
        if any(row for row in rows[header_index + 1 :]):
            keep_rows(job, sheet, rows)
    job.all_sheets = bool(all_sheets)
    job.total = len(job_rows(job, data))
    if not job.total:
        raise ValidationFailed({"sheet": [_("This sheet has a header but no rows under it.")]})
    job.save(
        update_fields=[
            "sheet",
            "all_sheets",
            "header_row",
            "columns",
            "mapping",
            "total",
            "parsed",
        ]
    )
    return job


def _check_mapping(job: ImportJob) -> None:
    missing = columns.missing_required(job.mapping)
    if "community" not in job.mapping and job.default_community_id is None:
        missing.append("community")
    if missing:
        raise ValidationFailed(
            {
                name: [
                    _("Choose the column that holds %(field)s.") % {"field": columns.FIELDS[name]}
                ]
                for name in missing
            }
        )


def start_job(*, actor, job: ImportJob) -> ImportJob:
    """Queue the import as a background task (after commit)."""
    _check_owner(actor, job)
    _check_mapping(job)
    with transaction.atomic():
        updated = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.UPLOADED).update(
            status=ImportJob.Status.QUEUED
        )
        if not updated:
            raise JobBusy(_("This import has already been started."))
        transaction.on_commit(lambda: _enqueue(job.pk))
    job.status = ImportJob.Status.QUEUED
    return job


def is_stalled(job: ImportJob) -> bool:
    """A job that failed, or runs without progress for a while (its process was killed), and
    still has its file: the one that can be resumed."""
    if job.files_deleted_at is not None:
        return False
    if job.status == ImportJob.Status.FAILED:
        return True
    if job.status != ImportJob.Status.RUNNING:
        return False
    last = job.heartbeat_at or job.started_at
    return last is None or timezone.now() - last > STALE_AFTER


def resume_job(*, actor, job: ImportJob) -> ImportJob:
    """Run a failed or killed import again: it continues after its last committed batch."""
    _check_owner(actor, job)
    if job.files_deleted_at is not None:
        raise JobBusy(
            _("This import's file was deleted %(days)d days after it ended: upload it again.")
            % {"days": settings.IMPORT_KEEP_DAYS}
        )
    if not is_stalled(job):
        raise JobBusy(_("Only a failed or stalled import can be resumed."))
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.QUEUED, failure="", heartbeat_at=timezone.now()
    )
    transaction.on_commit(lambda: _enqueue(job.pk))
    job.refresh_from_db()
    return job


def _enqueue(job_id: int) -> None:
    from zhiyuan.spreadsheets.tasks import run_import

    run_import.enqueue(job_id)


# ---------------------------------------------------------------- running


@dataclass
class BatchOutcome:
    imported: int
    duplicates: int
    errors: int
    warnings: int = 0


def _issue(row: int, kind: str, column: str, value: str, reason: str) -> tuple:
    """An ImportIssue's values, as `inserts.insert_issues` writes them."""
    return (row, str(kind), column[:100], value[:200], reason[:300])


UNEXPECTED_ROW_ERROR = gettext_lazy(
    "This row could not be imported because of an unexpected error; the office's technical "
    "staff can find it in the log. Check the row or import it again."
)


def _checkpoint(job: ImportJob, start: int, count: int, outcome: BatchOutcome) -> None:
    """Move the job's counters past the batch; refuses if another runner moved them first."""
    moved = ImportJob.objects.filter(pk=job.pk, processed=start).update(
        processed=start + count,
        imported=F("imported") + outcome.imported,
        duplicates=F("duplicates") + outcome.duplicates,
        errors=F("errors") + outcome.errors,
        warnings=F("warnings") + outcome.warnings,
        heartbeat_at=timezone.now(),
    )
    if not moved:
        raise JobBusy(_("Another process is running this import."))


def _insert_batch(job: ImportJob, start: int, count: int, prepared: PreparedBatch) -> None:
    """One transaction: the job's checkpoint first (it guards against a second runner), then
    the volunteer numbers, the volunteers, their skills and the batch's bad rows."""
    with transaction.atomic():
        _checkpoint(job, start, count, prepared.outcome)
        if prepared.volunteers:
            insert_volunteers(numbered(prepared.volunteers, prepared.shared), prepared.skills)
        if prepared.fills:
            fill_blanks(prepared.fills)
        if prepared.issues:
            insert_issues(job.pk, prepared.issues)


def _insert_rows_one_by_one(job: ImportJob, start: int, count: int, prepared: PreparedBatch):
    """The batch again after it failed unexpectedly as a whole: each volunteer in its own
    savepoint, so the one row that fails becomes an error in the report and the rest go in."""
    outcome = prepared.outcome
    issues = list(prepared.issues)
    with transaction.atomic():
        for row_no, row, skill_ids in zip(
            prepared.row_numbers, prepared.volunteers, prepared.skills, strict=True
        ):
            try:
                with transaction.atomic():
                    insert_volunteers(numbered([row], prepared.shared), [skill_ids])
            except DatabaseError:
                logger.exception("import job %s: row %s could not be written", job.pk, row_no)
                outcome.imported -= 1
                outcome.errors += 1
                issues.append(
                    _issue(row_no, ImportIssue.Kind.ERROR, "", "", str(UNEXPECTED_ROW_ERROR))
                )
        _checkpoint(job, start, count, outcome)
        if issues:
            insert_issues(job.pk, issues)


@dataclass
class PreparedBatch:
    """A checked batch: new volunteers (values, skills, row numbers), bad rows, counters."""

    volunteers: list[tuple]
    skills: list[list[int]]
    row_numbers: list[int]
    issues: list[tuple]  # `_issue`
    outcome: BatchOutcome
    seen: dict[str, int]
    shared: tuple  # the values every new volunteer of the import has (`inserts.job_values`)
    # Rows of people already registered whose blank fields the import fills in.
    fills: list[tuple[str, CleanRow]] = field(default_factory=list)


@dataclass
class CheckedBatch:
    """A batch's rows checked (`_check_batch`), before the duplicate check against the
    database: what a worker process sends back, so plain values only.

    `candidates`: (row, ID-number blind index, the row's values in the order of
    `inserts.ROW_COLUMNS`, skill ids, warnings as (column, value, reason), the CleanRow
    when the import fills in registered people's blanks, else None).
    `issues`: the bad rows' problems, (row, kind, column, value, reason)."""

    candidates: list[tuple]
    issues: list[tuple[int, str, str, str, str]]
    errors: int


def _check_batch(job: ImportJob, validator: RowValidator, cipher, batch) -> CheckedBatch:
    """Validate a batch with the registration's rules and prepare each good row's values
    (hashes, ciphertexts, masks): CPU only, no query, so it may run in a worker process.

    A row whose check fails unexpectedly (a bug, a reference table that raises) is an error
    in the report with a generic reason, logged with its traceback; the import goes on.
    """
    checked = CheckedBatch([], [], 0)
    issues, candidates = checked.issues, checked.candidates
    validate = validator.validate
    adapt_date = connection.ops.adapt_datefield_value
    keep_clean = job.existing == ImportJob.Existing.FILL_BLANKS
    error = ImportIssue.Kind.ERROR.value

    def unexpected(row_no: int, stage: str) -> None:
        logger.exception("import job %s: row %s could not be %s", job.pk, row_no, stage)
        checked.errors += 1
        issues.append((row_no, error, "", "", str(UNEXPECTED_ROW_ERROR)))

    good: list[tuple[int, RowResult]] = []
    for row_no, cells in batch:
        try:
            result = validate(cells)
        except Exception:
            unexpected(row_no, "checked")
            continue
        if result.clean is None:
            checked.errors += 1
            issues.extend(
                (row_no, error, p.column, p.value, p.reason)
                for p in result.problems
                if not p.warning
            )
            continue
        good.append((row_no, result))
    # Encrypted and hashed a batch at a time; if that fails, a row at a time below, so that
    # the row at fault alone fails.
    try:
        sealed: list | None = seal_rows([result.clean for _row, result in good], cipher)
    except Exception:
        sealed = None
    for position, (row_no, result) in enumerate(good):
        clean = result.clean
        assert clean is not None
        try:
            row_sealed = sealed[position] if sealed is not None else seal_rows([clean], cipher)[0]
            values = volunteer_values(clean, row_sealed, adapt_date)
        except Exception:
            unexpected(row_no, "prepared")
            continue
        candidates.append(
            (
                row_no,
                row_sealed[1],
                values,
                clean.skill_ids,
                [(p.column, p.value, p.reason) for p in result.problems],
                clean if keep_clean else None,
            )
        )
    return checked


def _prepare_batch(job, checked: CheckedBatch, seen, id_title: str, shared: tuple) -> PreparedBatch:
    """Sort a checked batch's good rows into new volunteers and duplicates (of a registered
    person, looked up now, or of an earlier row of the file, in `seen`); `shared`: the
    values every new volunteer of the import has (`inserts.job_values`)."""
    prepared = PreparedBatch([], [], [], [], BatchOutcome(0, 0, checked.errors), {}, shared)
    issues, outcome = prepared.issues, prepared.outcome
    issues.extend(_issue(*issue) for issue in checked.issues)
    candidates = checked.candidates
    existing = registered_indexes([c[1] for c in candidates])
    batch_seen = prepared.seen
    fill_blanks = job.existing == ImportJob.Existing.FILL_BLANKS
    for row_no, index, values, skill_ids, warnings, clean in candidates:
        earlier = seen.get(index) or batch_seen.get(index)
        if index in existing and fill_blanks:
            prepared.fills.append((index, clean))
            reason = _("Already registered: blank fields filled in from this row.")
        elif index in existing:
            reason = _("Already registered: skipped.")
        elif earlier is not None:
            reason = _("The same ID number as row %(row)s: skipped.") % {
                "row": job.row_label(earlier)
            }
        else:
            batch_seen[index] = row_no
            prepared.volunteers.append(values)
            prepared.skills.append(skill_ids)
            prepared.row_numbers.append(row_no)
            outcome.imported += 1
            if warnings:
                outcome.warnings += 1
                issues.extend(
                    _issue(row_no, ImportIssue.Kind.WARNING, *warning) for warning in warnings
                )
            continue
        outcome.duplicates += 1
        issues.append(
            _issue(
                row_no,
                ImportIssue.Kind.DUPLICATE,
                id_title,
                values[MASKED_ID_NUMBER],
                str(reason),
            )
        )
    return prepared


def run_job(
    job_id: int,
    *,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[ImportJob], None] | None = None,
) -> ImportJob:
    """Import every row of a queued (or failed / killed) job; idempotent batch by batch."""
    with gc_paused():
        return _run_job(job_id, batch_size=batch_size, progress=progress)


def _run_job(
    job_id: int, *, batch_size: int, progress: Callable[[ImportJob], None] | None
) -> ImportJob:
    job = ImportJob.objects.select_related("created_by", "scope", "default_community").get(
        pk=job_id
    )
    if job.status == ImportJob.Status.DONE:
        return job
    if not scopes.administers_region(job.created_by, job.scope):
        return _fail(job, _("The importer no longer administers the import's region."))
    now = timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING, started_at=job.started_at or now, heartbeat_at=now
    )
    cache = _sqlite_cache(-SQLITE_CACHE_KIB)
    try:
        rows = job_rows(job)
        validator = RowValidator(
            scope=job.scope,
            mapping={k: int(v) for k, v in job.mapping.items()},
            titles=job.columns,
            default_community=job.default_community,
        )
        cipher = crypto.field_cipher()
        shared = job_values(job.created_by_id, now)
        id_title = validator.title("id_number")
        seen: dict[str, int] = {}
        start = job.processed
        batches = [rows[i : i + batch_size] for i in range(start, len(rows), batch_size)]
        # Each batch is checked in a worker process while this one writes the batch before.
        checking = pipeline.ahead(
            lambda batch: _check_batch(job, validator, cipher, batch),
            batches,
            forked=FORKED,
        )
        with contextlib.closing(checking):
            for batch, checked in zip(batches, checking, strict=True):
                prepared = _write_batch(job, start, batch, checked, seen, id_title, shared)
                seen.update(prepared.seen)
                start += len(batch)
                if progress is not None:
                    job.refresh_from_db()
                    progress(job)
        report = write_error_report(job)
        job.refresh_from_db()
        if report is not None:
            job.error_report.save(f"job-{job.pk}-errors.xlsx", ContentFile(report), save=False)
        job.status = ImportJob.Status.DONE
        job.finished_at = timezone.now()
        job.save(update_fields=["error_report", "status", "finished_at"])
    except JobBusy:
        raise
    except Exception as exc:
        logger.exception("import job %s failed", job.pk)
        _fail(job, str(exc))
        raise
    finally:
        with contextlib.suppress(DatabaseError):  # best effort: the error above matters more
            _sqlite_cache(cache)
    return job


def _write_batch(job, start, batch, checked, seen, id_title, shared) -> PreparedBatch:
    """Sort a checked batch against the database and the file's earlier rows, and write it."""
    for attempt in range(3):
        prepared = _prepare_batch(job, checked, seen, id_title, shared)
        try:
            _insert_batch(job, start, len(batch), prepared)
            break
        except JobBusy:
            raise
        except IntegrityError:
            # Someone registered one of these people meanwhile: look again.
            if attempt < 2:
                continue
            _insert_rows_one_by_one(job, start, len(batch), prepared)
            break
        except DatabaseError:
            # A row the database refuses (too long, out of range …) must not cost
            # the other rows: write them one by one and report that row.
            logger.exception("import job %s: batch at row %s failed", job.pk, start)
            _insert_rows_one_by_one(job, start, len(batch), prepared)
            break
    return prepared


@contextlib.contextmanager
def gc_paused():
    """No cyclic garbage collection while a roster's rows are read and checked, or an export
    written: hundreds of thousands of small objects without cycles, which the collector
    walked again and again (an eighth of an import's or an export's time)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _sqlite_cache(setting: int | None) -> int | None:
    """Set this connection's `PRAGMA cache_size` (negative: KiB; positive: pages) on SQLite;
    returns the previous setting, to restore it afterwards."""
    if setting is None or connection.vendor != "sqlite":
        return None
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (previous,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = {int(setting)}")
    return previous


def _fail(job: ImportJob, reason: str) -> ImportJob:
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.FAILED, failure=reason[:500], finished_at=timezone.now()
    )
    job.refresh_from_db()
    return job


def write_error_report(job: ImportJob) -> bytes | None:
    """The bad and duplicate rows as an .xlsx (row, column, masked value, reason), or None."""
    issues = ImportIssue.objects.filter(job=job).order_by("row", "id")
    if not issues.exists():
        return None
    book = XlsxBook()
    header = [_("Row"), _("Column"), _("Value (masked)"), _("Reason"), _("Kind")]
    sheet = book.sheet(
        _("Rows not imported"),
        [*header, _("Sheet")] if job.all_sheets else header,
        title=export_title(_("Import of %(file)s") % {"file": job.original_name}),
    )
    # Each kind's label translated once, not once a row.
    kinds = {kind: str(label) for kind, label in ImportIssue.Kind.choices}
    for row, column, value, reason, kind in issues.values_list(
        "row", "column", "value", "reason", "kind"
    ).iterator(chunk_size=2000):
        sheet_name, in_sheet = job.sheet_and_row(row)
        cells = [in_sheet, column, value, reason, kinds.get(kind, kind)]
        sheet.append([*cells, sheet_name] if job.all_sheets else cells)
    return book.save()
