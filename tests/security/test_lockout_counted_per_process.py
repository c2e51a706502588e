"""Attack: spread guesses over the app processes, each of which counted on its own.

Limits kept in one process's memory are multiplied by the number of processes. Every
throttle and the sign-in lockout now count in Django's cache, which the deployment
shares between processes (Redis through ZHIYUAN_CACHE_URL). Here a file-based cache
stands for the shared one and a second cache object for a second process.
"""

import pytest
from django.core.cache import cache
from django.core.cache.backends.filebased import FileBasedCache

from conftest import PASSWORD
from zhiyuan.core import security

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token"


@pytest.fixture
def shared_cache(settings, tmp_path):
    location = str(tmp_path / "cache")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": location,
        }
    }
    return location


def sign_in(client, password):
    body = {"username": "carol", "password": password}
    return client.post(TOKEN, body, content_type="application/json").status_code


def test_failures_in_two_processes_add_up_to_one_lockout(cast, client, shared_cache, monkeypatch):
    assert [sign_in(client, "wrong") for _n in range(3)] == [401] * 3
    # The next requests land on "another process": its own cache object over the shared store.
    monkeypatch.setattr(security, "cache", FileBasedCache(shared_cache, {}))
    assert [sign_in(client, "wrong") for _n in range(2)] == [401, 429]
    assert sign_in(client, PASSWORD) == 429


def test_the_lockout_lives_in_the_cache_and_nowhere_else(cast, client, shared_cache):
    for _n in range(5):
        sign_in(client, "wrong")
    assert sign_in(client, PASSWORD) == 429
    cache.clear()
    assert sign_in(client, PASSWORD) == 201


def test_registrations_in_two_processes_share_one_limit(settings, shared_cache, monkeypatch):
    from django.test import RequestFactory

    settings.REGISTRATIONS_PER_HOUR = 3
    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.9")
    security.throttle_registration(request)
    security.throttle_registration(request)
    monkeypatch.setattr(security, "cache", FileBasedCache(shared_cache, {}))
    security.throttle_registration(request)
    with pytest.raises(security.RateLimited):
        security.throttle_registration(request)
