"""SQLite's writers queue on a file lock: a second write transaction waits for the first to
commit, however long that takes, instead of polling SQLite's lock and giving up."""

import threading
import time

from django.db import connection

from zhiyuan.core.sqlite.base import DatabaseWrapper


def open_database(path, alias):
    settings = {
        **connection.settings_dict,
        "ENGINE": "zhiyuan.core.sqlite",
        "NAME": str(path),
        # SQLite's own wait gives up after 50 ms: longer than that only the file lock waits.
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 0.05},
        "TEST": {},
    }
    return DatabaseWrapper(settings, alias=alias)


def write(db, value):
    db.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    try:
        with db.cursor() as cursor:
            cursor.execute("INSERT INTO t (value) VALUES (%s)", [value])
        db.commit()
    finally:
        db.set_autocommit(True)
        db.close()


def test_a_second_writer_waits_for_the_first_to_commit(tmp_path, django_db_blocker):
    with django_db_blocker.unblock():
        two_writers(tmp_path)


def two_writers(tmp_path):
    setup = open_database(tmp_path / "db.sqlite3", "setup")
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE t (value TEXT)")
    setup.close()
    first, second = (open_database(tmp_path / "db.sqlite3", a) for a in ("first", "second"))
    first.inc_thread_sharing()
    began = threading.Event()
    errors = []

    def hold():
        try:
            first.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
            with first.cursor() as cursor:
                cursor.execute("INSERT INTO t (value) VALUES ('first')")
            began.set()
            time.sleep(0.4)  # eight times SQLite's own timeout
            first.commit()
            first.set_autocommit(True)
            first.close()
        except Exception as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)
            began.set()

    thread = threading.Thread(target=hold)
    thread.start()
    began.wait()
    write(second, "second")
    thread.join()
    assert errors == []
    reader = open_database(tmp_path / "db.sqlite3", "reader")
    with reader.cursor() as cursor:
        cursor.execute("SELECT value FROM t ORDER BY rowid")
        assert [row[0] for row in cursor.fetchall()] == ["first", "second"]
    reader.close()


def test_placeholders_are_converted_as_djangos_engine_converts_them():
    from django.db.backends.sqlite3.base import SQLiteCursorWrapper

    from zhiyuan.core.sqlite.base import CursorWrapper

    for query in (
        'SELECT "a" FROM "t" WHERE "b" = %s AND "c" LIKE %s',
        "SELECT 1 WHERE 'x' LIKE '%%a%%' AND %s",
        "SELECT 1",
    ):
        for _ in range(2):  # converted, then remembered
            assert CursorWrapper.convert_query(None, query) == SQLiteCursorWrapper.convert_query(
                None, query
            )
