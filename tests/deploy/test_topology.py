"""The production topology on loopback: nginx in front of two gunicorn instances, PostgreSQL,
Redis and an RQ worker, all with production settings (`zhiyuan serve`, deploy/nginx).

The test starts everything itself and stops it afterwards. PostgreSQL is reached through a
small TCP relay run by the test, so "the database is down" means the relay stops answering
(the machine's real PostgreSQL keeps running for everyone else). Ports 8140-8149; Redis
database 4, emptied first.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
NGINX_PORT, APP_PORTS, DB_RELAY_PORT = 8140, (8141, 8142), 8149
REDIS_URL = "redis://127.0.0.1:6379/4"
DB_NAME = "zy_topology"
REGISTRATIONS_PER_HOUR = 3
PROXY = f"http://127.0.0.1:{NGINX_PORT}"

# One topology at a time: under `make test` (pytest-xdist) this file runs on one worker.
pytestmark = [pytest.mark.postgres, pytest.mark.deploy, pytest.mark.xdist_group("topology")]


def _postgres_server() -> tuple[str, int] | None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return None
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or 5432


def _reachable(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=2).close()
    except OSError:
        return False
    return True


class Relay:
    """A TCP relay to PostgreSQL that can be switched off (every connection cut) and on."""

    def __init__(self, port: int, target: tuple[str, int]):
        self.port, self.target = port, target
        self.listener: socket.socket | None = None
        self.open: set[socket.socket] = set()
        self.lock = threading.Lock()

    def start(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", self.port), reuse_port=False)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def stop(self) -> None:
        listener, self.listener = self.listener, None
        if listener is not None:
            # shutdown() wakes the thread blocked in accept(); close() alone would not, and
            # the socket would go on listening.
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        with self.lock:
            for sock in self.open:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self.open.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _addr = listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            with self.lock:
                self.open |= {client, server}
            for src, dst in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(src, dst), daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (src, dst):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


def _nginx_conf(tmp: Path) -> str:
    upstream = "\n".join(f"        server 127.0.0.1:{port};" for port in APP_PORTS)
    return f"""
worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/nginx-body;
    proxy_temp_path {tmp}/nginx-proxy;
    server_tokens off;
    upstream zhiyuan {{
{upstream}
        keepalive 8;
    }}
    server {{
        listen 127.0.0.1:{NGINX_PORT};
        client_max_body_size 12m;
        location / {{
            include {ROOT}/deploy/nginx/zhiyuan-proxy.conf;
            proxy_pass http://zhiyuan;
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""


def _wait_for(url: str, seconds: float, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"{url}: exited {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            requests.get(url, timeout=2)
            return
        except requests.ConnectionError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer in {seconds:.0f} s:\n{log.read_text()[-3000:]}")


def _run(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    handle = log.open("w")
    return subprocess.Popen(  # noqa: S603 - our own commands
        args, env=env, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT
    )


@pytest.fixture(scope="module")
def topology():
    pg = _postgres_server()
    if pg is None or not _reachable(*pg):
        pytest.skip("the topology test needs PostgreSQL: set DATABASE_URL=postgres://…")
    if shutil.which("nginx") is None:
        pytest.skip("the topology test needs nginx (Debian: apt-get install nginx-light)")
    if not _reachable("127.0.0.1", 6379):
        pytest.skip("the topology test needs Redis on 127.0.0.1:6379")
    import psycopg
    import redis

    admin_url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")
    redis.Redis.from_url(REDIS_URL).flushdb()

    relay = Relay(DB_RELAY_PORT, pg)
    relay.start()
    tmp = Path(tempfile.mkdtemp(prefix="zhiyuan-topology-"))
    user = urlsplit(os.environ["DATABASE_URL"]).username or "postgres"
    env = {
        # Not the browser tests' async flag (set in this process by tests/e2e/conftest.py):
        # `zhiyuan serve` runs the deployment checks, which refuse it.
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith("ZHIYUAN_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
        },
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
        "DJANGO_SETTINGS_MODULE": "zhiyuan.config.settings",
        "DATABASE_URL": f"postgres://{user}@127.0.0.1:{DB_RELAY_PORT}/{DB_NAME}",
        "ZHIYUAN_DATA_DIR": str(tmp / "data"),
        "ZHIYUAN_DEBUG": "0",
        "ZHIYUAN_SECRET_KEY": secrets.token_urlsafe(50),
        "ZHIYUAN_FIELD_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "ZHIYUAN_CACHE_URL": REDIS_URL,
        "ZHIYUAN_TASKS_BACKEND": "rq",
        "ZHIYUAN_TRUSTED_PROXIES": "127.0.0.1",
        "ZHIYUAN_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "ZHIYUAN_REGISTRATIONS_PER_HOUR": str(REGISTRATIONS_PER_HOUR),
        "ZHIYUAN_NOTIFICATION_CHANNELS": "site",
        "ZHIYUAN_WEB_WORKERS": "2",
    }
    zhiyuan = [sys.executable, "-m", "zhiyuan"]
    processes: list[subprocess.Popen] = []
    try:
        prepare = [
            _run([*zhiyuan, "migrate", "--no-input", "-v0"], env, tmp / "migrate.log"),
            _run([*zhiyuan, "collectstatic", "--no-input", "-v0"], env, tmp / "static.log"),
        ]
        for proc, log in zip(prepare, ("migrate.log", "static.log"), strict=True):
            assert proc.wait(timeout=600) == 0, (tmp / log).read_text()[-3000:]
        seeded = subprocess.run(  # noqa: S603
            [sys.executable, str(ROOT / "tests" / "deploy" / "seed.py")],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert seeded.returncode == 0, seeded.stderr[-3000:]
        seed = json.loads(seeded.stdout.strip().splitlines()[-1])

        for port in APP_PORTS:
            log = tmp / f"web-{port}.log"
            args = [*zhiyuan, "serve", "--no-worker", "--bind", f"127.0.0.1:{port}"]
            processes.append(_run(args, env, log))
        processes.append(_run([*zhiyuan, "worker"], env, tmp / "worker.log"))
        (tmp / "nginx.conf").write_text(_nginx_conf(tmp))
        nginx_log = tmp / "nginx.log"
        processes.append(
            _run(["nginx", "-p", str(tmp), "-c", str(tmp / "nginx.conf")], env, nginx_log)
        )
        for port, proc in zip(APP_PORTS, processes, strict=False):
            _wait_for(f"http://127.0.0.1:{port}/healthz", 180, proc, tmp / f"web-{port}.log")
        _wait_for(f"{PROXY}/healthz", 30, processes[-1], nginx_log)
        yield {
            "seed": seed,
            "relay": relay,
            "tmp": tmp,
            "database": os.environ["DATABASE_URL"].rsplit("/", 1)[0] + f"/{DB_NAME}",
        }
    finally:
        for proc in reversed(processes):
            proc.terminate()
        for proc in processes:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        relay.stop()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        shutil.rmtree(tmp, ignore_errors=True)


def test_static_files_come_hashed_compressed_and_cached_for_a_year(topology):
    page = requests.get(f"{PROXY}/", timeout=10)
    assert page.status_code == 200
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', page.text).group(1)
    assert re.search(r"\.[0-9a-f]{12}\.css$", stylesheet), stylesheet
    response = requests.get(f"{PROXY}{stylesheet}", headers={"Accept-Encoding": "br"}, timeout=10)
    assert response.status_code == 200
    assert "max-age=315360000" in response.headers["Cache-Control"]
    assert "immutable" in response.headers["Cache-Control"]
    assert response.headers["Content-Encoding"] == "br"


def test_the_app_servers_do_not_announce_themselves(topology):
    for port in APP_PORTS:
        response = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=10)
        assert "Server" not in response.headers
    assert requests.get(f"{PROXY}/healthz", timeout=10).headers["Server"] == "nginx"


def test_signed_in_on_one_instance_and_going_on_at_the_other(topology):
    seed = topology["seed"]
    first, second = (f"http://127.0.0.1:{port}" for port in APP_PORTS)
    browser = requests.Session()
    browser.get(f"{first}/accounts/login/", timeout=10)
    signed_in = browser.post(
        f"{first}/accounts/login/",
        data={
            "username": "walker",
            "password": seed["password"],
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
        },
        allow_redirects=False,
        timeout=10,
    )
    assert signed_in.status_code == 302, signed_in.text[:500]
    # The other instance knows the session (sessions live in PostgreSQL, one secret key) and
    # takes the sign-up, whose confirmation goes out through Redis to the RQ worker.
    signup = browser.post(
        f"{second}/api/v1/shifts/{seed['shift']}/signups",
        headers={"X-CSRFToken": browser.cookies["csrftoken"]},
        timeout=10,
    )
    assert signup.status_code == 201, signup.text[:500]
    assert signup.json()["state"] == "confirmed"

    deadline = time.monotonic() + 60
    while _confirmation_status(topology) != "sent":
        if time.monotonic() > deadline:
            worker_log = (topology["tmp"] / "worker.log").read_text()[-3000:]
            raise AssertionError(f"the worker did not deliver the confirmation:\n{worker_log}")
        time.sleep(0.5)
    inbox = browser.get(f"{first}/messages/", timeout=10)
    assert inbox.status_code == 200


def _confirmation_status(topology) -> str | None:
    import psycopg

    with psycopg.connect(topology["database"]) as conn:
        row = conn.execute(
            "SELECT status FROM notifications_message WHERE kind = 'signup_confirmed'"
        ).fetchone()
    return row[0] if row else None


def test_the_registration_limit_counts_each_real_client_across_both_instances(topology):
    body = {
        "real_name": "注册者",
        "id_number": "110101199003070000",
        "phone": "13900000000",
        "community_id": 999_999_999,
        "consent": True,
        "password": "a-long-enough-password-1",
    }

    def register(client: str) -> requests.Response:
        return requests.post(
            f"{PROXY}/api/v1/volunteers",
            json=body,
            headers={"X-Forwarded-For": client},
            timeout=10,
        )

    answered_by = set()
    for _attempt in range(REGISTRATIONS_PER_HOUR):
        response = register("198.51.100.1")
        assert response.status_code == 400, response.text[:300]  # counted, then refused
        answered_by.add(response.headers["X-Upstream"])
    assert answered_by == {f"127.0.0.1:{port}" for port in APP_PORTS}
    assert register("198.51.100.1").status_code == 429
    assert register("198.51.100.1").status_code == 429
    assert register("198.51.100.2").status_code == 400


def test_healthz_answers_503_while_the_database_is_down_and_recovers(topology):
    assert requests.get(f"{PROXY}/healthz", timeout=10).status_code == 200
    topology["relay"].stop()
    try:
        down = requests.get(f"{PROXY}/healthz", timeout=30)
        assert down.status_code == 503
        assert down.json()["checks"]["database"]["ok"] is False
        assert down.json()["checks"]["cache"]["ok"] is True
    finally:
        topology["relay"].start()
    deadline = time.monotonic() + 30
    while requests.get(f"{PROXY}/healthz", timeout=30).status_code != 200:
        assert time.monotonic() < deadline, "/healthz did not recover with the database"
        time.sleep(0.5)


def test_each_request_is_one_json_log_line_with_its_id_and_real_client(topology):
    response = requests.get(
        f"{PROXY}/healthz", headers={"X-Forwarded-For": "198.51.100.7"}, timeout=10
    )
    request_id = response.headers["X-Request-ID"]
    port = response.headers["X-Upstream"].rsplit(":", 1)[1]
    deadline = time.monotonic() + 10
    while True:
        lines = [
            json.loads(line)
            for line in (topology["tmp"] / f"web-{port}.log").read_text().splitlines()
            if line.startswith("{")
        ]
        logged = [line for line in lines if line["request_id"] == request_id]
        if logged or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert len(logged) == 1
    assert logged[0]["client"] == "198.51.100.7"
    assert logged[0]["path"] == "/healthz"
    assert logged[0]["status"] == 200


def test_prometheus_reads_metrics_summed_over_the_workers_and_no_one_else(topology):
    for _request in range(4):
        requests.get(f"{PROXY}/healthz", timeout=10)
    metrics = requests.get(f"http://127.0.0.1:{APP_PORTS[0]}/metrics", timeout=10)
    assert metrics.status_code == 200
    assert "django_http_requests_latency_seconds_by_view_method_bucket" in metrics.text
    assert "zhiyuan_tasks_queued" in metrics.text
    outsider = requests.get(
        f"{PROXY}/metrics", headers={"X-Forwarded-For": "198.51.100.9"}, timeout=10
    )
    assert outsider.status_code == 403
