"""Work on a list of items in a forked worker process, one item ahead of the caller.

An import checks each batch of rows (Python: parsing, the registration's rules, hashing,
encryption) and then writes it (the database: SQLite in this process, PostgreSQL in its
server process). Done one after the other, one of the machine's cores idles; a thread does
not help, as the checking holds Python's lock and SQLite's `executemany` takes it back for
every row. Here a child process, forked with everything the checking needs already loaded
(so it makes no query), checks batch after batch and sends each back through a pipe, while
this process writes the one before.

Results come back in order. An error in the worker is raised here; the worker is killed
when the caller stops early (an error while writing, or a second runner). The worker never
touches the parent's database connections: after the fork they are dropped, unused, so an
accidental query opens a connection of its own instead of writing on the parent's.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import traceback
from collections.abc import Callable, Generator, Sequence
from typing import TypeVar

from django.db import connections

Item = TypeVar("Item")
Result = TypeVar("Result")


class WorkerFailed(RuntimeError):
    """The worker process raised, or died, before sending every result."""


def can_fork() -> bool:
    """Whether a worker process can be started here (a daemonic process may have none)."""
    return hasattr(os, "fork") and not multiprocessing.current_process().daemon


def ahead(
    function: Callable[[Item], Result], items: Sequence[Item], *, forked: bool = True
) -> Generator[Result, None, None]:
    """`function(item)` for each item, in order: in a forked worker that runs ahead of the
    caller when `forked` and there are at least two items, else here. Close the iterator
    (`contextlib.closing`) to stop the worker when the caller stops early."""
    if not forked or len(items) < 2 or not can_fork():
        for item in items:
            yield function(item)
        return
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    worker = context.Process(
        target=_serve, args=(function, items, writer), name="zhiyuan-import-check", daemon=True
    )
    worker.start()
    writer.close()
    try:
        for _ in items:
            try:
                ok, value = reader.recv()
            except EOFError:
                worker.join(5)
                raise WorkerFailed(
                    f"the worker process ended early (exit code {worker.exitcode})"
                ) from None
            if not ok:
                raise WorkerFailed(value)
            yield value
    finally:
        reader.close()
        if worker.is_alive():
            worker.kill()
        worker.join()


def _serve(function, items, writer) -> None:
    # The parent's connections are its own: forget them here without closing them (closing
    # would end the parent's PostgreSQL session, or touch its SQLite file's locks).
    for connection in connections.all(initialized_only=True):
        connection.connection = None
    try:
        for item in items:
            writer.send((True, function(item)))
    except (BrokenPipeError, ConnectionResetError):
        return  # the parent stopped reading
    except BaseException:
        with contextlib.suppress(OSError):
            writer.send((False, traceback.format_exc()))
    finally:
        writer.close()
