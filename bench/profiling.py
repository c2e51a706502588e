"""Profile bench rows in-process with cProfile, against a database that holds the demo.

    DATABASE_URL=sqlite:///var/zhiyuan.sqlite3 ZHIYUAN_DEBUG=0 \\
        .venv/bin/python bench/profiling.py "home page" "roster page" [--requests 200] [--top 25]

Each row (by its label in run.py's ROWS, or "bare view") is warmed up, then requested
`--requests` times under cProfile (with --miss, each request with a query string of its
own: signed-in pages are rendered instead of served from core.pagecache.private_page); the
functions with the most time of their own and the most time below them are printed.
Profile before changing: say what each change bought.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", nargs="+", help="row labels, as in bench/run.py")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--top", type=int, default=25)
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
    for label in args.rows:
        if label not in rows:
            raise SystemExit(f"no row {label!r}; rows: {', '.join(rows)}")
        row = rows[label]
        if row.who == "token":
            bench_client = client(HTTP_AUTHORIZATION=f"Bearer {issue_api_token(actor=admin)[1]}")
        elif row.who == "anonymous":
            bench_client = client()
        else:
            bench_client = client(User.objects.get(username=row.who))
        for _ in range(10):
            checked(label, bench_client.get(row.path), row.marker)
        profiler = cProfile.Profile()
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
        for order in ("tottime", "cumulative"):
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(args.top)
            print("\n".join(out.getvalue().splitlines()[6:]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
