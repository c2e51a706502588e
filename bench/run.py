"""`make bench`: build the demo district in a fresh database, then time its pages against a bare view.

The parent process runs one child per database (SQLite always; PostgreSQL when
BENCH_DATABASE_URL is set), because Django reads its settings once, at import. Each child
migrates an empty database, times `zhiyuan demo`, then requests each row of ROWS in-process
through the full middleware stack with django.test.Client (as an anonymous visitor, the
office admin, the demo volunteer or a bearer token), then end to end through gunicorn and
wrk (bench/endtoend.py). Every answer is checked (bench/clients.py) before its time counts.
Results are printed and written to bench/results/ (not committed).
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
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.clients import HOST, check, checked, client  # noqa: E402 (after the path)

RESULTS_DIR = ROOT / "bench" / "results"


@dataclass(frozen=True)
class Row:
    """One timed request: who asks, what for, and a piece of text its page must contain.

    `path` and `marker` may name the ids the bench makes after the demo ({project},
    {article}, {team}, {start}, {end}, {district}, {roster_middle}), filled in by
    `Row.filled`.
    """

    label: str
    path: str
    marker: str
    who: str = "anonymous"  # anonymous, admin (office admin), volunteer, token (admin's bearer)

    def filled(self, ids: dict) -> Row:
        return Row(self.label, self.path.format(**ids), self.marker.format(**ids), self.who)


# Public pages first (what a civility day or a published project brings in bursts), then
# the signed-in pages and API reads, then the floor. In-process only: the bare view in the
# project (the whole middleware stack); end to end, bench/endtoend.py serves its own bare
# Django view without middleware.
ROWS = [
    Row("sign-in page", "/accounts/login/", 'name="password"'),
    Row("home page", "/", 'id="headline-figures"'),
    Row("coverage page", "/coverage/", "<details>"),
    Row("project list page", "/projects/", 'id="project-q"'),
    Row("busy project page", "/projects/{project}/", 'id="shifts"'),
    Row("news page", "/news/", 'id="news-list"'),
    Row("news article", "/news/{article}/", 'id="article-{article}"'),
    Row("honour roll", "/honours/", 'id="roll-filters"'),
    Row("team tree page", "/teams/", 'id="team-tree"'),
    Row("station list page", "/stations/", 'href="/stations/map/"'),
    Row("station map page", "/stations/map/", 'id="station-map"'),
    Row("help-request form", "/help/", 'id="help-form"'),
    Row("project API list", "/api/v1/projects", '"organiser_id"'),
    Row("skills API", "/api/v1/skills", '"code"'),
    Row("roster API page_size=20", "/api/v1/volunteers?page=1&page_size=20", '"items"', "token"),
    Row(
        "roster API, middle page",
        "/api/v1/volunteers?{roster_middle}&page_size=20",
        '"items"',
        "token",
    ),
    Row("roster page", "/volunteers/manage/", 'id="roster"', "admin"),
    # The middle page as the link of the page before names it: its cost should not grow
    # with the roster (core.pages.SeekPaginator).
    Row("roster page, middle", "/volunteers/manage/?{roster_middle}", 'id="roster"', "admin"),
    Row("roster page ?q=王", f"/volunteers/manage/?q={quote('王')}", 'id="roster"', "admin"),
    Row(
        "roster page ?status=pending", "/volunteers/manage/?status=pending", 'id="roster"', "admin"
    ),
    Row("team members page", "/teams/{team}/members/", 'id="members"', "admin"),
    Row("hours queue", "/service/queue/", 'id="certificate-queue"', "admin"),
    Row("my hours (volunteer)", "/service/hours/", 'id="total-hours"', "volunteer"),
    Row("my shifts (volunteer)", "/projects/mine/", 'id="upcoming"', "volunteer"),
    Row(
        "dashboard (district, year)",
        "/reports/?scope=region:{district}&start={start}&end={end}",
        'id="period-form"',
        "admin",
    ),
]
BARE = Row("bare view", "/bench/bare/", '"items"')
# In-process, a row stops after --requests or this many seconds, whichever comes first.
ROW_SECONDS = 10
SIGNUPS = 400  # volunteers signing up for one busy shift of 100 places
BURST = 2000  # volunteers checking in at one station at once, one in ten scanning twice
BURST_THREADS = 8


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
    parser.add_argument(
        "--export-rows", type=int, default=200_000, help="rows of the spreadsheet export"
    )
    parser.add_argument(
        "--no-exports",
        dest="exports",
        action="store_false",
        help="skip the spreadsheet exports (the writer and a year of hours as a job: minutes)",
    )
    parser.add_argument(
        "--e2e-seconds",
        type=float,
        default=10,
        help="end to end: seconds of wrk per row (0: request each row once through gunicorn, untimed)",
    )
    parser.add_argument(
        "--no-e2e",
        dest="e2e",
        action="store_false",
        help="skip the end-to-end part (gunicorn + wrk)",
    )
    parser.add_argument(
        "--no-sqlite",
        dest="sqlite",
        action="store_false",
        help="only PostgreSQL (BENCH_DATABASE_URL)",
    )
    parser.add_argument(
        "--results-dir", type=Path, default=RESULTS_DIR, help="where the JSON results go"
    )
    parser.add_argument("--child", metavar="DATABASE_URL", help=argparse.SUPPRESS)
    parser.add_argument("--results", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


# ---------------------------------------------------------------- parent


def main() -> int:
    args = parse_args()
    databases = [("SQLite", None)] if args.sqlite else []
    if os.environ.get("BENCH_DATABASE_URL"):
        databases.append(("PostgreSQL", os.environ["BENCH_DATABASE_URL"]))
    args.results_dir.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    summaries = []
    with tempfile.TemporaryDirectory(prefix="zhiyuan-bench-") as tmp:
        for name, url in databases:
            data_dir = Path(tmp) / name.lower()
            data_dir.mkdir()
            url = url or f"sqlite:///{data_dir / 'bench.sqlite3'}"
            results = args.results_dir / f"{stamp}-{name.lower()}.json"
            print(f"\n=== {name}: {redact(url)}", flush=True)
            env = {
                **os.environ,
                "ZHIYUAN_DATA_DIR": str(data_dir),
                "DJANGO_SETTINGS_MODULE": "zhiyuan.config.settings",
                "DATABASE_URL": url,
                "ZHIYUAN_DEBUG": "0",
                "ZHIYUAN_ALLOWED_HOSTS": HOST,
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
                "--export-rows",
                str(args.export_rows),
                "--e2e-seconds",
                str(args.e2e_seconds),
                *([] if args.load else ["--no-load"]),
                *([] if args.matching else ["--no-matching"]),
                *([] if args.e2e else ["--no-e2e"]),
                *([] if args.exports else ["--no-exports"]),
            ]
            done = subprocess.run(command, env=env, check=False, cwd=ROOT)  # noqa: S603 (this script)
            if done.returncode != 0:
                print(f"\nbench FAILED on {name} (exit status {done.returncode})", file=sys.stderr)
                return 1
            summaries.append((name, json.loads(results.read_text())))
    if len(summaries) > 1:
        print_comparison(summaries)
    print(f"\nresults: {args.results_dir}/{stamp}-*.json")
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
    for row in [*ROWS, BARE]:
        cells = "".join(f"{r['targets'][row.label]['rps']:>14.0f}" for _n, r in summaries)
        print(f"{row.label:30}{cells}")
    if all(r.get("end_to_end") for _n, r in summaries):
        print("\n=== end to end, side by side (req/s, × bare)")
        print(f"{'':30}" + "".join(f"{name:>20}" for name in names))
        for label in summaries[0][1]["end_to_end"]["rows"]:
            cells = "".join(
                f"{r['end_to_end']['rows'][label]['rps']:>12.0f}"
                f"{r['end_to_end']['rows'][label]['x_bare']:>8.3f}"
                for _n, r in summaries
            )
            print(f"{label:30}{cells}")


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


def summarise(durations: list[float], total: float, **extra) -> dict:
    durations = sorted(durations)
    return {
        "requests": len(durations),
        "rps": len(durations) / total,
        "mean_ms": statistics.fmean(durations) * 1000,
        "p50_ms": durations[len(durations) // 2] * 1000,
        "p95_ms": durations[min(len(durations) - 1, int(len(durations) * 0.95))] * 1000,
        **extra,
    }


def time_requests(row: Row, bench_client, *, requests: int, warmup: int) -> dict:
    """Warm up, count one request's queries, then time up to `requests` checked requests."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        checked(row.label, bench_client.get(row.path), row.marker)
    with CaptureQueriesContext(connection) as captured:
        response = checked(row.label, bench_client.get(row.path), row.marker)
    # Read now: the next request empties the connection's query log.
    queries = len(captured)
    durations = []
    started = time.perf_counter()
    for _ in range(requests):
        before = time.perf_counter()
        answer = bench_client.get(row.path)
        elapsed = time.perf_counter() - before
        checked(row.label, answer, row.marker)
        durations.append(elapsed)
        if time.perf_counter() - started > ROW_SECONDS:
            break
    total = time.perf_counter() - started
    return summarise(durations, total, path=row.path, queries=queries, bytes=len(response.content))


def busy_project(admin):
    """A published project with an activity next week and one shift of 100 places."""
    import datetime as dt

    from django.utils import timezone

    from zhiyuan.places.models import Region
    from zhiyuan.projects import scheduling, services
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
        starts_on=today - dt.timedelta(days=1),  # the burst starts 5 minutes ago
        ends_on=today + dt.timedelta(days=300),
    )
    services.publish_project(actor=admin, project=project)
    # Far beyond the demo's sign-ups, so no volunteer already holds a shift at that time.
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=250)
    activity = scheduling.create_activity(
        actor=admin,
        project=project,
        title="文明礼让日",
        address="滨江道",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
    )
    shift = scheduling.create_shift(
        actor=admin,
        activity=activity,
        role="公共文明引导",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        capacity=100,
    )
    return project, shift


def time_signups(shift, limit: int) -> dict:
    """Up to SIGNUPS different volunteers POST a sign-up for the same shift, one after another."""
    from zhiyuan.accounts.models import User
    from zhiyuan.projects.models import SignUp
    from zhiyuan.volunteers.models import Volunteer

    volunteers = list(
        Volunteer.objects.filter(status="active", user__isnull=True)[: min(SIGNUPS, limit)]
    )
    clients = []
    for volunteer in volunteers:
        user = User.objects.create(username=f"bench-{volunteer.volunteer_no}")
        Volunteer.objects.filter(pk=volunteer.pk).update(user=user)
        clients.append(client(user))
    label = "sign-up POST (busy shift)"
    path = f"/api/v1/shifts/{shift.pk}/signups"
    durations = []
    started = time.perf_counter()
    for bench_client in clients:
        before = time.perf_counter()
        response = bench_client.post(path)
        elapsed = time.perf_counter() - before
        checked(label, response, '"state"', expected=201)
        durations.append(elapsed)
    total = time.perf_counter() - started
    confirmed = SignUp.objects.filter(shift=shift, state="confirmed").count()
    waiting = SignUp.objects.filter(shift=shift, state="waitlisted").count()
    expected = (min(100, len(clients)), max(0, len(clients) - 100))
    if (confirmed, waiting) != expected:
        raise SystemExit(
            f"bench row {label!r} failed: {confirmed} confirmed and {waiting} waiting, "
            f"expected {expected[0]} and {expected[1]}"
        )
    return summarise(durations, total, path=path, queries=0, bytes=0)


def roster_middle() -> str:
    """The query of the office admin's link to the middle page of the roster (20 a page),
    as the page before it names it."""
    from zhiyuan.accounts.models import User
    from zhiyuan.core.pages import SeekPaginator
    from zhiyuan.volunteers import selectors
    from zhiyuan.volunteers.views import PAGE_SIZE

    roster = selectors.roster_for(User.objects.get(username="admin"))
    paginator = SeekPaginator(roster, PAGE_SIZE)
    middle = paginator.num_pages // 2 + 1
    if middle == 1:
        return "page=1"
    return paginator.page_for({"page": str(middle - 1)}).next_query


def row_ids(project) -> dict:
    """The ids the rows' paths name: the busy project, a published article, a team, the year."""
    from django.utils import timezone

    from zhiyuan.news.models import Article
    from zhiyuan.places.models import Region
    from zhiyuan.reports import yearly
    from zhiyuan.teams.models import Team

    start, end = yearly.year_period(timezone.localdate().year)
    article = Article.objects.filter(state="published").order_by("-published_at").first()
    team = Team.objects.filter(status="active", memberships__isnull=False).order_by("path").first()
    return {
        "roster_middle": roster_middle(),
        "project": project.pk,
        "article": article.pk,
        "team": team.pk,
        "district": Region.objects.get(parent__isnull=True).pk,
        "start": start,
        "end": end,
    }


def time_checkin_burst(admin, limit: int) -> dict:
    """Up to BURST volunteers scan one station's code from BURST_THREADS parallel clients."""
    import datetime as dt
    import threading

    from django.db import connection
    from django.utils import timezone

    from zhiyuan.accounts.models import User
    from zhiyuan.projects import scheduling
    from zhiyuan.projects.models import Project, SignUp
    from zhiyuan.service.models import Attendance
    from zhiyuan.stations.models import Station
    from zhiyuan.volunteers.models import Volunteer

    station = Station.objects.filter(status="open").order_by("id").first()
    project = Project.objects.get(name="基准测试项目")
    now = timezone.now()
    activity = scheduling.create_activity(
        actor=admin,
        project=project,
        title="签到高峰",
        station=station,
        starts_at=now - dt.timedelta(minutes=5),
        ends_at=now + dt.timedelta(hours=3),
    )
    shift = scheduling.create_shift(
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
        Volunteer.objects.filter(status="active", user__isnull=True).exclude(pk__in=busy)[
            : min(BURST, limit)
        ]
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
        clients.append(client(user))
    work = clients + clients[::10]  # one in ten scans twice
    body = {
        "token": station.checkin_token,
        "longitude": float(station.longitude),
        "latitude": float(station.latitude),
    }
    durations: list[float] = []
    failures: list[tuple[int, bytes]] = []
    barrier = threading.Barrier(BURST_THREADS)

    def run(offset):
        barrier.wait()
        try:
            for bench_client in work[offset::BURST_THREADS]:
                before = time.perf_counter()
                response = bench_client.post(
                    "/api/v1/checkins", body, content_type="application/json"
                )
                elapsed = time.perf_counter() - before
                if response.status_code != 200 or b'"checked_in_at"' not in response.content:
                    failures.append((response.status_code, response.content))
                else:
                    durations.append(elapsed)
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
    if failures:
        status, content = failures[0]
        check("check-in burst POST", status, content, '"checked_in_at"')
    if people != len(clients) or made != people:
        raise SystemExit(
            f"bench row 'check-in burst POST' failed: lost {len(clients) - people}, "
            f"doubled {made - people}"
        )
    return summarise(
        durations, total, path="/api/v1/checkins", queries=0, bytes=0, lost=0, doubled=0
    )


def child(args: argparse.Namespace) -> int:
    url = args.child
    if url.startswith(("postgres://", "postgresql://")):
        recreate_postgres_database(url)

    import django

    django.setup()
    from django.conf import settings

    settings.ROOT_URLCONF = "bench.urls"

    from django.core.management import call_command
    from django.db import connection

    from zhiyuan.accounts.models import User
    from zhiyuan.accounts.services import issue_api_token
    from zhiyuan.volunteers.models import Volunteer

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrate_seconds = time.perf_counter() - started
    print(f"migrate: {migrate_seconds:.1f}s", flush=True)
    # Production settings name hashed static files: every page needs the manifest.
    from bench.endtoend import collect_static

    collect_static()

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
    ids = row_ids(project)
    _token, key = issue_api_token(actor=admin, name="bench")
    clients = {
        "anonymous": client(),
        "admin": client(admin),
        "volunteer": client(User.objects.get(username="volunteer")),
        "token": client(HTTP_AUTHORIZATION=f"Bearer {key}"),
    }
    targets = {}
    for row in [*(row.filled(ids) for row in ROWS), BARE]:
        targets[row.label] = time_requests(
            row, clients[row.who], requests=args.requests, warmup=args.warmup
        )
    spare = Volunteer.objects.filter(status="active", user__isnull=True).count()
    targets["sign-up POST (busy shift)"] = time_signups(shift, spare // 2)
    targets["check-in burst POST"] = time_checkin_burst(admin, spare // 2)
    bare_rps = targets[BARE.label]["rps"]
    for result in targets.values():
        result["x_bare"] = result["rps"] / bare_rps

    print(
        f"\nin-process (django.test.Client): up to {args.requests} requests per row "
        f"(or {ROW_SECONDS} s) after {args.warmup} warm-up\n"
    )
    header = f"{'':30}{'req/s':>8}{'mean ms':>9}{'p50 ms':>8}{'p95 ms':>8}{'× bare':>8}{'queries':>9}{'bytes':>8}"
    print(header)
    print("-" * len(header))
    for label, r in targets.items():
        print(
            f"{label:30}{r['rps']:>8.0f}{r['mean_ms']:>9.2f}{r['p50_ms']:>8.2f}"
            f"{r['p95_ms']:>8.2f}{r['x_bare']:>8.3f}{r['queries']:>9}{r['bytes']:>8}",
            flush=True,
        )

    end_to_end = None
    if args.e2e:
        from bench import endtoend

        end_to_end = endtoend.run(
            [row.filled(ids) for row in ROWS],
            cookies={who: c.cookies for who, c in clients.items()},
            bearer=key,
            seconds=args.e2e_seconds,
            admin=admin,
        )
        endtoend.print_report(end_to_end)

    from bench import load

    load_result = load.run(admin, project) if args.load else None

    if load_result:
        load.print_report(load_result)

    from bench import imports, reports

    reports_result = reports.measure()
    print(f"\nreports: {json.dumps(reports_result, ensure_ascii=False)}", flush=True)
    imports_result = imports.measure(args.import_rows)
    print(f"\nroster import: {json.dumps(imports_result, ensure_ascii=False)}", flush=True)
    exports_result = None
    if args.exports:
        from bench import exports

        exports_result = {
            "writer": exports.measure(args.export_rows),
            "hours_job": exports.measure_job(admin.username),
        }
        print(f"\nspreadsheet export: {json.dumps(exports_result, ensure_ascii=False)}", flush=True)
    matching_result = None
    if args.matching:
        from bench import matching

        matching_result = matching.measure(*matching.synthetic())
        print(f"\nmatching: {json.dumps(matching_result, ensure_ascii=False)}", flush=True)
        print(matching.row(matching_result), flush=True)

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
                "end_to_end": end_to_end,
                "load": load_result,
                "reports": reports_result,
                "roster_import": imports_result,
                "spreadsheet_export": exports_result,
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
