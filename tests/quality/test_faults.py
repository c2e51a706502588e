"""Faults: the database going away mid-request gives a clean 503 page, and the site recovers."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django.test import override_settings

MIDDLEWARE = ["zhiyuan.ops.middleware.DatabaseUnavailableMiddleware", *settings.MIDDLEWARE]


def database_gone(execute, sql, params, many, context):
    raise OperationalError("server closed the connection unexpectedly")


def interface_gone(execute, sql, params, many, context):
    raise InterfaceError("connection already closed")


@pytest.fixture
def guarded():
    with override_settings(MIDDLEWARE=MIDDLEWARE, ROOT_URLCONF="zhiyuan.ops.tests.urls"):
        yield


@pytest.fixture
def client_for(client_for):
    """Clients that answer like production: handled errors become responses, not raises."""

    def make(user):
        client = client_for(user)
        client.raise_request_exception = False
        return client

    return make


def test_a_page_answers_503_with_a_friendly_page_when_the_database_is_gone(
    cast, guarded, client_for
):
    client = client_for(cast.alice)
    with connection.execute_wrapper(database_gone):
        response = client.get("/projects/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert 'id="unavailable"' in html
    assert "Traceback" not in html and "OperationalError" not in html


def test_the_api_answers_503_in_its_error_shape(cast, guarded, client_for):
    client = client_for(cast.alice)
    with connection.execute_wrapper(interface_gone):
        response = client.get("/api/v1/projects")
    assert response.status_code == 503
    assert response.json()["code"] == "unavailable"


def test_the_site_recovers_when_the_database_returns(cast, guarded, client_for):
    client = client_for(cast.alice)
    with connection.execute_wrapper(database_gone):
        assert client.get("/projects/").status_code == 503
    assert client.get("/projects/").status_code == 200
    assert client.get("/api/v1/projects").status_code == 200


def test_other_database_errors_are_not_hidden_as_an_outage(cast, guarded, client_for):
    from django.db import ProgrammingError

    def broken_query(execute, sql, params, many, context):
        raise ProgrammingError("no such column")

    client = client_for(cast.alice)
    with connection.execute_wrapper(broken_query):
        response = client.get("/projects/")
    assert response.status_code == 500
    assert 'id="server-error"' in response.content.decode()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_killed_postgres_connection_gives_503_then_reconnects(guarded):
    """Through the real WSGI handler, which closes failed connections when a request ends."""
    from werkzeug.test import Client

    from zhiyuan.config.wsgi import application
    from zhiyuan.testing.factories import ensure_reference_data

    ensure_reference_data()
    browser = Client(application)
    # A session cookie (of a valid length, so it is looked up) keeps the page cache
    # (core/pagecache.py) out of it: every request below goes to the database. Set through
    # the client's cookie jar: werkzeug's test client drops a hand-written Cookie header.
    browser.set_cookie("sessionid", "x" * 32)
    assert browser.get("/projects/").status_code == 200

    def cut_the_line(execute, sql, params, many, context):
        context["connection"].connection.close()  # the server goes away mid-request
        return execute(sql, params, many, context)

    with connection.execute_wrapper(cut_the_line):
        response = browser.get("/projects/")
    assert response.status_code == 503
    assert 'id="unavailable"' in response.get_data(as_text=True)
    assert browser.get("/projects/").status_code == 200
