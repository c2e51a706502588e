"""End to end: the platform and a bare Django view, each behind gunicorn, driven by wrk.

Called by bench/run.py's child with its rows, the signed-in clients' cookies and a bearer
token. It starts two gunicorns the same way (ENDTOEND_WORKERS sync workers, production
settings: ZHIYUAN_DEBUG=0 and the child's database and data directory): the platform, and
bench/bare.py, a Django project with one JSON view and no middleware, both with the
production gunicorn configuration (zhiyuan.config.gunicorn). Each row is first
requested once and checked (status and marker), then driven by `wrk -t2 -c16` for
`seconds`, with bench/wrk.lua checking every answer. The bare view is driven first and
last; its mean is the 1 of the "× bare" column.
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.clients import HOST, RowFailed, check  # noqa: E402 (after the path)

ENDTOEND_WORKERS = 2
WRK_THREADS = 2
WRK_CONNECTIONS = 16
BARE_PATH = "/bare/"
BARE_MARKER = '"items"'


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start(app: str, port: int) -> subprocess.Popen:
    """gunicorn as `zhiyuan serve` runs it (zhiyuan.config.gunicorn), ENDTOEND_WORKERS workers.

    Both servers get the same configuration: preloaded sync workers, persistent database
    connections; the access log is off for both (it would flood the bench's output).
    """
    env = {
        **os.environ,
        "ZHIYUAN_DEBUG": "0",
        "ZHIYUAN_WEB_WORKERS": str(ENDTOEND_WORKERS),
        "ZHIYUAN_WEB_THREADS": "1",
        "ZHIYUAN_BIND": f"{HOST}:{port}",
        "ZHIYUAN_ACCESS_LOG": "",
        "PYTHONPATH": pythonpath(),
    }
    return subprocess.Popen(  # noqa: S603 (our own servers)
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "python:zhiyuan.config.gunicorn",
            "--log-level",
            "warning",
            app,
        ],
        env=env,
        cwd=ROOT,
    )


def pythonpath() -> str:
    """The repository (for bench.bare) before whatever the caller had (a worktree's src)."""
    return os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)


def get(port: int, path: str, headers: dict) -> tuple[int, bytes]:
    """One GET, redirects not followed: a redirect to the sign-in page is a failure."""
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def wait_until_up(port: int, path: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn on port {port} exited with status {server.returncode}")
        try:
            get(port, path, {})
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn on port {port} did not answer within {seconds:.0f} s")


def workers_cpu(server: subprocess.Popen) -> float:
    """CPU seconds (user and system) the server's workers have used so far, from Linux's
    /proc (0 elsewhere). Per request it says how much of ms/req was work and how much was
    waiting: for the database's lock, or for a core on a machine shared with other work.

    The live workers' own time plus what the master has collected from the workers it
    reaped (cutime, cstime): a worker gunicorn renews mid-row (max_requests) keeps counting,
    where the live workers' counters alone started again at zero (a negative `cpu ms`)."""
    try:
        master = Path(f"/proc/{server.pid}/stat").read_text().rpartition(")")[2].split()
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    except OSError:
        return 0.0
    ticks = int(master[13]) + int(master[14])  # cutime, cstime: reaped workers
    for pid in children:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:  # a worker that has just exited
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def worker_pids(server: subprocess.Popen) -> frozenset[str]:
    """The server's live workers (Linux's /proc; empty elsewhere): a row whose workers
    differ at its end had one renewed by gunicorn (max_requests) during it, and the new
    worker's first requests (its own caches empty) are in its p99."""
    try:
        return frozenset(Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split())
    except OSError:
        return frozenset()


def wrk(label: str, port: int, path: str, marker: str, headers: dict, seconds: float) -> dict:
    """wrk for `seconds`; every answer checked by bench/wrk.lua. Raises RowFailed on any miss."""
    command = [
        "wrk",
        f"-t{WRK_THREADS}",
        f"-c{WRK_CONNECTIONS}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "-s",
        str(ROOT / "bench" / "wrk.lua"),
    ]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command += [f"http://{HOST}:{port}{path}", "--", marker]
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    summary = None
    example = ""
    for line in done.stdout.splitlines():
        if line.startswith("WRK "):
            summary = json.loads(line[4:])
        elif line.startswith("WRK-BAD "):
            example = line[8:]
    if done.returncode != 0 or summary is None:
        raise SystemExit(f"wrk failed on row {label!r}: {done.stderr or done.stdout}")
    if summary["bad"]:
        status, _sep, body = example.partition(" ")
        raise RowFailed(
            label,
            int(status) if status.isdigit() else 0,
            body.encode(),
            f"{summary['bad']} of {summary['requests']} answers under wrk were not a 200 "
            f"with the marker {marker!r}",
        )
    if not summary["requests"]:
        return sequential(label, port, path, marker, headers)
    rps = summary["requests"] / (summary["duration_us"] / 1e6)
    return {
        "requests": summary["requests"],
        "rps": rps,
        "ms_per_request": ENDTOEND_WORKERS / rps * 1000,
        "mean_ms": summary["mean_us"] / 1000,
        "p50_ms": summary["p50_us"] / 1000,
        "p99_ms": summary["p99_us"] / 1000,
        "socket_errors": summary["socket_errors"],
    }


def sequential(label: str, port: int, path: str, marker: str, headers: dict) -> dict:
    """A row slower than wrk's window: three checked requests one after another instead."""
    durations = []
    for _ in range(3):
        started = time.perf_counter()
        status, body = get(port, path, headers)
        durations.append(time.perf_counter() - started)
        check(label, status, body, marker)
    mean = sum(durations) / len(durations)
    return {
        "requests": len(durations),
        "rps": 1 / mean,
        "ms_per_request": mean * 1000,
        "mean_ms": mean * 1000,
        "p50_ms": sorted(durations)[1] * 1000,
        "p99_ms": max(durations) * 1000,
        "socket_errors": 0,
        "sequential": True,
    }


# ---------------------------------------------------------------- writes

# Distinct volunteers per second of wrk and per write row: more than the platform answers,
# so every request is a different volunteer's first (a scan in ten is repeated at once).
# At 300 the lines ran out before the time did on both write rows: the rows measured the
# bench's own ceiling, 300 a second, and not the platform (the report now marks such a row).
WRITES_PER_SECOND = 1000


@dataclass
class Writes:
    """One write row: a POST per line, each by a different volunteer's browser session."""

    label: str
    lines: list[str]  # index, path, cookie, CSRF token, JSON body (tab-separated)
    volunteers: list[int]  # the volunteer of each line
    marker: str
    expected: int
    verify: Callable[[set[int]], dict]  # answered volunteers -> lost, doubled …


def prepare_writes(admin, count: int) -> list[Writes]:
    """Sign-ups for one shift of 100 places, and check-in scans at one station, by `count`
    volunteers each, signed in as their browsers are (a session cookie and the CSRF token).
    Call before the servers start: the sessions are in the database they read."""
    import datetime as dt
    import json as json_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils import timezone

    from zhiyuan.accounts.models import BrowserSession as Session
    from zhiyuan.accounts.models import User
    from zhiyuan.accounts.sessions import SessionStore
    from zhiyuan.projects import scheduling, services
    from zhiyuan.projects.models import Category, SignUp
    from zhiyuan.service.models import Attendance
    from zhiyuan.stations.models import Station
    from zhiyuan.teams.models import Team
    from zhiyuan.volunteers.models import Volunteer

    now = timezone.now()
    team = Team.objects.filter(status="active").order_by("path").first()
    project = services.create_project(
        actor=admin,
        name=f"端到端写入基准 {secrets.token_hex(3)}",
        category=Category.objects.get(code="civility_guidance"),
        organiser=team,
        starts_on=timezone.localdate() - dt.timedelta(days=1),
        ends_on=timezone.localdate() + dt.timedelta(days=330),
    )
    services.publish_project(actor=admin, project=project)
    later = now.replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=270)
    station = Station.objects.filter(status="open").order_by("id").first()
    shifts = {}
    for name, starts_at, ends_at, capacity in (
        ("signup", later, later + dt.timedelta(hours=3), 100),
        ("scan", now - dt.timedelta(minutes=5), now + dt.timedelta(hours=3), 2 * count),
    ):
        activity = scheduling.create_activity(
            actor=admin,
            project=project,
            title=f"端到端{name}",
            station=station,
            address="" if station else "滨江道",
            starts_at=starts_at,
            ends_at=ends_at,
        )
        shifts[name] = scheduling.create_shift(
            actor=admin,
            activity=activity,
            role="文明引导",
            starts_at=starts_at,
            ends_at=ends_at,
            capacity=capacity,
        )
    busy = SignUp.objects.filter(
        starts_at__lt=shifts["scan"].ends_at, ends_at__gt=shifts["scan"].starts_at
    ).values("volunteer")
    free = list(
        Volunteer.objects.filter(status="active", user__isnull=True)
        .exclude(pk__in=busy)
        .order_by("id")[: 2 * count]
    )
    tag = secrets.token_hex(3)
    users = User.objects.bulk_create(
        [User(username=f"e2e-{tag}-{v.volunteer_no}", password="!") for v in free]  # noqa: S106
    )
    for volunteer, user in zip(free, users, strict=True):
        volunteer.user = user
    Volunteer.objects.bulk_update(free, ["user"])
    backend = settings.AUTHENTICATION_BACKENDS[0]
    sessions, cookies = [], {}
    for volunteer, user in zip(free, users, strict=True):
        store = SessionStore()
        key = store._get_new_session_key()
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: backend,
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        sessions.append(
            Session(
                session_key=key,
                session_data=store.encode(data),
                expire_date=store.get_expiry_date(),
                user=user,
            )
        )
        csrf = secrets.token_hex(16)  # 32 characters: a CSRF secret the cookie and header share
        cookies[volunteer.pk] = (
            f"{settings.SESSION_COOKIE_NAME}={key}; {settings.CSRF_COOKIE_NAME}={csrf}",
            csrf,
        )
    Session.objects.bulk_create(sessions)
    signers, scanners = free[:count], free[count:]
    scan_shift = shifts["scan"]
    SignUp.objects.bulk_create(
        [
            SignUp(
                shift=scan_shift,
                volunteer=v,
                state="confirmed",
                starts_at=scan_shift.starts_at,
                ends_at=scan_shift.ends_at,
            )
            for v in scanners
        ]
    )
    scan_body = json_module.dumps(
        {
            "token": station.checkin_token,
            "longitude": float(station.longitude),
            "latitude": float(station.latitude),
        }
    )
    scan_order = []  # each volunteer once; one in ten again nine lines later (a racing repeat)
    for n, volunteer in enumerate(scanners):
        scan_order.append(volunteer)
        if n % 10 == 9:
            scan_order.append(scanners[n - 8])

    def lines(order, path, body):
        return [
            f"{i}\t{path}\t{cookies[v.pk][0]}\t{cookies[v.pk][1]}\t{body}"
            for i, v in enumerate(order)
        ]

    def verify_signups(answered: set[int]) -> dict:
        rows = list(
            SignUp.objects.filter(shift=shifts["signup"]).values_list("volunteer_id", "state")
        )
        people = {volunteer for volunteer, _state in rows}
        confirmed = sum(state == "confirmed" for _v, state in rows)
        return {
            "lost": len(answered - people),
            "doubled": len(rows) - len(people),
            "over_capacity": max(0, confirmed - 100),
        }

    def verify_scans(answered: set[int]) -> dict:
        rows = list(
            Attendance.objects.filter(shift=scan_shift).values_list("volunteer_id", flat=True)
        )
        return {"lost": len(answered - set(rows)), "doubled": len(rows) - len(set(rows))}

    return [
        Writes(
            "sign-up POST (100 places)",
            lines(signers, f"/api/v1/shifts/{shifts['signup'].pk}/signups", ""),
            [v.pk for v in signers],
            '"state"',
            201,
            verify_signups,
        ),
        Writes(
            "check-in scan POST",
            lines(scan_order, "/api/v1/checkins", scan_body),
            [v.pk for v in scan_order],
            '"checked_in_at"',
            200,
            verify_scans,
        ),
    ]


def wrk_writes(port: int, writes: Writes, seconds: float) -> dict:
    """wrk POSTs every line once (or until `seconds`), each by its volunteer; then the
    database is checked against the answers: none lost, none doubled."""
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as handle:
        handle.write("\n".join(writes.lines) + "\n")
    try:
        command = [
            "wrk",
            f"-t{WRK_THREADS}",
            f"-c{WRK_CONNECTIONS}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "10s",
            "-s",
            str(ROOT / "bench" / "wrk_writes.lua"),
            f"http://{HOST}:{port}/",
            "--",
            handle.name,
            writes.marker,
            str(writes.expected),
            str(WRK_THREADS),
        ]
        done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    finally:
        os.unlink(handle.name)
    summary, answered, example = None, [], ""
    for line in done.stdout.splitlines():
        if line.startswith("WRK "):
            summary = json.loads(line[4:])
        elif line.startswith("WRK-ANSWERED"):
            answered = [int(i) for i in line.split()[1:]]
        elif line.startswith("WRK-BAD "):
            example = line[8:]
    if done.returncode != 0 or summary is None:
        raise SystemExit(f"wrk failed on row {writes.label!r}: {done.stderr or done.stdout}")
    if summary["bad"]:
        status, _sep, body = example.partition(" ")
        raise RowFailed(
            writes.label,
            int(status) if status.isdigit() else 0,
            body.encode(),
            f"{summary['bad']} of {len(answered) + summary['bad']} answers under wrk were not "
            f"a {writes.expected} with the marker {writes.marker!r}",
        )
    checked = writes.verify({writes.volunteers[i] for i in answered})
    if checked["lost"] or checked["doubled"] or checked.get("over_capacity"):
        raise SystemExit(f"bench row {writes.label!r} failed: {checked}")
    rps = len(answered) / (summary["duration_us"] / 1e6)
    return {
        "requests": len(answered),
        "all_requests": summary["requests"],
        "rps": rps,
        "ms_per_request": ENDTOEND_WORKERS / rps * 1000,
        "mean_ms": summary["mean_us"] / 1000,
        "p50_ms": summary["p50_us"] / 1000,
        "p99_ms": summary["p99_us"] / 1000,
        "socket_errors": summary["socket_errors"],
        # Every line was sent before the time was up: the platform answered faster than
        # WRITES_PER_SECOND, and req/s is a floor.
        "ran_out": bool(summary["exhausted"]),
        **checked,
    }


def headers_for(who: str, cookies: dict, bearer: str) -> dict:
    if who == "token":
        return {"Authorization": f"Bearer {bearer}"}
    if who == "anonymous":
        return {}
    jar = cookies[who]
    return {"Cookie": "; ".join(f"{name}={morsel.value}" for name, morsel in jar.items())}


def collect_static() -> None:
    """Hashed static storage needs its manifest before a page can name a file."""
    from django.conf import settings
    from django.core.management import call_command

    backend = settings.STORAGES.get("staticfiles", {}).get("BACKEND", "")
    if "Manifest" in backend:
        call_command("collectstatic", interactive=False, verbosity=0)


def run(rows, *, cookies: dict, bearer: str, seconds: float, admin=None) -> dict:
    """Serve, check each row once, and (seconds > 0) drive each with wrk; with `admin`
    (and seconds > 0), the write rows too (prepare_writes)."""
    from django.db import connection

    if seconds > 0 and shutil.which("wrk") is None:
        raise SystemExit(
            "wrk is not installed: `apt-get install wrk` (Debian), or skip this part with --no-e2e"
        )
    writes = (
        prepare_writes(admin, max(200, round(WRITES_PER_SECOND * seconds)))
        if admin is not None and seconds > 0
        else []
    )
    from zhiyuan.volunteers.models import Volunteer

    volunteers = Volunteer.objects.count()  # the table names the size: runs at several compare
    connection.close()  # the servers' workers take the database from here (static: run.py)
    app_port, bare_port = free_port(), free_port()
    servers = [
        start("zhiyuan.config.wsgi:application", app_port),
        start("bench.bare:application", bare_port),
    ]
    results: dict = {
        "workers": ENDTOEND_WORKERS,
        "wrk": f"-t{WRK_THREADS} -c{WRK_CONNECTIONS}",
        "seconds": seconds,
        "volunteers": volunteers,
        "rows": {},
    }
    try:
        wait_until_up(app_port, "/", servers[0])
        wait_until_up(bare_port, BARE_PATH, servers[1])
        targets = [("bare view (first)", bare_port, BARE_PATH, BARE_MARKER, {})]
        targets += [
            (row.label, app_port, row.path, row.marker, headers_for(row.who, cookies, bearer))
            for row in rows
        ]
        targets.append(("bare view (last)", bare_port, BARE_PATH, BARE_MARKER, {}))
        server_of = {app_port: servers[0], bare_port: servers[1]}
        for label, port, path, marker, headers in targets:
            for _ in range(2 * ENDTOEND_WORKERS):  # each worker warms up (and caches)
                status, body = get(port, path, headers)
                check(label, status, body, marker)
            row = {"path": path, "bytes": len(body)}
            if seconds > 0:
                wrk(label, port, path, marker, headers, 1)  # warms every worker (and its caches)
                cpu, pids = workers_cpu(server_of[port]), worker_pids(server_of[port])
                row |= wrk(label, port, path, marker, headers, seconds)
                cpu = workers_cpu(server_of[port]) - cpu
                row["renewed"] = worker_pids(server_of[port]) != pids
                row["cpu_ms"] = cpu * 1000 / row["requests"] if row["requests"] else 0.0
                print(
                    f"  {label:32}{row['rps']:>9.0f} req/s  p99 {row['p99_ms']:>7.1f} ms",
                    flush=True,
                )
            results["rows"][label] = row
        for write in writes:
            row = {"path": write.lines[0].split("\t")[1], "bytes": 0}
            cpu, pids = workers_cpu(servers[0]), worker_pids(servers[0])
            row |= wrk_writes(app_port, write, seconds)
            cpu = workers_cpu(servers[0]) - cpu
            row["renewed"] = worker_pids(servers[0]) != pids
            row["cpu_ms"] = cpu * 1000 / row["all_requests"] if row["all_requests"] else 0.0
            results["rows"][write.label] = row
            print(
                f"  {write.label:32}{row['rps']:>9.0f} req/s  p99 {row['p99_ms']:>7.1f} ms  "
                f"lost {row['lost']}, doubled {row['doubled']}",
                flush=True,
            )
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
    if seconds > 0:
        bare = (
            results["rows"]["bare view (first)"]["rps"] + results["rows"]["bare view (last)"]["rps"]
        ) / 2
        results["bare_rps"] = bare
        for row in results["rows"].values():
            row["x_bare"] = row["rps"] / bare
    return results


def print_report(results: dict) -> None:
    rows = results["rows"]
    if not results["seconds"]:
        print(f"\nend to end: {len(rows)} rows answered through gunicorn (untimed)", flush=True)
        return
    print(
        f"\nend to end, {results['volunteers']:,} volunteers: gunicorn × {results['workers']} "
        "sync workers (production settings) vs a "
        f"bare Django view served the same way; wrk {results['wrk']}, "
        f"{results['seconds']:g} s a row\n"
    )
    header = (
        f"{'':32}{'req/s':>8}{'× bare':>8}{'ms/req':>8}{'cpu ms':>8}{'p50 ms':>8}{'p99 ms':>8}"
        f"{'bytes':>8}"
    )
    print(header)
    print("-" * len(header))
    for label, row in rows.items():
        mark = ("*" if row.get("renewed") else "") + ("†" if row.get("ran_out") else "")
        print(
            f"{label + mark:32}{row['rps']:>8.0f}{row['x_bare']:>8.3f}{row['ms_per_request']:>8.2f}"
            f"{row.get('cpu_ms', 0):>8.2f}{row['p50_ms']:>8.1f}{row['p99_ms']:>8.1f}"
            f"{row['bytes']:>8}"
        )
    print(
        "(ms/req = workers ÷ req/s: the server time one request costs; cpu ms = the CPU the "
        "workers used for it, the rest of ms/req is waiting; × bare against the mean of the "
        "two bare rows)",
        flush=True,
    )
    if any(row.get("ran_out") for row in rows.values()):
        print(
            "† every line was sent before the time was up: its req/s is a floor, not the "
            "platform's rate (raise WRITES_PER_SECOND)",
            flush=True,
        )
    if any(row.get("renewed") for row in rows.values()):
        print(
            "* gunicorn renewed a worker during this row (max_requests): its p99 holds the new "
            "worker's first requests",
            flush=True,
        )


def main() -> int:
    """Standalone, against a database that holds the demo: `bench/endtoend.py [--seconds 10]`."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument(
        "--no-writes", action="store_true", help="skip the two write rows (they write the database)"
    )
    parser.add_argument("rows", nargs="*", help="row labels (all when none)")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhiyuan.config.settings")
    os.environ.setdefault("ZHIYUAN_ALLOWED_HOSTS", HOST)
    import django

    django.setup()
    collect_static()
    from bench.clients import client
    from bench.run import ROWS, row_ids
    from zhiyuan.accounts.models import User
    from zhiyuan.accounts.services import issue_api_token
    from zhiyuan.projects.models import Project

    admin = User.objects.get(username="admin")
    project = Project.objects.filter(state="published").order_by("-id").first()
    ids = row_ids(project)
    rows = [row.filled(ids) for row in ROWS if not args.rows or row.label in args.rows]
    _token, key = issue_api_token(actor=admin, name="bench")
    cookies = {
        "admin": client(admin).cookies,
        "volunteer": client(User.objects.get(username="volunteer")).cookies,
    }
    writer = None if args.no_writes else admin
    print_report(run(rows, cookies=cookies, bearer=key, seconds=args.seconds, admin=writer))
    return 0


if __name__ == "__main__":
    sys.exit(main())
