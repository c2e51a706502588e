"""Attack: make the API answer outside its JSON error shape (HTML pages, wrong statuses).

A body over the size limit got Django's HTML 400 page; a non-manager asking who is present
at a station got a 400 "invalid input" instead of a 403. Every answer of the API is
`{"code", "message", "errors"}` with the status that says what happened.
"""

import pytest

from zhiyuan.stations.models import Station

pytestmark = pytest.mark.django_db


def test_a_body_over_the_size_limit_is_a_json_413(cast, client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = '{"real_name": "' + "张" * 2000 + '"}'
    response = client.post("/api/v1/help-requests", body, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "too_large"
    assert set(response.json()) == {"code", "message", "errors"}


def test_a_non_manager_asking_who_is_present_is_a_403(cast, client_for):
    station = Station.objects.create(
        name="新兴社区志愿服务站",
        kind=Station.Kind.COMMUNITY,
        region=cast.a1,
        address="新兴路1号",
        latitude="39.120000",
        longitude="117.185000",
    )
    station.managers.add(cast.bob)
    response = client_for(cast.carol_user).get(f"/api/v1/stations/{station.pk}/present")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert client_for(cast.bob).get(f"/api/v1/stations/{station.pk}/present").status_code == 200
    page = client_for(cast.carol_user).get(f"/service/stations/{station.pk}/live/")
    assert page.status_code == 403


def test_an_unexpected_error_is_a_json_500(cast, client_for, monkeypatch):
    from zhiyuan.accounts import api as accounts_api

    def broken(user):
        raise RuntimeError("boom")

    monkeypatch.setattr(accounts_api.scopes, "roles_of", broken)
    client = client_for(cast.alice)
    client.raise_request_exception = False
    response = client.get("/api/v1/auth/me")
    assert response.status_code == 500
    assert response.json()["code"] == "server_error"
