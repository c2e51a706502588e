"""Security headers, sign-in lockout, registration throttle and the deployment check."""

import os
import secrets
import subprocess
import sys

import pytest

from zhiyuan.testing.factories import PASSWORD
from zhiyuan.volunteers.models import Volunteer

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def test_pages_carry_a_strict_content_security_policy(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_the_admin_keeps_its_own_inline_scripts_working(client):
    policy = client.get("/admin/login/").headers["Content-Security-Policy"]
    assert "script-src 'self' 'unsafe-inline'" in policy


def test_five_wrong_passwords_pause_signing_in_even_with_the_right_one(cast, client):
    for _attempt in range(5):
        response = client.post(LOGIN, {"username": "alice", "password": "wrong"})
    assert response.status_code == 429
    response = client.post(LOGIN, {"username": "alice", "password": PASSWORD})
    assert response.status_code == 429
    assert b'data-code="locked_out"' in response.content
    assert "_auth_user_id" not in client.session
    # Another account from the same address is not locked.
    assert client.post(LOGIN, {"username": "bob", "password": PASSWORD}).status_code == 302


def test_a_success_before_the_limit_clears_the_failures(cast, client):
    for _attempt in range(4):
        client.post(LOGIN, {"username": "alice", "password": "wrong"})
    assert client.post(LOGIN, {"username": "alice", "password": PASSWORD}).status_code == 302
    client.logout()
    for _attempt in range(4):
        client.post(LOGIN, {"username": "alice", "password": "wrong"})
    assert client.post(LOGIN, {"username": "alice", "password": PASSWORD}).status_code == 302


def test_the_api_token_endpoint_is_locked_out_with_the_api_error_shape(cast, client):
    body = {"username": "alice", "password": "wrong", "name": "script"}
    for _attempt in range(4):
        response = client.post("/api/v1/auth/token", body, content_type="application/json")
        assert response.status_code == 401
    response = client.post("/api/v1/auth/token", body, content_type="application/json")
    assert response.status_code == 429
    assert response.json()["code"] == "locked_out"
    good = {**body, "password": PASSWORD}
    assert (
        client.post("/api/v1/auth/token", good, content_type="application/json").status_code == 429
    )


def test_anonymous_registrations_are_limited_per_address(cast, client, settings):
    from zhiyuan.testing.factories import id_number

    settings.REGISTRATIONS_PER_HOUR = 2
    statuses = []
    for n in range(3):
        payload = {
            "real_name": f"测试{n}",
            "id_type": "resident_id",
            "id_number": id_number(900 + n),
            "phone": f"1390000{900 + n:04d}",
            "community_id": cast.a1.pk,
            "password": "a-long-passphrase-9",
            "consent": True,
        }
        response = client.post("/api/v1/volunteers", payload, content_type="application/json")
        statuses.append(response.status_code)
    assert statuses == [201, 201, 429]
    assert response.json()["code"] == "rate_limited"
    assert not Volunteer.objects.filter(real_name="测试2").exists()


def test_deployment_check_is_clean_with_production_settings(tmp_path):
    env = {
        **os.environ,
        "ZHIYUAN_DATA_DIR": str(tmp_path),
        "ZHIYUAN_DEBUG": "0",
        "ZHIYUAN_HTTPS": "1",
        "ZHIYUAN_SECRET_KEY": secrets.token_urlsafe(60),
        "ZHIYUAN_ALLOWED_HOSTS": "zhiyuan.example.gov.cn",
        "DJANGO_SETTINGS_MODULE": "zhiyuan.config.settings",
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests in this process
    result = subprocess.run(  # noqa: S603 (our own CLI)
        [sys.executable, "-m", "zhiyuan", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
