"""Django's PostgreSQL backend, whose health check of a persistent connection
(CONN_HEALTH_CHECKS) costs no round trip while the connection is sound, and whose compiled
statements (core.prepared) are bound and prepared by the server, the first of a transaction
sent with its BEGIN."""

from __future__ import annotations

import select
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from django.db.backends.postgresql import base, operations
from psycopg import pq

# Statements sent together need psycopg's pipeline mode (libpq 14 or newer) and the parts of
# its connection _one_round_trip drives (the same in psycopg 3.2 and 3.3); without them every
# statement goes out as psycopg sends it.
PIPELINES = psycopg.Pipeline.is_supported() and all(
    hasattr(psycopg.Connection, name)
    for name in ("_exec_command", "_get_tx_start_command", "_start_query")
)


class DatabaseOperations(operations.DatabaseOperations):
    def last_executed_query(self, cursor, sql, params):
        """The statement with its parameters, as Django shows it (the debug toolbar, the
        tests' captured queries), for a cursor that bound them on the server too."""
        if isinstance(cursor, base.ServerBindingCursor):
            try:
                return self.compose_sql(sql, params)
            except operations.errors.DataError:
                return None
        return super().last_executed_query(cursor, sql, params)


@contextmanager
def _one_round_trip(conn) -> Iterator[None]:
    """The statements executed inside go to the server in one pipeline, answered by one
    Sync when the block ends (their cursors then hold their rows); the first of a
    transaction carries its BEGIN.

    psycopg sends BEGIN on its own and waits for its answer before a transaction's first
    statement, and in pipeline mode it syncs right after it: here BEGIN is queued with the
    statements instead. The server runs them in order, each with its own snapshot as if
    sent one by one; after the Sync the transaction stays open, as after any explicit BEGIN.
    """
    begin = not conn._autocommit and conn.pgconn.transaction_status == pq.TransactionStatus.IDLE
    if begin:
        command = conn._get_tx_start_command()
        conn._autocommit = True  # psycopg must not begin the transaction itself (it syncs)
    try:
        with conn.pipeline():
            if begin:
                with conn.lock:
                    conn.wait(conn._exec_command(command))
            yield
    finally:
        if begin:
            conn._autocommit = False


class FirstStatementBegins(base.ServerBindingCursor):
    """A server-bound cursor whose statement, when it is the first of a transaction, carries
    the transaction's BEGIN to the server (_one_round_trip): one round trip, not two. A
    sign-up's or a scan's first statement (the volunteer's lock) is one. Otherwise (in
    autocommit, in a transaction already begun, in an open pipeline) psycopg's own execute.
    """

    def execute(self, query, params=None, *, prepare=None, binary=None):
        conn = self._conn
        if (
            not PIPELINES
            or conn._autocommit
            or conn._pipeline is not None
            or conn.pgconn.transaction_status != pq.TransactionStatus.IDLE
        ):
            return super().execute(query, params, prepare=prepare, binary=binary)
        with _one_round_trip(conn):
            super().execute(query, params, prepare=prepare, binary=binary)
        return self


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
    # Whether `one_round_trip` sends its statements together (else one by one).
    pipelines = PIPELINES
    # While set (server_bound), new cursors bind their parameters on the server.
    _bind_on_server = False

    @contextmanager
    def server_bound(self) -> Iterator[None]:
        """Cursors made inside bind parameters on the server (psycopg's Cursor), so that a
        statement run `prepare_threshold` times on the connection is prepared there: parsed
        and planned once, not on every request (settings: ZHIYUAN_DB_PREPARED).

        Only for core.prepared's statements, whose text is fixed: Django's other queries
        keep client-side binding, which some of them need (a GROUP BY that repeats an
        expression with parameters is refused with server-side parameters $1 and $12).
        """
        if self._bind_on_server or self.settings_dict["OPTIONS"].get("prepare_threshold") is None:
            yield
            return
        self._bind_on_server = True
        try:
            yield
        finally:
            self._bind_on_server = False

    @contextmanager
    def one_round_trip(self) -> Iterator[None]:
        """Statements executed inside (on cursors made before the block) are sent together
        and answered by one round trip when it ends (_one_round_trip); core.prepared's
        `rows_together`. Errors are Django's, as a cursor's would be."""
        with self.wrap_database_errors, _one_round_trip(self.connection):
            yield

    def create_cursor(self, name=None):
        if name is None and self._bind_on_server:
            connection = self.connection
            factory = connection.cursor_factory
            connection.cursor_factory = FirstStatementBegins
            try:
                return super().create_cursor(name)
            finally:
                connection.cursor_factory = factory
        return super().create_cursor(name)

    def is_usable(self) -> bool:
        """Whether the connection can be used, checked before the first query of each request.

        Django runs `SELECT 1` on the server: a round trip before every request's first
        query, about a tenth of a sign-up's statements. A server that ends a connection
        (a restart, `pg_terminate_backend`, an idle timeout) sends its reason and closes the
        socket, which then reads as ready: only then, or when libpq no longer holds the
        connection as open and idle, is the server asked as Django asks it.
        """
        connection = self.connection
        if connection is None:
            return False
        try:
            sound = (
                not connection.closed
                and connection.info.status == pq.ConnStatus.OK
                and connection.info.transaction_status == pq.TransactionStatus.IDLE
                and not select.select([connection.fileno()], [], [], 0)[0]
            )
        except (OSError, ValueError):
            sound = False
        return sound or super().is_usable()
