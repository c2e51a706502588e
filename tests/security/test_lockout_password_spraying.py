"""Attack: password spraying, one or two guesses at each of many accounts from one address.

A per-account lock never trips when each account gets fewer guesses than the limit; the
failures from one address across accounts are now limited too.
"""

import pytest

from zhiyuan.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token"


def api(client, username, password, address):
    body = {"username": username, "password": password}
    return client.post(TOKEN, body, content_type="application/json", REMOTE_ADDR=address)


def test_failures_across_accounts_pause_the_address(cast, client, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 8
    names = ["alice", "bob", "carol", "erin"] + [f"guess{n}" for n in range(4)]
    statuses = [api(client, name, "Password123", "203.0.113.7").status_code for name in names]
    assert statuses == [401] * 7 + [429]
    # Even a right password is refused from that address for a while...
    response = api(client, "erin", PASSWORD, "203.0.113.7")
    assert response.status_code == 429
    assert response.json()["code"] == "locked_out"
    assert int(response["Retry-After"]) > 0
    # ...while the accounts themselves are not locked for their owners elsewhere.
    assert api(client, "erin", PASSWORD, "198.51.100.1").status_code == 201


def test_a_success_from_the_address_does_not_reset_its_count(cast, client, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 4
    for name in ["alice", "bob", "carol"]:
        api(client, name, "Password123", "203.0.113.8")
    assert api(client, "erin", PASSWORD, "203.0.113.8").status_code == 201
    assert api(client, "dave", "Password123", "203.0.113.8").status_code == 429
