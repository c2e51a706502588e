"""Django's PostgreSQL backend, whose health check of a persistent connection
(CONN_HEALTH_CHECKS) costs no round trip while the connection is sound."""

from __future__ import annotations

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
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
                and connection.info.status == connection.info.status.OK
                and connection.info.transaction_status == connection.info.transaction_status.IDLE
                and not select.select([connection.fileno()], [], [], 0)[0]
            )
        except (OSError, ValueError):
            sound = False
        return sound or super().is_usable()
