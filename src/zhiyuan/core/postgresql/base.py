"""Django's PostgreSQL backend, whose health check of a persistent connection
(CONN_HEALTH_CHECKS) costs no round trip while the connection is sound, and whose compiled
statements (core.prepared) are bound and prepared by the server, the first of a transaction
sent with its BEGIN."""

from __future__ import annotations

import select
from collections.abc import Iterator
from contextlib import contextmanager

from django.db.backends.postgresql import base, operations
from psycopg import pq


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


class FirstStatementBegins(base.ServerBindingCursor):
    """A server-bound cursor whose statement, when it is the first of a transaction, carries
    the transaction's BEGIN to the server: one round trip, not two.

    psycopg sends BEGIN on its own and waits for its answer before the first statement of
    a transaction (and in pipeline mode syncs right after it). Here both go out in one
    pipeline, answered by one Sync: the server runs BEGIN, then the statement, and the
    transaction stays open after the Sync as after any explicit BEGIN. A sign-up's or a
    scan's first statement (the volunteer's lock) is one. Every other case (autocommit, a
    transaction already begun, a pipeline already open) is psycopg's own execute.
    """

    def execute(self, query, params=None, *, prepare=None, binary=None):
        conn = self._conn
        if (
            conn._autocommit
            or conn._pipeline is not None
            or conn.pgconn.transaction_status != pq.TransactionStatus.IDLE
        ):
            return super().execute(query, params, prepare=prepare, binary=binary)
        begin = conn._get_tx_start_command()
        # Inside this block psycopg must not begin the transaction itself (it would sync).
        conn._autocommit = True
        try:
            with conn.pipeline():
                with conn.lock:
                    conn.wait(conn._exec_command(begin))
                super().execute(query, params, prepare=prepare, binary=binary)
        finally:
            conn._autocommit = False
        return self


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
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
