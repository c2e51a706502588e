"""Signing in, API tokens, roles and scopes, and the API's error shapes."""

import pytest

from zhiyuan.accounts import scopes
from zhiyuan.accounts.models import ApiToken, Role
from zhiyuan.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_page_signs_in_by_username(cast, client):
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/api/v1/auth/me").json()["username"] == "alice"


def test_login_with_a_wrong_password_shows_an_error(cast, client):
    response = client.post("/accounts/login/", {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated


def test_token_from_password_then_bearer_calls(cast, client):
    response = client.post(
        "/api/v1/auth/token",
        {"username": "alice", "password": PASSWORD, "name": "script"},
        content_type="application/json",
    )
    assert response.status_code == 201
    token = response.json()["token"]
    assert ApiToken.objects.get().key_hash == ApiToken.hash_key(token)
    assert token not in str(ApiToken.objects.values().get())
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["roles"] == ["district_admin", "resident"]


def test_bad_credentials_are_a_401(cast, client):
    response = client.post(
        "/api/v1/auth/token",
        {"username": "alice", "password": "wrong"},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert response.json()["code"] == "bad_credentials"


def test_unknown_bearer_token_is_a_401(cast, client):
    response = client.get("/api/v1/auth/me", headers={"Authorization": "Bearer zy_nope"})
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_session_writes_need_the_csrf_token(cast):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.alice)
    response = client.post(f"/api/v1/volunteers/{cast.dave.volunteer_no}/approve")
    assert response.status_code == 403
    assert "CSRF" in response.json()["message"]


def test_roles_of_each_member_of_the_cast(cast):
    assert scopes.roles_of(cast.alice) == {Role.DISTRICT_ADMIN, Role.RESIDENT}
    assert scopes.roles_of(cast.carol_user) == {Role.VOLUNTEER, Role.RESIDENT}
    assert scopes.roles_of(cast.erin) == {Role.RESIDENT}
    from django.contrib.auth.models import AnonymousUser

    assert scopes.roles_of(AnonymousUser()) == frozenset()


def test_region_scope_covers_the_subtree_only(cast):
    assert scopes.administers_region(cast.alice, cast.b1)
    assert scopes.administers_region(cast.bob, cast.a2)
    assert not scopes.administers_region(cast.bob, cast.b1)
    assert not scopes.administers_region(cast.bob, cast.district)
    assert not scopes.administers_region(cast.carol_user, cast.a1)


def test_unknown_volunteer_is_a_404_with_the_error_shape(cast, client_for):
    response = client_for(cast.alice).get("/api/v1/volunteers/ZY99999999")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_openapi_document_and_docs_are_served(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/volunteers" in schema["paths"]
    assert client.get("/api/v1/docs").status_code == 200
