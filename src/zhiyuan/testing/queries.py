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
