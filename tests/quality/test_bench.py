"""The bench stays honest: every row answers its page, and a broken row stops the bench by name."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from bench.clients import HOST, RowFailed, check, checked, client

ROOT = Path(__file__).resolve().parents[2]


def test_quick_bench_answers_every_row(tmp_path):
    """`make bench` in small: 300 volunteers, 3 requests a row, every row once through gunicorn."""
    env = {**os.environ}
    args = []
    database_url = env.get("DATABASE_URL", "")
    if database_url.startswith(("postgres://", "postgresql://")):
        parts = urlsplit(database_url)
        name = parts.path.lstrip("/") or "zhiyuan"
        env["BENCH_DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}_quick_bench"))
        args.append("--no-sqlite")
    done = subprocess.run(  # noqa: S603 (the repository's own bench)
        [
            sys.executable,
            str(ROOT / "bench" / "run.py"),
            "--volunteers",
            "300",
            "--requests",
            "3",
            "--warmup",
            "1",
            "--import-rows",
            "100",
            "--export-rows",
            "1000",
            "--no-load",
            "--no-matching",
            "--e2e-seconds",
            "0",
            "--results-dir",
            str(tmp_path),
            *args,
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:] + done.stdout[-2000:]
    (results,) = [json.loads(p.read_text()) for p in tmp_path.glob("*.json")]
    assert any(key.startswith("dashboard page") for key in results["reports"])
    assert results["end_to_end"]["rows"]["sign-in page"]["bytes"] > 0
    assert results["targets"]["check-in burst POST"]["lost"] == 0


@pytest.mark.django_db
def test_a_missing_page_stops_the_bench_with_the_rows_name():
    with pytest.raises(RowFailed) as failed:
        checked("news page", client().get("/news/no-such-page/"), 'id="news-list"')
    assert "'news page'" in str(failed.value)
    assert "status 404" in str(failed.value)


@pytest.mark.django_db
def test_a_host_the_settings_refuse_stops_the_bench(settings):
    settings.ALLOWED_HOSTS = [HOST]
    from django.test import Client

    with pytest.raises(RowFailed, match="'home page'.*status 400"):
        checked("home page", Client(HTTP_HOST="elsewhere.example").get("/"), "headline")


def test_an_answer_without_its_marker_stops_the_bench_with_the_first_lines():
    with pytest.raises(RowFailed) as failed:
        check("roster page", 200, b"<h1>Sign in</h1>\n<form>", 'id="roster"')
    message = str(failed.value)
    assert "'roster page'" in message and "marker" in message and "<h1>Sign in</h1>" in message


@pytest.mark.django_db
def test_bench_clients_name_an_allowed_host(settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    assert client().get("/accounts/login/").status_code == 200
