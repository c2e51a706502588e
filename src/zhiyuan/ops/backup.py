"""Whole-database backups: a gzip of JSON lines that SQLite and PostgreSQL both restore.

The first line is a header (format version, the migrations applied, row counts per model);
every other line is one row in Django's serialisation (`{"model", "pk", "fields"}`), models
in dependency order. Many-to-many links are written as rows of their own through tables,
so a row never needs a query per object and nothing is held in memory but one chunk.
Encrypted columns are copied as they are stored: the file holds ciphertext, never clear ID
numbers or phones, and is only readable with the same `ZHIYUAN_FIELD_KEY`.

A restore loads into an empty, migrated database in one transaction (all or nothing),
writing rows raw (no `save()`, no signals, `auto_now` values kept), resets PostgreSQL's
sequences, and checks the row counts against the header before committing.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.jsonl import Serializer as JsonlSerializer
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiyuan.core.errors import Conflict, ValidationFailed

FORMAT = "zhiyuan-backup"
VERSION = 1
CHUNK = 2000
# Transient rows a restore does not bring back: sessions sign people in again.
SKIPPED = {"sessions.session"}
# Any row in these means the database is in use, not freshly migrated.
IN_USE = ("accounts.user", "places.region", "volunteers.volunteer", "teams.team")


class BackupError(Conflict):
    code = "backup_invalid"


class DatabaseNotEmpty(Conflict):
    code = "database_not_empty"


@dataclass
class Report:
    header: dict
    rows: int = 0
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def backed_up_models(using: str = DEFAULT_DB_ALIAS) -> list[type[models.Model]]:
    """Every table Django manages (through tables included), parents before children.

    A model whose table does not exist (its app not migrated yet) holds no rows to keep;
    the migration state in the header tells a restore what schema to expect.
    """
    existing = set(connections[using].introspection.table_names())
    chosen = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
        and not model._meta.proxy
        and model._meta.label_lower not in SKIPPED
        and model._meta.db_table in existing
    ]
    return _dependency_order(chosen)


def _dependency_order(chosen: list[type[models.Model]]) -> list[type[models.Model]]:
    """Models a row points at come before the model (cycles: in label order at the end)."""
    pending = {
        model: {
            f.related_model
            for f in model._meta.concrete_fields
            if f.is_relation and f.related_model in chosen and f.related_model is not model
        }
        for model in sorted(chosen, key=lambda m: m._meta.label)
    }
    ordered: list[type[models.Model]] = []
    while pending:
        ready = [model for model, needs in pending.items() if not needs - set(ordered)]
        if not ready:
            ready = [next(iter(pending))]  # a cycle: break it at one model
        for model in ready:
            ordered.append(model)
            del pending[model]
    return ordered


def applied_migrations(using: str = DEFAULT_DB_ALIAS) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app_label, name in sorted(MigrationRecorder(connections[using]).applied_migrations()):
        applied.setdefault(app_label, []).append(name)
    return applied


class _ExactEncoder(DjangoJSONEncoder):
    """Django's encoder cuts datetimes to milliseconds (as JavaScript does); a backup may not."""

    def default(self, o):
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


class _RowSerializer(JsonlSerializer):
    """JSON lines without many-to-many lists: the through tables carry those links."""

    def handle_m2m_field(self, obj, field):
        return


def _rows_of(model, using: str) -> Iterator[models.Model]:
    return model._base_manager.using(using).order_by("pk").iterator(chunk_size=CHUNK)


def write_backup(target: str | Path | io.IOBase, *, using: str = DEFAULT_DB_ALIAS) -> Report:
    """Write the whole database to `target` (a path or a binary file object)."""
    started = time.monotonic()
    connection = connections[using]
    chosen = backed_up_models(using)
    outer = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if outer and connection.vendor == "postgresql":
            # One snapshot for the counts and every row, while the site keeps running.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        header = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": timezone.now().isoformat(),
            "vendor": connection.vendor,
            "migrations": applied_migrations(using),
            "models": [model._meta.label for model in chosen],
            "counts": {
                model._meta.label: model._base_manager.using(using).count() for model in chosen
            },
        }
        with gzip.open(target, "wt", encoding="utf-8", compresslevel=6) as stream:
            stream.write(json.dumps(header, ensure_ascii=False) + "\n")
            serializer = _RowSerializer()
            for model in chosen:
                if header["counts"][model._meta.label]:
                    serializer.serialize(_rows_of(model, using), stream=stream, cls=_ExactEncoder)
    rows = sum(header["counts"].values())
    return Report(header=header, rows=rows, seconds=time.monotonic() - started)


def _read_header(stream) -> dict:
    first = stream.readline()
    try:
        header = json.loads(first)
    except ValueError:
        header = None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise BackupError(_("This file is not a zhiyuan backup."), field="file")
    if header.get("version") != VERSION:
        raise BackupError(
            _("Backup format version %(found)s cannot be read (this version reads %(ours)s).")
            % {"found": header.get("version"), "ours": VERSION},
            field="file",
        )
    return header


def read_header(source: str | Path) -> dict:
    with gzip.open(source, "rt", encoding="utf-8") as stream:
        return _read_header(stream)


def _check_migrations(header: dict, using: str) -> None:
    ours = {(app, name) for app, names in applied_migrations(using).items() for name in names}
    theirs = {(app, name) for app, names in header["migrations"].items() for name in names}
    if ours != theirs:
        missing = sorted(f"{app}.{name}" for app, name in theirs - ours)
        extra = sorted(f"{app}.{name}" for app, name in ours - theirs)
        raise BackupError(
            _(
                "The database schema differs from the backup's. Not applied here: %(missing)s. "
                "Applied here but not in the backup: %(extra)s. Restore with the version of "
                "zhiyuan that made the backup, into a database migrated to the same state."
            )
            % {"missing": ", ".join(missing[:10]) or "-", "extra": ", ".join(extra[:10]) or "-"}
        )


def in_use(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """The labels of the core tables that hold rows (empty for a freshly migrated database)."""
    return [label for label in IN_USE if apps.get_model(label)._base_manager.using(using).exists()]


def wipe_database(using: str = DEFAULT_DB_ALIAS) -> None:
    """Empty every backed-up table (rows from data migrations too: the backup brings its own)."""
    connection = connections[using]
    tables = [model._meta.db_table for model in backed_up_models(using)]
    statements = connection.ops.sql_flush(
        no_style(), tables, reset_sequences=False, allow_cascade=True
    )
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql":
            # TRUNCATE refuses tables with deferred FK checks queued in this transaction.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        connection.ops.execute_sql_flush(statements)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _insert(model, batch: list[models.Model], using: str) -> None:
    fields = model._meta.local_concrete_fields
    size = max(1, min(CHUNK, connections[using].ops.bulk_batch_size(fields, batch)))
    for start in range(0, len(batch), size):
        # raw=True keeps stored values (auto_now, defaults) exactly as backed up.
        model._base_manager.using(using)._insert(
            batch[start : start + size], fields=fields, raw=True, using=using
        )


def _restore_rows(stream, known: dict[str, type[models.Model]], using: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    batch: list[models.Model] = []
    current = None
    for line_no, line in enumerate(stream, start=2):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            label = row["model"].lower()
        except (ValueError, KeyError, TypeError, AttributeError):
            raise BackupError(
                _("Line %(line)s of the backup is not a row.") % {"line": line_no}
            ) from None
        model = known.get(label)
        if model is None:
            raise BackupError(
                _("Line %(line)s holds a model this version does not have: %(model)s.")
                % {"line": line_no, "model": label}
            )
        if model is not current:
            if batch:
                _insert(current, batch, using)
                batch = []
            current = model
        try:
            (deserialized,) = serializers.deserialize("python", [row], using=using)
        except serializers.base.DeserializationError as exc:
            raise BackupError(
                _("Line %(line)s cannot be read: %(error)s") % {"line": line_no, "error": exc}
            ) from None
        batch.append(deserialized.object)
        counts[model._meta.label] = counts.get(model._meta.label, 0) + 1
        if len(batch) >= CHUNK:
            _insert(model, batch, using)
            batch = []
    if batch:
        _insert(current, batch, using)
    return counts


def restore_backup(
    source: str | Path, *, force: bool = False, using: str = DEFAULT_DB_ALIAS
) -> Report:
    """Replace the database's rows with the backup's, or change nothing and raise."""
    started = time.monotonic()
    connection = connections[using]
    with gzip.open(source, "rt", encoding="utf-8") as stream:
        header = _read_header(stream)
        _check_migrations(header, using)
        busy = in_use(using)
        if busy and not force:
            raise DatabaseNotEmpty(
                _(
                    "The database already holds data (%(tables)s). Restore into an empty, "
                    "migrated database, or pass --force to replace everything in it."
                )
                % {"tables": ", ".join(busy)}
            )
        chosen = backed_up_models(using)
        known = {model._meta.label_lower: model for model in chosen}
        with transaction.atomic(using=using):
            wipe_database(using)
            counts = _restore_rows(stream, known, using)
            expected = {label: n for label, n in header["counts"].items() if n}
            if counts != expected:
                wrong = sorted(
                    f"{label}: {counts.get(label, 0)} of {n}"
                    for label, n in expected.items()
                    if counts.get(label, 0) != n
                )
                raise BackupError(
                    _("The backup is incomplete, nothing was restored: %(models)s")
                    % {"models": "; ".join(wrong[:10]) or "unexpected rows"}
                )
            stored = {
                model._meta.label: model._base_manager.using(using).count()
                for model in chosen
                if header["counts"].get(model._meta.label)
            }
            if stored != expected:
                raise BackupError(_("Row counts after the restore differ from the backup's."))
            sequences = connection.ops.sequence_reset_sql(no_style(), chosen)
            if sequences:
                with connection.cursor() as cursor:
                    for sql in sequences:
                        cursor.execute(sql)
            connection.check_constraints()
    rows = sum(counts.values())
    return Report(header=header, rows=rows, seconds=time.monotonic() - started, counts=counts)


def validate_path(value: str) -> Path:
    path = Path(value)
    if not path.is_file():
        raise ValidationFailed({"file": [_("No such file: %(path)s") % {"path": value}]})
    return path
