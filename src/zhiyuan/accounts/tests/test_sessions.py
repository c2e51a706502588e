"""Browser sessions: each read with its account by one statement, and ended as before."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhiyuan.accounts.models import BrowserSession

pytestmark = pytest.mark.django_db


def _reads(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if 'FROM "accounts_session"' in q["sql"] or 'FROM "accounts_user"' in q["sql"]
    ]


def test_a_signed_in_request_reads_its_session_and_account_with_one_statement(cast, client_for):
    erin = client_for(cast.erin)
    assert BrowserSession.objects.get().user_id == cast.erin.pk  # kept as the session is saved
    with CaptureQueriesContext(connection) as queries:
        response = erin.get("/api/v1/me/signups")
    assert response.status_code == 200
    (read,) = _reads(queries)
    assert 'JOIN "accounts_user"' in read


def test_a_session_signed_out_elsewhere_or_a_closed_account_is_refused_at_once(cast, client_for):
    erin, carol = client_for(cast.erin), client_for(cast.carol_user)
    assert erin.get("/api/v1/me/signups").status_code == 200
    assert carol.get("/api/v1/me/signups").status_code == 200
    BrowserSession.objects.filter(user=cast.erin).delete()  # signed out by another process
    type(cast.carol_user).objects.filter(pk=cast.carol_user.pk).update(is_active=False)
    assert erin.get("/api/v1/me/signups").status_code == 401
    assert carol.get("/api/v1/me/signups").status_code == 401


def test_the_upgrade_carries_the_old_tables_sessions_over_with_their_accounts(cast):
    import importlib

    from django.apps import apps
    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore as OldStore
    from django.contrib.sessions.models import Session as OldSession

    carry_over = importlib.import_module(
        "zhiyuan.accounts.migrations.0003_browser_sessions"
    ).carry_over_sessions
    signed_in, anonymous = OldStore(), OldStore()
    signed_in[SESSION_KEY] = str(cast.erin.pk)
    signed_in.save()
    anonymous["django_language"] = "en"
    anonymous.save()
    assert OldSession.objects.count() == 2
    carry_over(apps, None)
    kept = {s.session_key: s.user_id for s in BrowserSession.objects.all()}
    assert kept == {signed_in.session_key: cast.erin.pk, anonymous.session_key: None}
    # The new store reads what the old one wrote.
    from zhiyuan.accounts.sessions import SessionStore

    assert SessionStore(signed_in.session_key).load()[SESSION_KEY] == str(cast.erin.pk)
