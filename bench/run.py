"""`make bench`: build the demo district in a fresh database, then time the roster against a bare view.

The parent process runs one child per database (SQLite always; PostgreSQL when
BENCH_DATABASE_URL is set), because Django reads its settings once, at import. Each child
migrates an empty database, times `zhiyuan demo`, then requests each page in-process
through the full middleware stack with django.test.Client, signed in as the demo office
admin. Results are printed and written to bench/results/ (not committed).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"

# (label, path): key pages and API reads, and the floor. "{project}" is the benchmark's
# busy project, made after the demo.
TARGETS = [
    ("home page", "/"),
    ("roster page", "/volunteers/manage/"),
    ("roster page ?q=王", f"/volunteers/manage/?q={quote('王')}"),
    ("roster page ?status=pending", "/volunteers/manage/?status=pending"),
    ("roster API page_size=20", "/api/v1/volunteers?page=1&page_size=20"),
    ("team tree page", "/teams/"),
    ("station map page", "/stations/map/"),
    ("project list page", "/projects/"),
    ("project API list", "/api/v1/projects"),
    ("busy project page", "/projects/{project}/"),
    ("bare view", "/bench/bare/"),
]
SIGNUPS = 400  # volunteers signing up for one busy shift of 100 places
BURST = 2000  # volunteers checking in at one station at once, one in ten scanning twice
BURST_THREADS = 8
BARE = "bare view"


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--volunteers", type=int, default=70_000)
    parser.add_argument("--requests", type=int, default=300, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=20, help="untimed requests per page first")
    parser.add_argument(
        "--no-load", dest="load", action="store_false", help="skip the gunicorn + locust load test"
    )
    parser.add_argument(
        "--no-matching",
        dest="matching",
        action="store_false",
        help="skip matching 10,000 demands against 70,000 volunteers (minutes)",
    )
    parser.add_argument("--import-rows", type=int, default=70_000, help="rows of the roster import")
    parser.add_argument("--child", metavar="DATABASE_URL", help=argparse.SUPPRESS)
    parser.add_argument("--results", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


# ---------------------------------------------------------------- parent


def main() -> int:
    args = parse_args()
    databases = [("SQLite", None)]
    if os.environ.get("BENCH_DATABASE_URL"):
        databases.append(("PostgreSQL", os.environ["BENCH_DATABASE_URL"]))
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    summaries = []
    with tempfile.TemporaryDirectory(prefix="zhiyuan-bench-") as tmp:
        for name, url in databases:
            data_dir = Path(tmp) / name.lower()
            data_dir.mkdir()
            url = url or f"sqlite:///{data_dir / 'bench.sqlite3'}"
            results = RESULTS_DIR / f"{stamp}-{name.lower()}.json"
            print(f"\n=== {name}: {redact(url)}", flush=True)
            env = {
                **os.environ,
                "ZHIYUAN_DATA_DIR": str(data_dir),
                "DJANGO_SETTINGS_MODULE": "zhiyuan.config.settings",
                "DATABASE_URL": url,
                "ZHIYUAN_DEBUG": "0",
                "ZHIYUAN_ALLOWED_HOSTS": "testserver",
            }
            command = [
                sys.executable,
                __file__,
                "--child",
                url,
                "--results",
                str(results),
                "--volunteers",
                str(args.volunteers),
                "--requests",
                str(args.requests),
                "--warmup",
                str(args.warmup),
                "--import-rows",
                str(args.import_rows),
                *([] if args.load else ["--no-load"]),
                *([] if args.matching else ["--no-matching"]),
            ]
            subprocess.run(command, env=env, check=True, cwd=ROOT)  # noqa: S603 (this script)
            summaries.append((name, json.loads(results.read_text())))
    if len(summaries) > 1:
        print_comparison(summaries)
    print(f"\nresults: {RESULTS_DIR.relative_to(ROOT)}/{stamp}-*.json")
    return 0


def redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def print_comparison(summaries) -> None:
    names = [name for name, _r in summaries]
    print("\n=== side by side (req/s)")
    print(f"{'':30}" + "".join(f"{name:>14}" for name in names))
    print(f"{'demo build (s)':30}" + "".join(f"{r['demo_seconds']:>14.1f}" for _n, r in summaries))
    for label, _path in TARGETS:
        row = "".join(f"{r['targets'][label]['rps']:>14.0f}" for _n, r in summaries)
        print(f"{label:30}{row}")


# ---------------------------------------------------------------- child


def recreate_postgres_database(url: str) -> None:
    """Drop and create the benchmark database, through the server's `postgres` database."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(
            f"BENCH_DATABASE_URL names the database {name!r}; it is dropped and recreated, "
            "so its name must contain 'bench'."
        )
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def time_requests(client, path: str, *, requests: int, warmup: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"GET {path} answered {response.status_code}, not 200")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    # Read now: the next request empties the connection's query log.
    queries = len(captured)
    durations = []
    started = time.perf_counter()
    for _ in range(requests):
        before = time.perf_counter()
        client.get(path)
        durations.append(time.perf_counter() - before)
    total = time.perf_counter() - started
    durations.sort()
    return {
        "path": path,
        "requests": requests,
        "rps": requests / total,
        "mean_ms": statistics.fmean(durations) * 1000,
        "p50_ms": durations[len(durations) // 2] * 1000,
        "p95_ms": durations[min(len(durations) - 1, int(len(durations) * 0.95))] * 1000,
        "queries": queries,
        "bytes": len(response.content),
    }


def busy_project(admin):
    """A published project with an activity next week and one shift of 100 places."""
    import datetime as dt

    from django.utils import timezone

    from zhiyuan.places.models import Region
    from zhiyuan.projects import services
    from zhiyuan.projects.models import Category
    from zhiyuan.teams.models import Team
    from zhiyuan.teams.services import create_team

    team = Team.objects.filter(status="active").order_by("path").first() or create_team(
        actor=admin,
        name="基准测试总队",
        level="corps",
        kind="department",
        region=Region.objects.get(level="district"),
    )
    today = timezone.localdate()
    project = services.create_project(
        actor=admin,
        name="基准测试项目",
        category=Category.objects.get(code="civility_guidance"),
        organiser=team,
        starts_on=today,
        ends_on=today + dt.timedelta(days=300),
    )
    services.publish_project(actor=admin, project=project)
    # Far beyond the demo's sign-ups, so no volunteer already holds a shift at that time.
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=250)
    activity = services.create_activity(
        actor=admin,
        project=project,
        title="文明礼让日",
        address="滨江道",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
    )
    shift = services.create_shift(
        actor=admin,
        activity=activity,
        role="公共文明引导",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        capacity=100,
    )
    return project, shift


def time_signups(shift) -> dict:
    """SIGNUPS different volunteers POST a sign-up for the same shift, one after another."""
    from django.test import Client

    from zhiyuan.accounts.models import User
    from zhiyuan.projects.models import SignUp
    from zhiyuan.volunteers.models import Volunteer

    volunteers = list(Volunteer.objects.filter(status="active", user__isnull=True)[:SIGNUPS])
    clients = []
    for volunteer in volunteers:
        user = User.objects.create(username=f"bench-{volunteer.volunteer_no}")
        Volunteer.objects.filter(pk=volunteer.pk).update(user=user)
        client = Client()
        client.force_login(user)
        clients.append(client)
    path = f"/api/v1/shifts/{shift.pk}/signups"
    durations = []
    started = time.perf_counter()
    for client in clients:
        before = time.perf_counter()
        response = client.post(path)
        durations.append(time.perf_counter() - before)
        if response.status_code != 201:
            raise SystemExit(
                f"POST {path} answered {response.status_code}: {response.content[:200]}"
            )
    total = time.perf_counter() - started
    durations.sort()
    confirmed = SignUp.objects.filter(shift=shift, state="confirmed").count()
    waiting = SignUp.objects.filter(shift=shift, state="waitlisted").count()
    if (confirmed, waiting) != (100, len(clients) - 100):
        raise SystemExit(f"sign-ups went wrong: {confirmed} confirmed, {waiting} waiting")
    return {
        "path": path,
        "requests": len(clients),
        "rps": len(clients) / total,
        "mean_ms": statistics.fmean(durations) * 1000,
        "p50_ms": durations[len(durations) // 2] * 1000,
        "p95_ms": durations[min(len(durations) - 1, int(len(durations) * 0.95))] * 1000,
        "queries": 0,
        "bytes": 0,
    }


def my_hours_page(args) -> dict:
    """The demo volunteer's hours page over the demo's service records."""
    from django.test import Client

    from zhiyuan.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="volunteer"))
    return time_requests(client, "/service/hours/", requests=args.requests, warmup=args.warmup)


def time_checkin_burst(admin) -> dict:
    """BURST volunteers scan one station's code from BURST_THREADS parallel clients."""
    import datetime as dt
    import threading

    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from zhiyuan.accounts.models import User
    from zhiyuan.projects import services
    from zhiyuan.projects.models import Project, SignUp
    from zhiyuan.service.models import Attendance
    from zhiyuan.stations.models import Station
    from zhiyuan.volunteers.models import Volunteer

    station = Station.objects.filter(status="open").order_by("id").first()
    project = Project.objects.get(name="基准测试项目")
    now = timezone.now()
    activity = services.create_activity(
        actor=admin,
        project=project,
        title="签到高峰",
        station=station,
        starts_at=now - dt.timedelta(minutes=5),
        ends_at=now + dt.timedelta(hours=3),
    )
    shift = services.create_shift(
        actor=admin,
        activity=activity,
        role="文明引导",
        starts_at=activity.starts_at,
        ends_at=activity.ends_at,
        capacity=BURST,
    )
    busy = SignUp.objects.filter(starts_at__lt=shift.ends_at, ends_at__gt=shift.starts_at).values(
        "volunteer"
    )
    volunteers = list(
        Volunteer.objects.filter(status="active", user__isnull=True).exclude(pk__in=busy)[:BURST]
    )
    clients = []
    for volunteer in volunteers:
        user = User.objects.create(username=f"burst-{volunteer.volunteer_no}")
        Volunteer.objects.filter(pk=volunteer.pk).update(user=user)
        SignUp.objects.create(
            shift=shift,
            volunteer=volunteer,
            state="confirmed",
            starts_at=shift.starts_at,
            ends_at=shift.ends_at,
        )
        client = Client()
        client.force_login(user)
        clients.append(client)
    work = clients + clients[::10]  # one in ten scans twice
    body = {
        "token": station.checkin_token,
        "longitude": float(station.longitude),
        "latitude": float(station.latitude),
    }
    durations: list[float] = []
    failures: list[int] = []
    barrier = threading.Barrier(BURST_THREADS)

    def run(offset):
        barrier.wait()
        try:
            for client in work[offset::BURST_THREADS]:
                before = time.perf_counter()
                response = client.post("/api/v1/checkins", body, content_type="application/json")
                durations.append(time.perf_counter() - before)
                if response.status_code != 200:
                    failures.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(BURST_THREADS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    total = time.perf_counter() - started
    made = Attendance.objects.filter(shift=shift).count()
    people = Attendance.objects.filter(shift=shift).values("volunteer").distinct().count()
    print(
        f"check-in burst: {len(work)} scans of {len(clients)} volunteers, {made} check-ins, "
        f"lost {len(clients) - people}, doubled {made - people}, failed requests {len(failures)}",
        flush=True,
    )
    durations.sort()
    return {
        "path": "/api/v1/checkins",
        "requests": len(work),
        "rps": len(work) / total,
        "mean_ms": statistics.fmean(durations) * 1000,
        "p50_ms": durations[len(durations) // 2] * 1000,
        "p95_ms": durations[min(len(durations) - 1, int(len(durations) * 0.95))] * 1000,
        "queries": 0,
        "bytes": 0,
        "lost": len(clients) - people,
        "doubled": made - people,
    }


def child(args: argparse.Namespace) -> int:
    url = args.child
    if url.startswith(("postgres://", "postgresql://")):
        recreate_postgres_database(url)
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.conf import settings

    settings.ROOT_URLCONF = "bench.urls"

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from zhiyuan.accounts.models import User
    from zhiyuan.volunteers.models import Volunteer

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrate_seconds = time.perf_counter() - started
    print(f"migrate: {migrate_seconds:.1f}s", flush=True)

    started = time.perf_counter()
    call_command("demo", "--volunteers", str(args.volunteers))
    demo_seconds = time.perf_counter() - started
    count = Volunteer.objects.count()
    print(
        f"demo: {count} volunteers in {demo_seconds:.1f}s ({count / demo_seconds:,.0f} volunteers/s)",
        flush=True,
    )

    admin = User.objects.get(username="admin")
    project, shift = busy_project(admin)
    client = Client()
    client.force_login(admin)
    targets = {}
    for label, path in TARGETS:
        path = path.format(project=project.pk)
        targets[label] = time_requests(client, path, requests=args.requests, warmup=args.warmup)
    targets["sign-up POST (busy shift)"] = time_signups(shift)
    targets["my hours page (volunteer)"] = my_hours_page(args)
    targets["check-in burst POST"] = time_checkin_burst(admin)
    bare_rps = targets[BARE]["rps"]
    for result in targets.values():
        result["x_bare"] = result["rps"] / bare_rps
    from bench import load

    load_result = load.run(admin, project) if args.load else None

    print(
        f"\n{args.requests} requests per row after {args.warmup} warm-up, in-process "
        "(django.test.Client), signed in as the demo office admin\n"
    )
    header = f"{'':30}{'req/s':>8}{'mean ms':>9}{'p50 ms':>8}{'p95 ms':>8}{'× bare':>8}{'queries':>9}{'bytes':>8}"
    print(header)
    print("-" * len(header))
    for label, r in targets.items():
        print(
            f"{label:30}{r['rps']:>8.0f}{r['mean_ms']:>9.2f}{r['p50_ms']:>8.2f}"
            f"{r['p95_ms']:>8.2f}{r['x_bare']:>8.3f}{r['queries']:>9}{r['bytes']:>8}"
        )

    if load_result:
        load.print_report(load_result)

    from bench import imports, reports

    reports_result = reports.measure()
    print(f"\nreports: {json.dumps(reports_result, ensure_ascii=False)}", flush=True)
    imports_result = imports.measure(args.import_rows)
    print(f"\nroster import: {json.dumps(imports_result, ensure_ascii=False)}", flush=True)
    matching_result = None
    if args.matching:
        from bench import matching

        matching_result = matching.measure(*matching.synthetic())
        print(f"\nmatching: {json.dumps(matching_result, ensure_ascii=False)}", flush=True)

    Path(args.results).write_text(
        json.dumps(
            {
                "database": connection.vendor,
                "database_version": database_version(connection),
                "python": platform.python_version(),
                "django": django.get_version(),
                "cpus": os.cpu_count(),
                "volunteers": count,
                "migrate_seconds": migrate_seconds,
                "demo_seconds": demo_seconds,
                "targets": targets,
                "load": load_result,
                "reports": reports_result,
                "roster_import": imports_result,
                "matching": matching_result,
            },
            ensure_ascii=False,
            indent=2,
        )
    )
    return 0


def database_version(connection) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("select sqlite_version()")
        else:
            cursor.execute("show server_version")
        return cursor.fetchone()[0]


if __name__ == "__main__":
    arguments = parse_args()
    sys.exit(child(arguments) if arguments.child else main())
