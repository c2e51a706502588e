"""Scale: each row's CPU per request on demo databases of several sizes, side by side.

    .venv/bin/python bench/scale.py /tmp/d10 /tmp/d70 /tmp/d350 [--requests 40] [--row "roster page"]
    .venv/bin/python bench/scale.py /tmp/d70,postgres://postgres@127.0.0.1:5432/scale_bench

Each argument is a data directory that holds a built demo (`zhiyuan demo --volunteers N`
with ZHIYUAN_DATA_DIR=that directory): its SQLite file, or, after a comma, the
DATABASE_URL of the database built with that directory's keys. A child process per
database (Django reads its settings once) requests every row of run.py's ROWS in-process
with production settings (ZHIYUAN_DEBUG=0), every answer checked, and measures two costs
per request in this process's CPU time (time.process_time: SQLite runs in the process,
and CPU time is what a shared machine's neighbours inflate least; the least of --rounds
rounds counts):

- rendered: each request with a query string of its own, so a signed-in page is rendered
  and a public page is not served from the page cache (core.pagecache); the totals and the
  navigation that pagecache.remembered keeps stay kept, as they are in production;
- kept: the same address again and again, as wrk drives it end to end.

The parent prints one table, rows × sizes (the volunteers each database holds), and the
growth of each row's rendered cost from one size to the next. "Per request cost may grow
at most logarithmically" (issue 18): from 70,000 to 350,000 volunteers log N grows by
14 %, a linear cost by 400 %.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.clients import HOST, checked, client  # noqa: E402 (after the path)

# A row's growth from one size to the next above this is reported as more than logarithmic
# (log N grows 14 % from 70,000 to 350,000; a linear cost 400 %; the rest is noise).
GROWTH_FLAG = 1.5
# Each cost of a row stops after its requests or this many seconds, whichever comes first.
ROW_SECONDS = 10


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("databases", nargs="*", help="DATA_DIR or DATA_DIR,DATABASE_URL")
    parser.add_argument("--requests", type=int, default=40, help="timed requests per row and cost")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests per row first")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per cost; the least counts")
    parser.add_argument("--row", action="append", default=[], help="only this row (repeatable)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main() -> int:
    args = parse_args()
    if args.child:
        return child(args)
    if not args.databases:
        raise SystemExit("name at least one data directory that holds a built demo")
    results = []
    for target in args.databases:
        data_dir, _sep, url = target.partition(",")
        env = {
            **os.environ,
            "ZHIYUAN_DATA_DIR": str(Path(data_dir).resolve()),
            "DJANGO_SETTINGS_MODULE": "zhiyuan.config.settings",
            "ZHIYUAN_DEBUG": "0",
            "ZHIYUAN_ALLOWED_HOSTS": HOST,
        }
        if url:
            env["DATABASE_URL"] = url
        else:
            env.pop("DATABASE_URL", None)
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            command = [
                sys.executable,
                __file__,
                "--child",
                "--json",
                out.name,
                "--requests",
                str(args.requests),
                "--warmup",
                str(args.warmup),
                "--rounds",
                str(args.rounds),
                *(f"--row={row}" for row in args.row),
            ]
            done = subprocess.run(command, env=env, check=False, cwd=ROOT)  # noqa: S603 (this script)
            if done.returncode != 0:
                raise SystemExit(f"scale bench failed on {target} (exit status {done.returncode})")
            results.append(json.loads(Path(out.name).read_text()))
    print_table(results)
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2))
    return 0


def print_table(results: list[dict]) -> None:
    sizes = [f"{r['volunteers']:,}" for r in results]
    print(
        "\nCPU ms per request, rendered (kept in brackets); growth = rendered cost over the "
        "previous size's\n"
    )
    for r in results:
        print(
            f"  {r['volunteers']:,} volunteers, {r['records']:,} service records, "
            f"{r['database']}; load average at the start {r['load']}"
        )
    header = f"{'':34}" + "".join(f"{s:>20}" for s in sizes)
    header += "".join(f"{'growth':>9}" for _ in results[1:])
    print("\n" + header)
    print("-" * len(header))
    labels = list(dict.fromkeys(label for r in results for label in r["rows"]))
    flagged = []
    for label in labels:
        cells, rendered = [], []
        for r in results:
            row = r["rows"].get(label)
            if row is None:
                cells.append(f"{'—':>20}")
                rendered.append(None)
                continue
            cells.append(f"{row['rendered_ms']:>10.2f} ({row['kept_ms']:>6.2f})  ")
            rendered.append(row["rendered_ms"])
        growth = []
        for before, after in zip(rendered, rendered[1:], strict=False):
            if before and after:
                ratio = after / before
                growth.append(f"{ratio:>8.2f}×")
                if ratio > GROWTH_FLAG:
                    flagged.append(label)
            else:
                growth.append(f"{'—':>9}")
        print(f"{label:34}" + "".join(cells) + "".join(growth))
    if flagged:
        print(
            f"\nmore than logarithmic (over {GROWTH_FLAG}× from one size to the next): "
            + ", ".join(dict.fromkeys(flagged))
        )


# ---------------------------------------------------------------- child


def cpu_per_request(label: str, bench_client, paths: list[str], marker: str) -> tuple[float, float]:
    """CPU and wall ms per checked request over `paths` (CPU: this process, Python and SQLite
    in it), stopping after ROW_SECONDS of wall time."""
    cpu, wall = time.process_time(), time.perf_counter()
    done = 0
    for path in paths:
        checked(label, bench_client.get(path), marker)
        done += 1
        if time.perf_counter() - wall > ROW_SECONDS:
            break
    return (
        (time.process_time() - cpu) / done * 1000,
        (time.perf_counter() - wall) / done * 1000,
    )


def child(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.ROOT_URLCONF = "bench.urls"
    from bench.endtoend import collect_static

    collect_static()
    from bench.run import ROWS, row_ids
    from zhiyuan.accounts.models import User
    from zhiyuan.accounts.services import issue_api_token
    from zhiyuan.projects.models import Project
    from zhiyuan.service.models import ServiceRecord
    from zhiyuan.volunteers.models import Volunteer

    admin = User.objects.get(username="admin")
    project = Project.objects.filter(state="published").order_by("-id").first()
    ids = row_ids(project)
    _token, key = issue_api_token(actor=admin, name="scale bench")
    clients = {
        "anonymous": client(),
        "admin": client(admin),
        "volunteer": client(User.objects.get(username="volunteer")),
        "token": client(HTTP_AUTHORIZATION=f"Bearer {key}"),
    }
    volunteers = Volunteer.objects.count()
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\n=== {volunteers:,} volunteers ({connection.vendor})", flush=True)
    rows = {}
    for row in (row.filled(ids) for row in ROWS):
        if args.row and row.label not in args.row:
            continue
        bench_client = clients[row.who]
        for _ in range(args.warmup):
            checked(row.label, bench_client.get(row.path), row.marker)
        separator = "&" if "?" in row.path else "?"
        tag = time.monotonic_ns()
        misses = [
            f"{row.path}{separator}_scale={tag}-{n}" for n in range(args.rounds * args.requests + 1)
        ]
        with CaptureQueriesContext(connection) as captured:
            checked(row.label, bench_client.get(misses.pop()), row.marker)
        queries = len(captured)
        # The least of a few rounds: the neighbours on a shared machine only ever add.
        rendered, wall = min(
            cpu_per_request(row.label, bench_client, misses[n :: args.rounds], row.marker)
            for n in range(args.rounds)
        )
        kept, _wall = min(
            cpu_per_request(row.label, bench_client, [row.path] * args.requests, row.marker)
            for _ in range(args.rounds)
        )
        rows[row.label] = {
            "path": row.path,
            "rendered_ms": rendered,
            "rendered_wall_ms": wall,
            "kept_ms": kept,
            "queries": queries,
        }
        print(
            f"  {row.label:34}{rendered:>9.2f} ms rendered ({wall:.2f} wall, {queries} queries)"
            f"{kept:>9.2f} ms kept",
            flush=True,
        )
    Path(args.json).write_text(
        json.dumps(
            {
                "database": connection.vendor,
                "volunteers": volunteers,
                "records": ServiceRecord.objects.count(),
                "load": load,
                "cpus": os.cpu_count(),
                "rows": rows,
            },
            ensure_ascii=False,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
