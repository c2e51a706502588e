"""/healthz for load balancers, /metrics for Prometheus, a request id on every response."""

import datetime as dt

import pytest
from django.db import OperationalError, connection
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_a_healthy_host_answers_200_with_each_check(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {"database", "cache", "disk", "tasks"} <= set(body["checks"])
    assert response["Cache-Control"].startswith("max-age=0")


def test_an_unreachable_database_answers_503(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {
        "ok": False,
        "error": "OperationalError",
        "ms": response.json()["checks"]["database"]["ms"],
    }


def test_a_nearly_full_disk_answers_503(client, settings):
    settings.HEALTH_MIN_FREE_MB = 10**12
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["disk"]["ok"] is False


def test_a_stale_task_queue_is_reported_without_taking_the_host_out(client, settings):
    from django_tasks_db.models import DBTaskResult

    from zhiyuan.notifications.tasks import deliver_messages

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    deliver_messages.enqueue([])
    DBTaskResult.objects.update(enqueued_at=timezone.now() - dt.timedelta(hours=1))
    response = client.get("/healthz")
    assert response.status_code == 200
    tasks = response.json()["checks"]["tasks"]
    assert tasks["stale"] is True
    assert tasks["queued"] == 1
    assert tasks["oldest_seconds"] >= 3600


def test_metrics_show_request_latency_and_the_task_queue(client):
    client.get("/")
    response = client.get("/metrics")
    assert response.status_code == 200
    text = response.content.decode()
    assert "django_http_requests_latency_seconds_by_view_method" in text
    assert "zhiyuan_tasks_queued" in text
    assert "zhiyuan_tasks_failed" in text


def test_metrics_are_refused_to_anyone_else(client, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    response = client.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert response.status_code == 403


def test_every_response_carries_a_request_id(client):
    made = client.get("/healthz")["X-Request-ID"]
    assert len(made) == 32
    assert client.get("/healthz", HTTP_X_REQUEST_ID="abcdef0123456789")["X-Request-ID"] == (
        "abcdef0123456789"
    )
    assert client.get("/healthz", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"] != "<script>"
