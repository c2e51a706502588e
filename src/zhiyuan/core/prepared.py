"""Querysets and INSERTs compiled once per process: the hot statements of a signed-in write.

Django builds and compiles every queryset again on each request: the filters are resolved,
every selected column (six tables' worth for a shift with its activity, project, team,
region and station) is quoted and given its converters, and only then does the database see
the statement. On a sign-up or a check-in scan that was about half the request's CPU, for
statements whose text never changes; only their parameters do.

`Prepared(build)` wraps a function that returns the queryset for its arguments. The first
call on a connection builds it once with stand-in values (probes), compiles it, and notes
where each argument lands among the statement's parameters; it then checks that the real
arguments' own queryset compiles to the same statement and parameters, and if not (an
argument the ORM rewrites, a shape that depends on the values) that `Prepared` simply runs
`build(*args)` every time. Later calls run the noted statement with the new parameters and
read the rows through the queryset's own iterable (model instances with their
select_related objects, values, values_list), so what a caller gets is what the queryset
would give. The query stays written once, as a queryset, where its rule lives.

`Prepared(build, remember=True)` also keeps what a call read outside a transaction, in
this process's memory, until a table the statement reads is written (core.pagecache's
stamps, as `remembered`): for rows that almost never change and are read on every write
(a shift with its project and station, a station by its poster's token). Each call gets
its own copies of the kept objects, with copies of their select_related objects and of
their dict and list values (building a shift's six objects from kept rows again, through
the related populators and the converters, was a tenth of a sign-up's CPU).

`insert_compiled(rows)` is the same for the hot INSERTs (a sign-up, a check-in, the outbox's
messages): the statement's text is built once per model and row count, and `unique=` skips
rows whose value is taken (ON CONFLICT DO NOTHING) instead of a savepoint and a retry.
On PostgreSQL both are bound by the server and prepared after a few runs (core/postgresql).

Arguments may be int, str or datetime (whatever `build` passes to the ORM's filters); each
call's argument types must match the first call's, else the queryset is built as usual.
The queryset is only iterated: slice it in `build` (`[:1]`, `[:21]`) for first() or get().
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from contextlib import nullcontext
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models import QuerySet
from django.db.models.base import ModelState
from django.db.transaction import TransactionManagementError

from zhiyuan.core.pagecache import remembered

logger = logging.getLogger("zhiyuan.prepared")

_UNSET = object()


def _probe(n: int, value: object) -> object:
    """A stand-in of `value`'s type that no real argument or constant will equal."""
    kind = type(value)
    if kind is int:
        return 7_300_000_000_000_019 + 7919 * n
    if kind is str:
        return f"\x1fprepared-probe-{n}\x1f"
    if kind is dt.datetime:
        return dt.datetime(1901, 2, 3, 4, 5, n % 60, 123_457 + n, tzinfo=value.tzinfo)  # type: ignore[attr-defined]
    return _UNSET


def _shallow(thing):
    """A shallow copy (copy.copy goes through __reduce_ex__, and a QuerySet's pickling
    state would evaluate it)."""
    copied = object.__new__(type(thing))
    copied.__dict__ = thing.__dict__.copy()
    return copied


def _server_bound(connection):
    """On PostgreSQL, parameters bound and statements prepared by the server (see
    core/postgresql); elsewhere nothing changes."""
    bound = getattr(connection, "server_bound", None)
    return bound() if bound is not None else nullcontext()


def _read(queryset: QuerySet, connection) -> list:
    with _server_bound(connection):
        return list(queryset)


# Values shared between copies: immutable, so a caller cannot change another's.
_SHARED = frozenset(
    {str, int, float, bool, type(None), bytes, Decimal, UUID, dt.datetime, dt.date, dt.time}
)


def _copied(value, memo: dict):
    """A copy of a kept row for one caller: a model instance (and the select_related objects
    it holds, each once), a dict or a list copied; other values (str, numbers, dates,
    tuples of them) are immutable and shared."""
    kind = type(value)
    if kind in _SHARED:
        return value
    if kind is dict:
        return {key: _copied(item, memo) for key, item in value.items()}
    if kind is list:
        return [_copied(item, memo) for item in value]
    if kind is tuple:
        return tuple(_copied(item, memo) for item in value)
    if not isinstance(value, models.Model):
        return value
    copy = memo.get(id(value))
    if copy is None:
        copy = memo[id(value)] = object.__new__(kind)
        # Most of an instance's values are shared as they are: only the others are copied.
        fields = value.__dict__.copy()
        for name, item in fields.items():
            if type(item) not in _SHARED:
                fields[name] = _copied(item, memo)
        state = fields["_state"] = ModelState()
        state.db, state.adding = value._state.db, value._state.adding
        related = value._state.__dict__.get("fields_cache")
        if related:
            state.fields_cache = {name: _copied(item, memo) for name, item in related.items()}
        copy.__dict__ = fields
    return copy


class _Compiled:
    __slots__ = (
        "compiler",
        "composite",
        "converters",
        "locks",
        "queryset",
        "slots",
        "sql",
        "types",
    )

    def __init__(self, queryset, compiler, sql, slots, types, converters, composite):
        self.queryset = queryset
        # Django refuses FOR UPDATE outside a transaction while compiling: so does a call.
        self.locks = bool(queryset.query.select_for_update)
        self.compiler = compiler
        self.sql = sql
        self.slots = slots
        self.types = types
        self.converters = converters
        self.composite = composite


class Prepared:
    """`build(*args)`'s rows, with its SQL compiled once per connection (see the module)."""

    def __init__(
        self, build: Callable[..., QuerySet], *, using: str = DEFAULT_DB_ALIAS, remember=False
    ):
        self.build = build
        self.using = using
        self.remember = remember

    def rows(self, *args) -> list:
        connection = connections[self.using]
        queryset = self._compiled_queryset(connection, args)
        if queryset is None:
            return list(self.build(*args))
        if self.remember and not connection.in_atomic_block:
            kept = remembered(f"prepared:{id(self)}:{args!r}", lambda: _read(queryset, connection))
            return [_copied(row, {}) for row in kept]
        return _read(queryset, connection)

    def _compiled_queryset(self, connection, args) -> QuerySet | None:
        """The compiled statement's queryset for these arguments, or None when it must be
        built as usual (not compiled, other argument types)."""
        cache: dict = connection.__dict__.setdefault("_zhiyuan_prepared", {})
        compiled = cache.get(self, _UNSET)
        if compiled is _UNSET:
            compiled = cache[self] = self._compile(connection, args)
        if compiled is None or compiled.types != tuple(type(arg) for arg in args):
            return None
        if compiled.locks and connection.get_autocommit():
            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )
        return self._queryset(compiled, self._params(compiled, connection, args))

    def first(self, *args) -> Any:
        """The first row, or None (`build` slices its queryset to [:1])."""
        found = self.rows(*args)
        return found[0] if found else None

    # ---------------------------------------------------------------- internals

    @staticmethod
    def _params(compiled: _Compiled, connection, args) -> tuple:
        adapt = connection.ops.adapt_datetimefield_value
        params = []
        for kind, value in compiled.slots:
            if kind == "arg":
                params.append(args[value])
            elif kind == "datetime":
                params.append(adapt(args[value]))
            else:
                params.append(value)
        return tuple(params)

    @staticmethod
    def _queryset(compiled: _Compiled, params: tuple) -> QuerySet:
        """A copy of the compiled queryset whose compiler answers with the noted statement."""
        compiler = _shallow(compiled.compiler)
        sql = compiled.sql
        converters, composite = compiled.converters, compiled.composite
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        compiler.get_converters = lambda expressions: converters
        compiler.has_composite_fields = lambda expressions: composite
        query = _shallow(compiled.queryset.query)
        query.get_compiler = lambda *args, **kwargs: compiler
        queryset = _shallow(compiled.queryset)
        queryset._query = query
        queryset._result_cache = None
        return queryset

    def _compile(self, connection, args) -> _Compiled | None:
        probes = [_probe(n, arg) for n, arg in enumerate(args)]
        if any(probe is _UNSET for probe in probes):
            return None
        template = self.build(*probes)
        if template.db != self.using or template.query.combinator:
            return None
        compiler = template.query.get_compiler(using=self.using)
        sql, params = compiler.as_sql()
        adapt = connection.ops.adapt_datetimefield_value
        slots: list[tuple[str, object]] = []
        for param in params:
            slot: tuple[str, object] = ("const", param)
            for n, probe in enumerate(probes):
                if type(param) is type(probe) and param == probe:
                    slot = ("arg", n)
                    break
                if isinstance(probe, dt.datetime) and param == adapt(probe):
                    slot = ("datetime", n)
                    break
            slots.append(slot)
        fields = [column[0] for column in compiler.select[0 : compiler.col_count]]
        compiled = _Compiled(
            template,
            compiler,
            sql,
            tuple(slots),
            tuple(type(arg) for arg in args),
            compiler.get_converters(fields),
            compiler.has_composite_fields(fields),
        )
        # The real arguments must compile to the same statement with the same parameters.
        real = self.build(*args)
        real_sql, real_params = real.query.get_compiler(using=self.using).as_sql()
        if real_sql != sql or tuple(real_params) != self._params(compiled, connection, args):
            logger.warning("prepared: %s compiles differently for other values", self.build)
            return None
        return compiled


def rows_together(*calls: tuple[Prepared, tuple]) -> list[list]:
    """Each `(prepared, args)` call's rows, as `prepared.rows(*args)` gives them, the statements
    sent to the server together: on PostgreSQL in one pipeline, answered by one round trip
    (with the transaction's BEGIN if they are its first). The server still runs them one
    after another, each with its own snapshot, so each sees what the ones before it did and
    waits for the locks they wait for: a scan's statements go with its volunteer's lock.
    A call that is not compiled, or whose rows are kept in memory, and every call on
    another database, runs on its own, in order.
    """
    connection = connections[calls[0][0].using]
    querysets = [
        None
        if prepared.using != connection.alias
        or (prepared.remember and not connection.in_atomic_block)
        else prepared._compiled_queryset(connection, args)
        for prepared, args in calls
    ]
    if not getattr(connection, "pipelines", False) or any(q is None for q in querysets):
        return [prepared.rows(*args) for prepared, args in calls]
    # Each compiled queryset answers with its noted statement (Prepared._queryset).
    compilers = [q.query.get_compiler(using=connection.alias) for q in querysets]
    with _server_bound(connection):
        cursors = [connection.cursor() for _ in compilers]
        try:
            with connection.one_round_trip():
                for cursor, compiler in zip(cursors, compilers, strict=True):
                    cursor.execute(*compiler.as_sql())
            fetched = [
                [row[: compiler.col_count] for row in cursor.fetchall()]
                for cursor, compiler in zip(cursors, compilers, strict=True)
            ]
        finally:
            for cursor in cursors:
                cursor.close()
    results = []
    for queryset, compiler, rows in zip(querysets, compilers, fetched, strict=True):
        compiler.execute_sql = lambda *args, rows=rows, **kwargs: iter([rows] if rows else [])
        results.append(list(queryset))
    return results


# ---------------------------------------------------------------- inserts


class Computed:
    """A value the database computes as `insert_compiled` writes the row, read back into the
    row: `sql` (a scalar subquery, say) with its own `params`, in place of the value. A sign-up
    counts the shift's confirmed places in the INSERT that takes one, instead of in a
    statement before it."""

    __slots__ = ("params", "sql")

    def __init__(self, sql: str, params: tuple = ()):
        self.sql = sql
        self.params = params


def insert_compiled(
    rows: list, *, unique: str | None = None, using: str = DEFAULT_DB_ALIAS
) -> list:
    """Write `rows` (unsaved instances of one model) in one statement whose text is built
    once per model, column set and row count; return the rows written, primary keys set.

    What `Model.objects.create` and `bulk_create` do, without compiling the INSERT again on
    every call (on a sign-up the ORM's INSERTs were a fifth of the request's CPU): values go
    through each field's `pre_save` (auto_now_add) and `get_db_prep_save`, except a plain
    str, int, bool or None for a text, number, boolean or foreign-key column, which is
    already what the database takes. No signal is sent: for models with no receivers.

    With `unique` (a field with a unique constraint of its own), a row whose value there is
    taken is skipped: `INSERT … ON CONFLICT (unique) DO NOTHING RETURNING` (PostgreSQL, and
    SQLite since 3.35), so a repeat is no error and the caller's transaction needs no
    savepoint; the rows skipped are not returned. Without it a taken value raises
    IntegrityError, as `create` would.

    A single row (without `unique`) may hold `Computed` values in text or number columns:
    their SQL takes the value's place and the row gets what the database wrote.
    """
    if not rows:
        return []
    model = type(rows[0])
    connection = connections[using]
    plan = _plan(model)
    key_field = model._meta.get_field(unique) if unique else None
    params: list = []
    computed: list[tuple[str, str, str]] = []  # (attname, column, SQL) of each Computed value
    for row in rows:
        for field, attname, plain, stamped in plan:
            value = field.pre_save(row, True) if stamped else getattr(row, attname)
            if type(value) is Computed:
                computed.append((attname, field.column, value.sql))
                params.extend(value.params)
                continue
            if not (plain and type(value) in _PLAIN_VALUES):
                value = field.get_db_prep_save(value, connection)
            params.append(value)
    if computed and (len(rows) > 1 or key_field is not None):
        raise ValueError("Computed values are for one row written without `unique`")
    sql = _insert_sql(connection, model, plan, key_field, len(rows), tuple(computed))
    with _server_bound(connection), connection.cursor() as cursor:
        cursor.execute(sql, params)
        returned = cursor.fetchall()
    if key_field is None:
        kept = rows
        for row, (pk, *values) in zip(rows, returned, strict=True):
            row.pk = pk
            for (attname, _column, _sql), value in zip(computed, values, strict=True):
                setattr(row, attname, value)
    else:
        written = {key: pk for pk, key in returned}
        kept = []
        for row in rows:
            pk = written.get(getattr(row, key_field.attname))
            if pk is not None:
                row.pk = pk
                kept.append(row)
    for row in kept:
        row._state.adding = False
        row._state.db = using
    return kept


_PLAIN_VALUES = frozenset({str, int, bool, type(None)})
# Exactly these classes (a subclass may encrypt or convert in get_prep_value).
_PLAIN_FIELDS = frozenset(
    {
        models.CharField,
        models.TextField,
        models.SmallIntegerField,
        models.IntegerField,
        models.BigIntegerField,
        models.PositiveSmallIntegerField,
        models.PositiveIntegerField,
        models.BooleanField,
        models.ForeignKey,
        models.OneToOneField,
    }
)
_PLANS: dict[type, tuple] = {}
_INSERTS: dict[tuple, str] = {}


def _plan(model) -> tuple:
    """(field, attname, plain, stamped) for each column an INSERT of `model` writes."""
    plan = _PLANS.get(model)
    if plan is None:
        plan = _PLANS[model] = tuple(
            (
                field,
                field.attname,
                type(field) in _PLAIN_FIELDS,
                isinstance(field, models.DateField),  # auto_now(_add) is set by pre_save
            )
            for field in model._meta.concrete_fields
            if not field.primary_key
        )
    return plan


def _insert_sql(connection, model, plan: tuple, key_field, count: int, computed: tuple = ()) -> str:
    key = key_field.column if key_field is not None else None
    cache_key = (connection.vendor, model, key, count, computed)
    sql = _INSERTS.get(cache_key)
    if sql is None:
        quote = connection.ops.quote_name
        placed = {attname: sql for attname, _column, sql in computed}
        row = (
            "(" + ", ".join(f"({placed[a]})" if a in placed else "%s" for _f, a, *_r in plan) + ")"
        )
        table = quote(model._meta.db_table)
        names = ", ".join(quote(field.column) for field, *_rest in plan)
        values, pk = ", ".join([row] * count), quote(model._meta.pk.column)
        sql = f"INSERT INTO {table} ({names}) VALUES {values}"  # noqa: S608 (quoted names)
        if key is None:
            back = "".join(f", {quote(column)}" for _attname, column, _sql in computed)
            sql += f" RETURNING {pk}{back}"
        else:
            sql += f" ON CONFLICT ({quote(key)}) DO NOTHING RETURNING {pk}, {quote(key)}"
        _INSERTS[cache_key] = sql
    return sql
