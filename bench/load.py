"""The civility-day load test: gunicorn workers on the bench database, locust driving them.

Called by bench/run.py's child after the in-process timings, in the configured Django
process: it prepares a civility-day shift at one station with LOAD_ACCOUNTS volunteers who
have accounts and confirmed places, starts gunicorn on the same database and data directory,
runs bench/locustfile.py headless, and reads locust's CSV: throughput, p50/p95/p99 and
errors per request kind, and whether every volunteer who scanned got exactly one check-in.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.clients import HOST

ROOT = Path(__file__).resolve().parent.parent
LOAD_ACCOUNTS = 600
LOAD_USERS = 150  # simultaneous locust users
LOAD_SPAWN_RATE = 5  # sign-ins hash at full PBKDF2 cost: they arrive over the first 30 s
LOAD_SECONDS = 60
WORKERS = 3
PASSWORD = "civility-day-0812"  # noqa: S105 (bench accounts only)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def prepare(admin, project) -> dict:
    """A shift happening now at an open station, with LOAD_ACCOUNTS signed-up volunteers."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from zhiyuan.accounts.models import User
    from zhiyuan.projects import scheduling
    from zhiyuan.projects.models import SignUp
    from zhiyuan.stations.models import Station
    from zhiyuan.volunteers.models import Volunteer

    station = Station.objects.filter(status="open").order_by("-id").first()
    now = timezone.now()
    activity = scheduling.create_activity(
        actor=admin,
        project=project,
        title="文明礼让日 08:00",
        station=station,
        starts_at=now - dt.timedelta(minutes=10),
        ends_at=now + dt.timedelta(hours=3),
    )
    shift = scheduling.create_shift(
        actor=admin,
        activity=activity,
        role="文明交通引导",
        starts_at=activity.starts_at,
        ends_at=activity.ends_at,
        capacity=LOAD_ACCOUNTS,
    )
    busy = SignUp.objects.filter(starts_at__lt=shift.ends_at, ends_at__gt=shift.starts_at).values(
        "volunteer"
    )
    volunteers = list(
        Volunteer.objects.filter(status="active", user__isnull=True).exclude(pk__in=busy)[
            :LOAD_ACCOUNTS
        ]
    )
    # One hash for all: the same password hashed once (PBKDF2 at full strength per account
    # would take minutes); each sign-in still verifies it at full cost.
    encoded = make_password(PASSWORD)
    usernames = []
    for volunteer in volunteers:
        user = User.objects.create(username=f"load-{volunteer.volunteer_no}", password=encoded)
        Volunteer.objects.filter(pk=volunteer.pk).update(user=user)
        SignUp.objects.create(
            shift=shift,
            volunteer=volunteer,
            state="confirmed",
            starts_at=shift.starts_at,
            ends_at=shift.ends_at,
        )
        usernames.append(user.username)
    return {
        "shift": shift,
        "setup": {
            "password": PASSWORD,
            "usernames": usernames,
            "token": station.checkin_token,
            "latitude": float(station.latitude),
            "longitude": float(station.longitude),
        },
    }


def wait_until_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer at {url}")


def read_stats(path: Path) -> dict:
    rows = {}
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            name = row["Name"]
            rows[name] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rps": float(row["Requests/s"]),
                "p50_ms": float(row["50%"] or 0),
                "p95_ms": float(row["95%"] or 0),
                "p99_ms": float(row["99%"] or 0),
            }
    return rows


def read_failures(path: Path) -> list[str]:
    """Locust's failures file: one line per request kind and error, with its count."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        return [
            f"{row['Method']} {row['Name']}: {row['Error'][:200]} (× {row['Occurrences']})"
            for row in csv.DictReader(handle)
        ]


def run(admin, project) -> dict:
    from django.db import connection

    from zhiyuan.service.models import Attendance

    prepared = prepare(admin, project)
    shift = prepared["shift"]
    connection.close()  # gunicorn's workers take the database from here
    port = free_port()
    host = f"http://{HOST}:{port}"
    env = {**os.environ, "ZHIYUAN_ALLOWED_HOSTS": HOST, "ZHIYUAN_DEBUG": "0"}
    with tempfile.TemporaryDirectory(prefix="zhiyuan-load-") as tmp:
        setup_file = Path(tmp) / "users.json"
        setup_file.write_text(json.dumps(prepared["setup"]), encoding="utf-8")
        server = subprocess.Popen(  # noqa: S603 (our own server)
            [
                sys.executable,
                "-m",
                "gunicorn",
                "zhiyuan.config.wsgi:application",
                "--workers",
                str(WORKERS),
                "--bind",
                f"127.0.0.1:{port}",
                "--preload",
                "--timeout",
                "120",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=ROOT,
        )
        try:
            wait_until_up(f"{host}/")
            prefix = Path(tmp) / "locust"
            subprocess.run(  # noqa: S603 (locust, our scenario)
                [
                    sys.executable,
                    "-m",
                    "locust",
                    "-f",
                    str(ROOT / "bench" / "locustfile.py"),
                    "--headless",
                    "--users",
                    str(LOAD_USERS),
                    "--spawn-rate",
                    str(LOAD_SPAWN_RATE),
                    "--run-time",
                    f"{LOAD_SECONDS}s",
                    "--host",
                    host,
                    "--csv",
                    str(prefix),
                    "--only-summary",
                    "--loglevel",
                    "WARNING",
                ],
                env={**env, "ZHIYUAN_LOAD_USERS": str(setup_file)},
                check=False,
                cwd=ROOT,
                timeout=LOAD_SECONDS + 120,
            )
            stats = read_stats(Path(f"{prefix}_stats.csv"))
            failures = read_failures(Path(f"{prefix}_failures.csv"))
        finally:
            server.terminate()
            server.wait(timeout=30)
    failing = {name: row["failures"] for name, row in stats.items() if row["failures"]}
    if failing:
        raise SystemExit(
            f"bench load test failed: requests that got an error or lacked their marker {failing}\n"
            + "\n".join(f"    {line}" for line in failures[:8])
        )
    made = Attendance.objects.filter(shift=shift).count()
    people = Attendance.objects.filter(shift=shift).values("volunteer").distinct().count()
    scans = stats.get("check in", {}).get("requests", 0) - stats.get("check in", {}).get(
        "failures", 0
    )
    return {
        "workers": WORKERS,
        "users": LOAD_USERS,
        "seconds": LOAD_SECONDS,
        "requests": stats,
        "checkins": made,
        "checkin_successes": scans,
        "doubled": made - people,
    }


def print_report(result: dict) -> None:
    print(
        f"\ncivility-day load: {result['users']} users for {result['seconds']} s against "
        f"gunicorn × {result['workers']} workers"
    )
    header = (
        f"{'':16}{'requests':>9}{'errors':>8}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
    )
    print(header)
    print("-" * len(header))
    for name, row in result["requests"].items():
        print(
            f"{name:16}{row['requests']:>9}{row['failures']:>8}{row['rps']:>8.1f}"
            f"{row['p50_ms']:>8.0f}{row['p95_ms']:>8.0f}{row['p99_ms']:>8.0f}"
        )
    print(
        f"check-ins: {result['checkins']} made for {result['checkin_successes']} successful scans, "
        f"doubled {result['doubled']}"
    )
