"""PostgreSQL's health check asks the socket first: no round trip for a sound connection, and a
connection the server ended is found and replaced before a request uses it."""

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's engine"),
]


@pytest.fixture
def statements(monkeypatch):
    """The statements sent on the raw psycopg connection, bypassing Django's wrappers."""
    connection.ensure_connection()
    sent = []
    raw = connection.connection
    original = raw.cursor

    def cursor(*args, **kwargs):
        made = original(*args, **kwargs)
        execute = made.execute

        def recorded(query, *a, **k):
            sent.append(str(query))
            return execute(query, *a, **k)

        made.execute = recorded
        return made

    monkeypatch.setattr(raw, "cursor", cursor)
    return sent


def test_a_sound_connection_is_usable_without_a_query(statements):
    assert connection.is_usable()
    assert statements == []


def test_a_connection_the_server_ended_is_replaced_before_the_next_request():
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    from django.db import connections

    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()
    import time

    for _ in range(50):  # the server's goodbye reaches the socket
        if not connection.is_usable():
            break
        time.sleep(0.02)
    assert not connection.is_usable()
    connection.health_check_enabled, connection.health_check_done = True, False
    connection.close_if_health_check_failed()
    with connection.cursor() as cursor:  # a new connection, with a new server process
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid


def test_a_connection_inside_a_transaction_asks_the_server(statements):
    connection.set_autocommit(False)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        statements.clear()
        assert connection.is_usable()
        assert statements == ["SELECT 1"]
    finally:
        connection.rollback()
        connection.set_autocommit(True)
