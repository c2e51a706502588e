"""Django's sqlite3 backend, with each write transaction queued on a file lock beside the
database, so the next writer starts the moment the last one commits, and each statement's
placeholders converted once."""

from __future__ import annotations

import fcntl
import functools
import os

from django.db.backends.sqlite3 import base


@functools.lru_cache(maxsize=2048)
def _qmark(query: str) -> str:
    return base.FORMAT_QMARK_REGEX.sub("?", query).replace("%%", "%")


class CursorWrapper(base.SQLiteCursorWrapper):
    """Django turns each statement's `%s` into SQLite's `?` with a regular expression on
    every execution (about 2 % of a sign-up's CPU); the same statements come back on every
    request, so each text is converted once per process."""

    def convert_query(self, query, *, param_names=None):
        if param_names is None:
            return _qmark(query)
        return super().convert_query(query, param_names=param_names)


class DatabaseWrapper(base.DatabaseWrapper):
    """SQLite lets one transaction write at a time; a transaction here takes that lock at its
    BEGIN (IMMEDIATE, settings.DATABASES). A second writer used to wait in SQLite's busy
    handler, which sleeps 1, 2, 5, 10, 15, 20, 25 … up to 100 ms between attempts: the
    writer that had just committed usually began its next transaction before the sleeper
    woke, and under a burst of sign-ups from two workers a request waited about 50 ms for
    a lock held about 3 ms at a time (bench/endtoend.py's write rows).

    Here a transaction first takes an exclusive `flock` on `<database>-writer`, and holds
    it until its COMMIT or ROLLBACK: waiting writers sleep in the kernel and the next one
    wakes as soon as it is released. Every process on the host (web workers, the task
    worker, the CLI) uses the same engine; a write outside a transaction (autocommit) does
    not take the file lock and still waits in SQLite's busy handler. The wait for the file
    lock is not bounded by the SQLite timeout: a writer waits as long as the transactions
    before it (gunicorn's worker timeout bounds a request).
    """

    _writer_fd: int | None = None
    _writer_pid = 0
    _writer_held = False

    def create_cursor(self, name=None):
        return self.connection.cursor(factory=CursorWrapper)

    def _start_transaction_under_autocommit(self) -> None:
        self._take_writer_lock()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_writer_lock()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._release_writer_lock()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._release_writer_lock()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._release_writer_lock()

    def _take_writer_lock(self) -> None:
        if self.is_in_memory_db():
            return
        if self._writer_fd is None or self._writer_pid != os.getpid():
            # A descriptor inherited through fork shares its lock with the parent: open anew.
            path = f"{self.settings_dict['NAME']}-writer"
            self._writer_fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            self._writer_pid = os.getpid()
        fcntl.flock(self._writer_fd, fcntl.LOCK_EX)
        self._writer_held = True

    def _release_writer_lock(self) -> None:
        if self._writer_held and self._writer_fd is not None:
            self._writer_held = False
            fcntl.flock(self._writer_fd, fcntl.LOCK_UN)
