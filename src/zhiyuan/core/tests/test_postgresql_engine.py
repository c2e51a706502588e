"""PostgreSQL's engine (core/postgresql): the health check asks the socket first (no round trip
for a sound connection, and a connection the server ended is found and replaced before a
request uses it); the compiled statements are prepared on the server, Django's others not."""

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


def test_compiled_statements_are_prepared_on_the_server_and_others_are_not(settings):
    from django.db.models import CharField, Count, Value
    from django.db.models.functions import Concat

    from zhiyuan.core.prepared import Prepared
    from zhiyuan.volunteers.models import Skill

    assert connection.settings_dict["OPTIONS"].get("prepare_threshold") == 5
    by_code = Prepared(lambda code: Skill.objects.filter(code=code)[:1])
    for _ in range(6):
        by_code.rows("first_aid")
        # A query that repeats an expression with a parameter in its GROUP BY, which
        # server-side parameters ($1 … $2) would make PostgreSQL refuse.
        list(
            Skill.objects.annotate(tag=Concat(Value("skill-"), "code", output_field=CharField()))
            .values("tag")
            .annotate(total=Count("pk"))
        )
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('"volunteers_skill"."code" = $1' in text for text in prepared)
    assert not any("GROUP BY" in text for text in prepared)


# The first statement of a transaction carries its BEGIN (FirstStatementBegins) -----------


@pytest.fixture
def begins(monkeypatch):
    """Each BEGIN psycopg sends: (the command, whether it went out in a pipeline with the
    statement after it)."""
    connection.ensure_connection()
    raw = connection.connection
    sent = []
    original = raw._exec_command

    def recorded(command, *args, **kwargs):
        if bytes(command).startswith(b"BEGIN"):
            sent.append((bytes(command), raw._pipeline is not None))
        return original(command, *args, **kwargs)

    monkeypatch.setattr(raw, "_exec_command", recorded)
    return sent


def _skill(code):
    from zhiyuan.core.prepared import Prepared
    from zhiyuan.volunteers.models import Skill

    return Prepared(lambda code: Skill.objects.select_for_update().filter(code=code)[:1]).first(
        code
    )


def test_the_first_compiled_statement_of_a_transaction_carries_its_begin(begins):
    from django.db import transaction

    from zhiyuan.volunteers.models import Skill

    Skill.objects.create(code="held", name="Held")
    with transaction.atomic():
        assert _skill("held").name == "Held"
        assert begins == [(b"BEGIN", True)]  # one round trip with the statement
        # The transaction is open, and the row it locked is held until it ends.
        assert connection.connection.info.transaction_status == 2  # INTRANS
        other = _other_connection()
        try:
            with other.cursor() as cursor, pytest.raises(Exception, match="lock"):
                cursor.execute(
                    "SELECT 1 FROM volunteers_skill WHERE code = 'held' FOR UPDATE NOWAIT"
                )
        finally:
            other.close()
        _skill("held")  # later statements of the transaction: no BEGIN
    assert begins == [(b"BEGIN", True)]


def test_a_transaction_begun_with_its_first_statement_rolls_back_whole():
    from django.db import IntegrityError, transaction

    from zhiyuan.core.prepared import insert_compiled
    from zhiyuan.volunteers.models import Skill

    with pytest.raises(RuntimeError), transaction.atomic():
        insert_compiled([Skill(code="gone", name="Gone")])  # the first statement
        assert Skill.objects.filter(code="gone").exists()
        raise RuntimeError
    assert not Skill.objects.filter(code="gone").exists()
    # A first statement that fails leaves nothing written and the connection usable.
    Skill.objects.create(code="taken", name="Taken")
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_compiled([Skill(code="taken", name="Again")])
    assert connection.connection.info.transaction_status == 0  # IDLE
    assert list(Skill.objects.filter(code="taken").values_list("name", flat=True)) == ["Taken"]


def _other_connection():
    from django.db import connections

    return connections.create_connection("default")


# Several compiled statements in one round trip (core.prepared.rows_together) --------------


@pytest.fixture
def executes(monkeypatch):
    """Each server-bound statement executed: (its text, whether a pipeline was open)."""
    from zhiyuan.core.postgresql import base as engine

    sent = []
    original = engine.FirstStatementBegins.execute

    def recorded(self, query, *args, **kwargs):
        sent.append((str(query), self._conn._pipeline is not None))
        return original(self, query, *args, **kwargs)

    monkeypatch.setattr(engine.FirstStatementBegins, "execute", recorded)
    return sent


def _skills_by_code():
    from zhiyuan.core.prepared import Prepared
    from zhiyuan.volunteers.models import Skill

    return (
        Prepared(lambda code: Skill.objects.select_for_update().filter(code=code)[:1]),
        Prepared(
            lambda low, high: Skill.objects.filter(code__gte=low, code__lt=high).order_by("code")
        ),
    )


def test_statements_read_together_go_in_one_pipeline_with_the_begin(begins, executes):
    from django.db import transaction

    from zhiyuan.core.prepared import rows_together
    from zhiyuan.volunteers.models import Skill

    Skill.objects.create(code="x-one", name="X one")
    Skill.objects.create(code="x-two", name="X two")
    locked, listed = _skills_by_code()
    with transaction.atomic():
        held, found = rows_together((locked, ("x-one",)), (listed, ("x-", "x.")))
        assert begins == [(b"BEGIN", True)]
        assert [sent[1] for sent in executes] == [True, True]
        assert [skill.name for skill in held] == ["X one"]
        assert [skill.code for skill in found] == ["x-one", "x-two"]
        # The same rows as each statement on its own.
        assert [s.pk for s in locked.rows("x-one")] == [s.pk for s in held]
        assert [s.pk for s in listed.rows("x-", "x.")] == [s.pk for s in found]


def test_a_statement_sent_with_a_lock_sees_what_was_committed_while_it_waited():
    """The server runs the statements one after another, each with its own snapshot: the
    second sees a row committed by the transaction whose lock the first waited for (a sign-up's
    overlap check, sent with the volunteer's lock, sees the place a racing sign-up took)."""
    import threading

    from django.db import transaction

    from zhiyuan.core.prepared import rows_together
    from zhiyuan.volunteers.models import Skill

    Skill.objects.create(code="y-held", name="Y held")
    locked, listed = _skills_by_code()
    other = _other_connection()
    try:
        other.set_autocommit(False)
        with other.cursor() as cursor:
            cursor.execute("SELECT 1 FROM volunteers_skill WHERE code = 'y-held' FOR UPDATE")
            cursor.execute(
                "INSERT INTO volunteers_skill (code, name, sort_order, requires_training) "
                "VALUES ('y-new', 'Y new', 0, false)"
            )
        raw = other.connection
        releasing = threading.Timer(0.4, raw.commit)
        releasing.start()
        with transaction.atomic():
            held, found = rows_together((locked, ("y-held",)), (listed, ("y-", "y.")))
        releasing.join()
        assert [skill.code for skill in held] == ["y-held"]
        assert [skill.code for skill in found] == ["y-held", "y-new"]
    finally:
        other.close()


def test_without_pipelines_statements_go_one_by_one(monkeypatch, begins, executes):
    # libpq older than 14, or a psycopg whose connection no longer has what the engine drives.
    from django.db import transaction

    from zhiyuan.core.postgresql import base as engine
    from zhiyuan.core.prepared import rows_together
    from zhiyuan.volunteers.models import Skill

    monkeypatch.setattr(engine, "PIPELINES", False)
    monkeypatch.setattr(engine.DatabaseWrapper, "pipelines", False)
    Skill.objects.create(code="z-one", name="Z one")
    locked, listed = _skills_by_code()
    with transaction.atomic():
        held, found = rows_together((locked, ("z-one",)), (listed, ("z-", "z.")))
    assert [skill.code for skill in held] == ["z-one"]
    assert [skill.code for skill in found] == ["z-one"]
    assert begins == [(b"BEGIN", False)]
    assert [sent[1] for sent in executes] == [False, False]
