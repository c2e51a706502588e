"""Attack: keep using a stolen API token for ever.

Tokens never expired, could not be listed or revoked, and a token made before a password
change still worked after it. Now each token expires (ZHIYUAN_API_TOKEN_DAYS, 30 by
default), shows when it was last used, can be revoked by its owner or by an office admin
over the owner, and a password change, suspension or anonymisation ends them all.
"""

import datetime as dt

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.utils import timezone

from zhiyuan.accounts.models import ApiToken
from zhiyuan.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db

ME = "/api/v1/auth/me"


class CheapPBKDF2(PBKDF2PasswordHasher):
    """A hasher that Django upgrades MD5 hashes to at sign-in, cheaply."""

    iterations = 1


def new_token(client, username, **extra):
    body = {"username": username, "password": PASSWORD, **extra}
    response = client.post("/api/v1/auth/token", body, content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()


def bearer(client, key, url=ME, method="get"):
    return getattr(client, method)(url, headers={"Authorization": f"Bearer {key}"})


def test_a_token_made_before_a_password_change_stops_working(cast, client):
    key = new_token(client, "carol")["token"]
    assert bearer(client, key).status_code == 200
    cast.carol_user.set_password("a-new-passphrase-77")
    cast.carol_user.save()
    assert bearer(client, key).status_code == 401
    assert ApiToken.objects.get().revoked_reason == "password"


def test_a_password_hash_upgrade_at_sign_in_is_not_a_password_change(cast, client, settings):
    key = new_token(client, "carol")["token"]
    settings.PASSWORD_HASHERS = [
        f"{__name__}.CheapPBKDF2",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    client.post("/accounts/login/", {"username": "carol", "password": PASSWORD})
    cast.carol_user.refresh_from_db()
    assert cast.carol_user.password.startswith("pbkdf2_sha256$1$")
    assert bearer(client, key).status_code == 200


def test_tokens_expire_after_the_configured_days(cast, client, settings):
    settings.API_TOKEN_DAYS = 30
    made = new_token(client, "carol")
    expires = dt.datetime.fromisoformat(made["expires_at"])
    assert abs(expires - (timezone.now() + dt.timedelta(days=30))) < dt.timedelta(minutes=1)
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert bearer(client, made["token"]).status_code == 401


def test_a_token_cannot_outlive_the_setting(cast, client, settings):
    settings.API_TOKEN_DAYS = 30
    body = {"username": "carol", "password": PASSWORD, "days": 365}
    response = client.post("/api/v1/auth/token", body, content_type="application/json")
    assert response.status_code == 400
    assert "days" in response.json()["errors"]
    assert not ApiToken.objects.exists()


def test_the_owner_lists_and_revokes_their_token(cast, client):
    key = new_token(client, "carol", name="laptop")["token"]
    spare = new_token(client, "carol", name="script")["token"]
    bearer(client, key)
    listed = bearer(client, key, "/api/v1/auth/tokens").json()
    assert [t["name"] for t in listed] == ["script", "laptop"]
    assert listed[1]["last_used_at"] is not None
    assert all(t["state"] == "active" for t in listed)
    script_id = listed[0]["id"]
    response = bearer(client, key, f"/api/v1/auth/tokens/{script_id}/revoke", "post")
    assert response.status_code == 200
    assert response.json()["state"] == "revoked"
    assert bearer(client, spare).status_code == 401
    assert bearer(client, key).status_code == 200


def test_an_office_admin_revokes_a_token_of_a_volunteer_in_their_region(cast, client, client_for):
    key = new_token(client, "carol")["token"]
    token = ApiToken.objects.get()
    bob = client_for(cast.bob)
    assert bob.get("/api/v1/auth/users/carol/tokens").json()[0]["id"] == token.pk
    assert bob.post(f"/api/v1/auth/tokens/{token.pk}/revoke").status_code == 200
    assert bearer(client, key).status_code == 401
    token.refresh_from_db()
    assert (token.revoked_reason, token.revoked_by) == ("admin", cast.bob)


def test_others_cannot_see_or_revoke_a_token(cast, client, client_for):
    key = new_token(client, "carol")["token"]
    token = ApiToken.objects.get()
    cast.carol.community = cast.b1  # now outside bob's subdistrict
    cast.carol.save(update_fields=["community"])
    for outsider in (cast.bob, cast.erin):
        other = client_for(outsider)
        assert other.get("/api/v1/auth/users/carol/tokens").status_code == 404
        assert other.post(f"/api/v1/auth/tokens/{token.pk}/revoke").status_code == 404
        assert other.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    assert bearer(client, key).status_code == 200


def test_suspension_revokes_every_token(cast, client, client_for):
    key = new_token(client, "carol")["token"]
    response = client_for(cast.alice).post(
        f"/api/v1/volunteers/{cast.carol.volunteer_no}/suspend",
        {"reason": "违反服务守则"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert bearer(client, key).status_code == 401
    assert ApiToken.objects.get().revoked_reason == "suspended"


def test_anonymisation_ends_every_token(cast, client, client_for):
    key = new_token(client, "carol")["token"]
    response = client_for(cast.alice).post(
        f"/api/v1/privacy/volunteers/{cast.carol.volunteer_no}/anonymise",
        {"reason": "本人申请注销", "confirm": cast.carol.volunteer_no},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert bearer(client, key).status_code == 401


def test_the_tokens_page_lists_and_revokes(cast, client, client_for):
    new_token(client, "carol", name="laptop")
    token = ApiToken.objects.get()
    page = client_for(cast.carol_user)
    listing = page.get("/accounts/tokens/")
    assert listing.status_code == 200
    assert f'data-state="active" id="token-{token.pk}"' in listing.content.decode()
    response = page.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.state == "revoked"
    admin_view = client_for(cast.bob).get("/accounts/users/carol/tokens/")
    assert admin_view.status_code == 200 and 'data-state="revoked"' in admin_view.content.decode()
