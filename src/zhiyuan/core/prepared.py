"""Querysets compiled once per process: the hot statements of a signed-in write.

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

`Prepared(build, remember=True)` also keeps the rows a call read outside a transaction, in
this process's memory, until a table the statement reads is written (core.pagecache's
stamps, as `remembered`): for rows that almost never change and are read on every write
(a shift with its project and station, a station by its poster's token). The objects are
built afresh from the kept rows on each call.

Arguments may be int, str or datetime (whatever `build` passes to the ORM's filters); each
call's argument types must match the first call's, else the queryset is built as usual.
The queryset is only iterated: slice it in `build` (`[:1]`, `[:21]`) for first() or get().
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.db.models.sql.constants import MULTI
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


class _Compiled:
    __slots__ = ("compiler", "converters", "locks", "queryset", "slots", "sql", "types")

    def __init__(self, queryset, compiler, sql, slots, types, converters):
        self.queryset = queryset
        # Django refuses FOR UPDATE outside a transaction while compiling: so does a call.
        self.locks = bool(queryset.query.select_for_update)
        self.compiler = compiler
        self.sql = sql
        self.slots = slots
        self.types = types
        self.converters = converters


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
        cache: dict = connection.__dict__.setdefault("_zhiyuan_prepared", {})
        compiled = cache.get(self, _UNSET)
        if compiled is _UNSET:
            compiled = cache[self] = self._compile(connection, args)
        types = tuple(type(arg) for arg in args)
        if compiled is None or compiled.types != types:
            return list(self.build(*args))
        if compiled.locks and connection.get_autocommit():
            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )
        queryset = self._queryset(compiled, self._params(compiled, connection, args))
        if self.remember and not connection.in_atomic_block:
            self._remember(queryset.query.get_compiler(), args)
        return list(queryset)

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
        converters = compiled.converters
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        compiler.get_converters = lambda expressions: converters
        query = _shallow(compiled.queryset.query)
        query.get_compiler = lambda *args, **kwargs: compiler
        queryset = _shallow(compiled.queryset)
        queryset._query = query
        queryset._result_cache = None
        return queryset

    def _remember(self, compiler, args) -> None:
        """The compiler's rows from the process's memory while its tables keep their stamps."""
        execute_sql = compiler.execute_sql
        key = f"prepared:{id(self)}:{args!r}"

        def read():  # every chunk of rows (none is an answer too: a shift needs no skill)
            return [list(chunk) for chunk in execute_sql(MULTI)]

        def kept(result_type=MULTI, *args, **kwargs):
            assert result_type == MULTI, "a prepared queryset is only iterated"
            return remembered(key, read)

        compiler.execute_sql = kept

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
        )
        # The real arguments must compile to the same statement with the same parameters.
        real = self.build(*args)
        real_sql, real_params = real.query.get_compiler(using=self.using).as_sql()
        if real_sql != sql or tuple(real_params) != self._params(compiled, connection, args):
            logger.warning("prepared: %s compiles differently for other values", self.build)
            return None
        return compiled


# ---------------------------------------------------------------- inserts


def insert_new(rows: list, *, unique: str, using: str = DEFAULT_DB_ALIAS) -> list:
    """Write the `rows` (unsaved instances of one model) whose `unique` field's value is not
    taken yet, in one statement; return those written, their primary keys set.

    `INSERT … ON CONFLICT (unique) DO NOTHING RETURNING pk, unique` (PostgreSQL, and SQLite
    since 3.35): a repeat is no error, so the caller's transaction needs no savepoint around
    it, and the rows already there are simply not returned. Values go through each field's
    `pre_save` (auto_now_add) and `get_db_prep_save`, as a save() would; no signal is sent,
    so this is for models with no receivers (the outbox). The statement's text is built once
    per model, column set and row count.
    """
    if not rows:
        return []
    model = type(rows[0])
    connection = connections[using]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    key_field = model._meta.get_field(unique)
    sql = _insert_sql(
        connection, model, tuple(f.column for f in fields), key_field.column, len(rows)
    )
    params = [
        field.get_db_prep_save(field.pre_save(row, True), connection)
        for row in rows
        for field in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        written = dict((key, pk) for pk, key in cursor.fetchall())
    kept = []
    for row in rows:
        pk = written.get(getattr(row, key_field.attname))
        if pk is not None:
            row.pk = pk
            row._state.adding = False
            row._state.db = using
            kept.append(row)
    return kept


_INSERTS: dict[tuple, str] = {}


def _insert_sql(connection, model, columns: tuple[str, ...], key: str, count: int) -> str:
    cache_key = (connection.vendor, model._meta.db_table, columns, key, count)
    sql = _INSERTS.get(cache_key)
    if sql is None:
        quote = connection.ops.quote_name
        row = "(" + ", ".join(["%s"] * len(columns)) + ")"
        table, names = quote(model._meta.db_table), ", ".join(map(quote, columns))
        values, pk = ", ".join([row] * count), quote(model._meta.pk.column)
        sql = f"INSERT INTO {table} ({names}) VALUES {values}"  # noqa: S608 (quoted names)
        sql += f" ON CONFLICT ({quote(key)}) DO NOTHING RETURNING {pk}, {quote(key)}"
        _INSERTS[cache_key] = sql
    return sql
