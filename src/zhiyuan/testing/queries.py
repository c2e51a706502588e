"""Counting what Django compiles: the statements core.prepared keeps compiled."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from unittest import mock

from django.db.models.sql.compiler import SQLCompiler


@contextlib.contextmanager
def compiled_selects() -> Iterator[list]:
    """The model of every SELECT Django compiles inside the block, in order."""
    calls: list = []
    real = SQLCompiler.as_sql

    def counted(self, *args, **kwargs):
        calls.append(self.query.model)
        return real(self, *args, **kwargs)

    with mock.patch.object(SQLCompiler, "as_sql", counted):
        yield calls


@contextlib.contextmanager
def server_bound_statements() -> Iterator[list]:
    """PostgreSQL: each compiled statement (core.prepared) sent inside the block, in order, as
    (the table it writes, or whose column it selects first; whether it went out in a
    pipeline with others)."""
    import re

    from zhiyuan.core.postgresql.base import FirstStatementBegins

    sent: list = []
    real = FirstStatementBegins.execute
    table = re.compile(r'INTO "(\w+)"|"(\w+)"\.')  # written, or the first column's table

    def recorded(self, query, *args, **kwargs):
        found = table.search(str(query))
        name = (found.group(1) or found.group(2)) if found else str(query)[:40]
        sent.append((name, self._conn._pipeline is not None))
        return real(self, query, *args, **kwargs)

    with mock.patch.object(FirstStatementBegins, "execute", recorded):
        yield sent
