"""Export speed: the hours export of a year at district scale, as the background job runs it
(query, masking, the platform's writer, a sheet per month, the file on disk), against
openpyxl write-only writing the same rows bare. The requirement is at most 3.

    .venv/bin/python bench/exports.py [--rows 200000]          # the writer alone, no database
    DATABASE_URL=... ZHIYUAN_DATA_DIR=... .venv/bin/python bench/exports.py --job

`measure()` needs no database: rows made in memory, shaped like the hours export's records
sheet, through `spreadsheets/writing.py` (text checks, fitted widths, title and header, sheet
splitting) vs bare. `measure_job()` needs the demo district (`zhiyuan demo`: a year of about
800,000 records): it runs the office admin's export of the last year of records through
`export_jobs.run_export`, then writes the same rows (the totals and the records) bare,
fetched in chunks whose fetching is not timed.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

TARGET_RATIO = 3.0


def _rows(n: int, seed: int = 11) -> list[list]:
    rng = random.Random(seed)
    teams = [f"新兴街道第{i}志愿服务队" for i in range(40)]
    projects = ["文明礼让日", "助老陪护", "垃圾分类宣传", "义务指路", ""]
    contents = ["路口文明引导", "社区助老", "环境整治", "=1+1 测试", "科普宣传"]
    start = dt.date(2026, 1, 1)
    return [
        [
            start + dt.timedelta(days=i * 365 // n),
            f"ZY{rng.randrange(10**8):08d}",
            "王" + "小明"[: 1 + i % 2],
            rng.choice(teams),
            rng.choice(projects),
            rng.choice(contents),
            Decimal(rng.randrange(1, 17)) / 2,
            rng.randrange(0, 30),
            "实测" if i % 3 else "补录",
            "已审核",
        ]
        for i in range(n)
    ]


HEADER = [
    "服务日期",
    "志愿者编号",
    "姓名",
    "记录队伍",
    "项目",
    "服务内容",
    "时长",
    "服务人次",
    "来源",
    "状态",
]


def measure(n: int = 200_000) -> dict:
    from openpyxl import Workbook

    from zhiyuan.spreadsheets.writing import XlsxBook, export_title

    rows = _rows(n)
    bare_s = writer_s = float("inf")
    for _ in range(2):  # the best of two: the machine may be busy
        started = time.perf_counter()
        book = Workbook(write_only=True)
        sheet = book.create_sheet("服务记录")
        sheet.append(HEADER)
        for row in rows:
            sheet.append(row)
        book.save(io.BytesIO())
        bare_s = min(bare_s, time.perf_counter() - started)

        started = time.perf_counter()
        ours = XlsxBook()
        sheet = ours.sheet("服务记录", HEADER, title=export_title("服务时长", "范围：基准区"))
        for row in rows:
            sheet.append(row)
        content = ours.save()
        writer_s = min(writer_s, time.perf_counter() - started)
    return {
        "rows": n,
        "bare_openpyxl_s": round(bare_s, 2),
        "writer_s": round(writer_s, 2),
        "file_mb": round(len(content) / 1e6, 1),
        "ratio": round(writer_s / bare_s, 2),
        "target_ratio": TARGET_RATIO,
    }


BARE_CHUNK = 50_000


def _bare_rows(actor, request):
    """The rows of the export (totals, then records) in chunks, as plain values."""
    from django.db.models import Count, Sum

    from zhiyuan.spreadsheets import exports

    records = exports._records(actor, request)
    chunk: list[list] = []
    totals = records.values("volunteer__volunteer_no", "volunteer__real_name").annotate(
        n=Count("id"), hours=Sum("hours"), persons=Sum("persons_served")
    )
    for t in totals.iterator(chunk_size=2000):
        chunk.append(
            [
                t["volunteer__volunteer_no"],
                t["volunteer__real_name"],
                "",
                "",
                "",
                "",
                t["n"],
                t["hours"],
                t["hours"],
                t["hours"],
                0,
                t["persons"],
                t["hours"],
                0,
            ]
        )
    yield chunk
    chunk = []
    for row in (
        records.order_by("served_on", "id")
        .values_list(
            "served_on",
            "volunteer__volunteer_no",
            "volunteer__real_name",
            "team__name",
            "project__name",
            "content",
            "hours",
            "persons_served",
            "source",
            "state",
        )
        .iterator(chunk_size=2000)
    ):
        chunk.append(list(row))
        if len(chunk) >= BARE_CHUNK:
            yield chunk
            chunk = []
    yield chunk


def measure_job(username: str = "admin", days: int = 365) -> dict:
    """The hours export job of the last year of records vs openpyxl writing its rows bare."""
    from django.db.models import Max
    from openpyxl import Workbook

    from zhiyuan.accounts.models import User
    from zhiyuan.service.models import ServiceRecord
    from zhiyuan.spreadsheets import export_jobs, exports

    actor = User.objects.get(username=username)
    last = ServiceRecord.objects.aggregate(last=Max("served_on"))["last"] or dt.date.today()
    request = exports.ExportRequest(date_from=last - dt.timedelta(days=days - 1), date_to=last)
    job = export_jobs.start_export(actor=actor, kind="hours", request=request)
    started = time.perf_counter()
    job = export_jobs.run_export(job.pk)
    job_s = time.perf_counter() - started

    bare_s = 0.0
    rows = 0
    book = Workbook(write_only=True)
    sheet = book.create_sheet("服务记录")
    for chunk in _bare_rows(actor, request):
        started = time.perf_counter()
        for row in chunk:
            sheet.append(row)
        bare_s += time.perf_counter() - started
        rows += len(chunk)
    started = time.perf_counter()
    book.save(io.BytesIO())
    bare_s += time.perf_counter() - started
    job.refresh_from_db()
    from openpyxl import load_workbook

    sheets = load_workbook(job.file.path, read_only=True).sheetnames
    result = {
        "records": job.total,
        "rows": rows,
        "sheets": len(sheets),
        "job_s": round(job_s, 1),
        "bare_openpyxl_s": round(bare_s, 1),
        "file_mb": round(job.size / 1e6, 1),
        "ratio": round(job_s / bare_s, 2),
        "target_ratio": TARGET_RATIO,
    }
    job.file.delete(save=False)
    return result


def main(argv=None) -> None:
    import argparse
    import json

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument(
        "--job", action="store_true", help="the hours export job on the configured database"
    )
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhiyuan.config.settings")
    import django

    django.setup()
    result = measure_job() if args.job else measure(args.rows)
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
