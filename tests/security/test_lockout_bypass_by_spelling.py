"""Attack: guess a password without limit by spelling the account differently each time.

The lockout used to count failures per username exactly as typed, while sign-in accepts
the same account with spaces around it, in upper case, in full-width characters and by its
phone: each spelling had its own five failures, and a success under any spelling cleared
the lock. Failures now count per account and per address, on the page and the API alike.
"""

import pytest

from zhiyuan.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
TOKEN = "/api/v1/auth/token"
# Five spellings of carol's account: username, padded, upper case, full-width, her phone.
SPELLINGS = ["carol", "  carol ", "CAROL", "ｃａｒｏｌ", "138 0000 0001"]


def page(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def api(client, username, password, **extra):
    body = {"username": username, "password": password}
    return client.post(TOKEN, body, content_type="application/json", **extra)


def test_each_spelling_signs_in_to_the_same_account(cast, client):
    for spelling in SPELLINGS:
        assert api(client, spelling, PASSWORD).status_code == 201, spelling


def test_five_failures_under_five_spellings_lock_the_account(cast, client):
    for n, spelling in enumerate(SPELLINGS):
        send = page if n % 2 else api
        send(client, spelling, "wrong")
    for spelling in SPELLINGS:
        response = api(client, spelling, PASSWORD)
        assert response.status_code == 429, spelling
        assert response.json()["code"] == "locked_out"
        response = page(client, spelling, PASSWORD)
        assert response.status_code == 429, spelling
        assert b'data-code="locked_out"' in response.content
        assert "_auth_user_id" not in client.session


def test_the_lock_holds_from_another_address(cast, client):
    for _attempt in range(5):
        page(client, "carol", "wrong", REMOTE_ADDR="10.0.0.1")
    response = api(client, "ＣＡＲＯＬ", PASSWORD, REMOTE_ADDR="10.0.0.2")
    assert response.status_code == 429


def test_a_success_under_another_spelling_does_not_unlock(cast, client):
    for _attempt in range(5):
        api(client, "carol", "wrong")
    assert page(client, "13800000001", PASSWORD).status_code == 429
    assert api(client, " Carol ", PASSWORD).status_code == 429


def test_an_unknown_name_is_locked_like_an_account(cast, client):
    """Otherwise the lock itself would tell which names are accounts."""
    for _attempt in range(5):
        api(client, "nobody", "wrong")
    assert api(client, " NOBODY", "wrong").status_code == 429
