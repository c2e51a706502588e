"""The civility-day load test through the production topology: nginx in front of two
`zhiyuan serve` instances, Redis for the cache and RQ, on a database that holds the demo.

    DATABASE_URL=postgres://…/zhiyuan_bench ZHIYUAN_DATA_DIR=… ZHIYUAN_SECRET_KEY=… \\
    ZHIYUAN_FIELD_KEY=… ZHIYUAN_CACHE_URL=redis://127.0.0.1:6379/4 ZHIYUAN_TASKS_BACKEND=rq \\
    ZHIYUAN_TRUSTED_PROXIES=127.0.0.1 .venv/bin/python bench/topology.py

The database must be migrated, hold `zhiyuan demo`, and the static files be collected
(`zhiyuan collectstatic`). It prepares the shift and accounts as bench/load.py does, starts
the instances on ports 8143 and 8144 (BENCH_WEB_WORKERS workers each, 3 by default), the
RQ worker and nginx on 8145 with deploy/nginx/zhiyuan-proxy.conf, runs bench/locustfile.py
and prints locust's table, how busy the machine was, and the check-ins made.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhiyuan.config.settings")

import django  # noqa: E402

django.setup()

from bench import load  # noqa: E402
from bench.run import busy_project  # noqa: E402

APP_PORTS, NGINX_PORT = (8143, 8144), 8145


def nginx_conf(tmp: Path) -> str:
    upstream = " ".join(f"server 127.0.0.1:{port};" for port in APP_PORTS)
    return f"""worker_processes 1; daemon off; pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off; client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy;
    upstream zhiyuan {{ {upstream} keepalive 32; }}
    server {{
        listen 127.0.0.1:{NGINX_PORT};
        location / {{
            include {ROOT}/deploy/nginx/zhiyuan-proxy.conf;
            proxy_pass http://zhiyuan;
        }}
    }}
}}
"""


def cpu() -> tuple[int, int]:
    """(idle, total) jiffies of the whole machine so far."""
    with open("/proc/stat") as handle:
        values = [int(v) for v in handle.readline().split()[1:]]
    return values[3] + values[4], sum(values)


def wait_for(url: str, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310 (loopback)
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)


def main() -> None:
    from django.db import connection

    from zhiyuan.accounts.models import User
    from zhiyuan.service.models import Attendance

    admin = User.objects.get(username="admin")
    project, _shift = busy_project(admin)
    prepared = load.prepare(admin, project)
    connection.close()
    tmp = Path(tempfile.mkdtemp(prefix="zhiyuan-topology-load-"))
    setup = tmp / "users.json"
    setup.write_text(json.dumps(prepared["setup"]), encoding="utf-8")
    env = {
        **os.environ,
        "ZHIYUAN_DEBUG": "0",
        "ZHIYUAN_ACCESS_LOG": "",
        "ZHIYUAN_WEB_WORKERS": os.environ.get("BENCH_WEB_WORKERS", "3"),
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
    }
    zhiyuan = [sys.executable, "-m", "zhiyuan"]
    (tmp / "nginx.conf").write_text(nginx_conf(tmp))
    commands = [
        *([*zhiyuan, "serve", "--no-worker", "--bind", f"127.0.0.1:{port}"] for port in APP_PORTS),
        [*zhiyuan, "worker"],
        ["nginx", "-p", str(tmp), "-c", str(tmp / "nginx.conf")],
    ]
    servers = [
        subprocess.Popen(  # noqa: S603 (our own servers)
            command, env=env, stdout=(tmp / f"{i}.log").open("w"), stderr=subprocess.STDOUT
        )
        for i, command in enumerate(commands)
    ]
    try:
        for port in (*APP_PORTS, NGINX_PORT):
            wait_for(f"http://127.0.0.1:{port}/healthz")
        idle, total = cpu()
        subprocess.run(  # noqa: S603 (locust, our scenario)
            [
                *(sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py")),
                *("--headless", "--users", str(load.LOAD_USERS)),
                *("--spawn-rate", str(load.LOAD_SPAWN_RATE), "--run-time", f"{load.LOAD_SECONDS}s"),
                *("--host", f"http://127.0.0.1:{NGINX_PORT}", "--csv", str(tmp / "locust")),
                *("--only-summary", "--loglevel", "WARNING"),
            ],
            env={**env, "ZHIYUAN_LOAD_USERS": str(setup)},
            cwd=ROOT,
            check=False,
            timeout=load.LOAD_SECONDS + 180,
        )
        idle_after, total_after = cpu()
        busy = 1 - (idle_after - idle) / (total_after - total)
        print(f"\nthe machine was {busy:.0%} busy during the run (all processes, all cores)")
        for line in load.read_failures(tmp / "locust_failures.csv")[:10]:
            print(f"    {line}")
        made = Attendance.objects.filter(shift=prepared["shift"])
        print(f"check-ins: {made.count()} for {made.values('volunteer').distinct().count()} people")
        print(f"logs in {tmp}")
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=60)


if __name__ == "__main__":
    main()
