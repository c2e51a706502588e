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

Arguments may be int, str or datetime (whatever `build` passes to the ORM's filters); each
call's argument types must match the first call's, else the queryset is built as usual.
The queryset is only iterated: slice it in `build` (`[:1]`, `[:21]`) for first() or get().
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

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


class _Compiled:
    __slots__ = ("compiler", "converters", "queryset", "slots", "sql", "types")

    def __init__(self, queryset, compiler, sql, slots, types, converters):
        self.queryset = queryset
        self.compiler = compiler
        self.sql = sql
        self.slots = slots
        self.types = types
        self.converters = converters


class Prepared:
    """`build(*args)`'s rows, with its SQL compiled once per connection (see the module)."""

    def __init__(self, build: Callable[..., QuerySet], *, using: str = DEFAULT_DB_ALIAS):
        self.build = build
        self.using = using

    def rows(self, *args) -> list:
        connection = connections[self.using]
        cache: dict = connection.__dict__.setdefault("_zhiyuan_prepared", {})
        compiled = cache.get(self, _UNSET)
        if compiled is _UNSET:
            compiled = cache[self] = self._compile(connection, args)
        types = tuple(type(arg) for arg in args)
        if compiled is None or compiled.types != types:
            return list(self.build(*args))
        return list(self._queryset(compiled, self._params(compiled, connection, args)))

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
        compiler = copy.copy(compiled.compiler)
        sql = compiled.sql
        converters = compiled.converters
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        compiler.get_converters = lambda expressions: converters
        query = copy.copy(compiled.queryset.query)
        query.get_compiler = lambda *args, **kwargs: compiler
        queryset = QuerySet.__new__(type(compiled.queryset))
        queryset.__dict__ = compiled.queryset.__dict__.copy()
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
        )
        # The real arguments must compile to the same statement with the same parameters.
        real = self.build(*args)
        real_sql, real_params = real.query.get_compiler(using=self.using).as_sql()
        if real_sql != sql or tuple(real_params) != self._params(compiled, connection, args):
            logger.warning("prepared: %s compiles differently for other values", self.build)
            return None
        return compiled
