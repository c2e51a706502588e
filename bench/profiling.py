"""Profile bench rows in-process with cProfile, against a database that holds the demo.

    DATABASE_URL=sqlite:///var/zhiyuan.sqlite3 ZHIYUAN_DEBUG=0 \\
        .venv/bin/python bench/profiling.py "home page" "roster page" [--requests 200] [--top 25]

Each row (by its label in run.py's ROWS, or "bare view") is warmed up, then requested
`--requests` times under cProfile (with --miss, each request with a query string of its
own: signed-in pages are rendered instead of served from core.pagecache.private_page); the
functions with the most time of their own and the most time below them are printed.
Profile before changing: say what each change bought.

The two write rows of bench/endtoend.py ("sign-up POST (100 places)", "check-in scan POST")
are profiled the same way, each POST by a different volunteer's browser session (the CSRF
cookie and header checked), on volunteers prepared as endtoend.prepare_writes does: it
writes to the database, so point it at a copy of the demo. For them the SQL of one request
is printed too, each statement marked T when it ran inside a transaction, with its time,
and the count and time inside and outside the transactions over all the requests.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAVEPOINT = re.compile(r'"s\d+_x\d+"')
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", nargs="+", help="row labels, as in bench/run.py")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--save", metavar="FILE", help="also dump each row's profile (FILE.<n>)")
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="profile CPU time (time.process_time), not the wall clock: waits for the database drop out",
    )
    parser.add_argument(
        "--miss",
        action="store_true",
        help="a query string of its own on each request: signed-in pages rendered, not kept",
    )
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhiyuan.config.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.ROOT_URLCONF = "bench.urls"
    from bench.endtoend import collect_static

    collect_static()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]

    from bench.clients import checked, client
    from bench.run import BARE, ROWS, row_ids
    from zhiyuan.accounts.models import User
    from zhiyuan.accounts.services import issue_api_token
    from zhiyuan.projects.models import Project

    admin = User.objects.get(username="admin")
    project = Project.objects.filter(state="published").order_by("-id").first()
    ids = row_ids(project)
    rows = {row.label: row.filled(ids) for row in [*ROWS, BARE]}
    writes = {}
    if any(label not in rows for label in args.rows):
        from bench.endtoend import prepare_writes

        writes = {w.label: w for w in prepare_writes(admin, 2 * args.requests + 10)}
    for label in args.rows:
        if label in writes:
            profile_writes(writes[label], args)
            continue
        if label not in rows:
            raise SystemExit(f"no row {label!r}; rows: {', '.join([*rows, *writes])}")
        row = rows[label]
        if row.who == "token":
            bench_client = client(HTTP_AUTHORIZATION=f"Bearer {issue_api_token(actor=admin)[1]}")
        elif row.who == "anonymous":
            bench_client = client()
        else:
            bench_client = client(User.objects.get(username=row.who))
        for _ in range(10):
            checked(label, bench_client.get(row.path), row.marker)
        profiler = _profiler(args)
        started = time.perf_counter()
        profiler.enable()
        separator = "&" if "?" in row.path else "?"
        paths = [
            f"{row.path}{separator}_miss={n}" if args.miss else row.path
            for n in range(args.requests)
        ]
        for path in paths:
            bench_client.get(path)
        profiler.disable()
        elapsed = time.perf_counter() - started
        print(f"\n=== {label}: {elapsed / args.requests * 1000:.2f} ms a request (profiled)")
        _print(profiler, label, args)
    return 0


def profile_writes(writes, args) -> None:
    """POST the row's lines one after another (10 untimed, then `--requests` under cProfile),
    logging every SQL statement with its time and whether a transaction was open."""
    from django.db import connection
    from django.test import Client

    from bench.clients import HOST, checked

    log: list[tuple[str, float, bool]] = []

    def logged(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            log.append((sql, time.perf_counter() - started, not connection.get_autocommit()))

    browser = Client(HTTP_HOST=HOST, enforce_csrf_checks=True)

    def post(line: str):
        _index, path, cookie, csrf, body = line.split("\t", 4)
        return browser.post(
            path,
            body,
            content_type="application/json",
            HTTP_COOKIE=cookie,
            HTTP_X_CSRFTOKEN=csrf,
        )

    lines = writes.lines
    for line in lines[:10]:
        checked(writes.label, post(line), writes.marker, expected=writes.expected)
    plain = lines[10 : 10 + args.requests]
    started, cpu = time.perf_counter(), time.process_time()
    for line in plain:
        checked(writes.label, post(line), writes.marker, expected=writes.expected)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"\n=== {writes.label}: {elapsed / len(plain) * 1000:.2f} ms a request, "
        f"{cpu / len(plain) * 1000:.2f} ms CPU (not profiled, {len(plain)} requests)"
    )
    timed = lines[10 + args.requests : 10 + 2 * args.requests]
    profiler = _profiler(args)
    bounds = []  # where each request's statements start in the log
    with connection.execute_wrapper(logged):
        started = time.perf_counter()
        cpu = time.process_time()
        profiler.enable()
        for line in timed:
            bounds.append(len(log))
            checked(writes.label, post(line), writes.marker, expected=writes.expected)
        profiler.disable()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    count = len(timed)
    inside = [seconds for _sql, seconds, in_transaction in log if in_transaction]
    outside = [seconds for _sql, seconds, in_transaction in log if not in_transaction]
    print(
        f"=== {writes.label}: {elapsed / count * 1000:.2f} ms a request, "
        f"{cpu / count * 1000:.2f} ms CPU (profiled)"
    )
    print(
        f"SQL a request: {len(inside) / count:.1f} statements in a transaction "
        f"({sum(inside) / count * 1000:.2f} ms), {len(outside) / count:.1f} "
        f"outside ({sum(outside) / count * 1000:.2f} ms)"
    )
    requests = [log[a:b] for a, b in zip(bounds, [*bounds[1:], len(log)], strict=True)]

    def shape(request):  # the statements, savepoint names aside
        return tuple((SAVEPOINT.sub("", sql[:60]), t) for sql, _s, t in request)

    shapes = Counter(shape(request) for request in requests)
    for common, times in shapes.most_common(2):
        same = [r for r in requests if shape(r) == common]
        print(f"the SQL of {times} of the requests (T: inside a transaction; mean time):")
        for n, (sql, _seconds, in_transaction) in enumerate(same[0]):
            mean = sum(r[n][1] for r in same) / len(same)
            print(f"  {'T' if in_transaction else ' '} {mean * 1000:6.2f} ms  {sql[:140]}")
    _print(profiler, writes.label, args)


def _profiler(args) -> cProfile.Profile:
    return cProfile.Profile(time.process_time) if args.cpu else cProfile.Profile()


def _print(profiler: cProfile.Profile, label: str, args) -> None:
    if args.save:
        name = re.sub(r"\W+", "-", label).strip("-")
        profiler.dump_stats(f"{args.save}.{name}")
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(args.top)
        print("\n".join(out.getvalue().splitlines()[6:]))


if __name__ == "__main__":
    sys.exit(main())
