"""Roster import speed: a 70,000-row .xlsx imported in full vs merely read by python-calamine.

The ratio is (upload check + import) / read: the office waits for both, and both read the
file. The requirement is at most 5.

Run in a configured Django process (`measure()` from bench/run.py's child), or standalone
against a migrated, throwaway database:

    DATABASE_URL=... .venv/bin/python bench/imports.py [--rows 70000]

It creates a bench district with its own codes and an office admin, writes the file
(valid GB 11643 numbers, a few per cent bad or duplicate rows), times the read and the
import (validation, dedupe, encryption, insert), and removes the rows it made afterwards
(the volunteer-number counter stays advanced: numbers are never reused).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import sys
import time
from pathlib import Path

COMMUNITIES = 24
TARGET_RATIO = 5.0


def _district():
    from zhiyuan.accounts.models import Role, RoleGrant, User
    from zhiyuan.places.models import Region

    def region(code, name, level, parent=None):
        r = Region(code=code, name=name, level=level, parent=parent, population=8000)
        r.path = r.build_path()
        r.save()
        return r

    district = region("990100000000", "基准区", "district")
    communities = []
    for s in range(4):
        sub = region(f"99010{s + 1}000000", f"基准街道{s + 1}", "subdistrict", district)
        for c in range(COMMUNITIES // 4):
            communities.append(
                region(f"99010{s + 1}00{c + 1:04d}", f"基准{s + 1}街{c + 1}社区", "community", sub)
            )
    admin = User.objects.create(username="bench-importer", full_name="基准导入")
    RoleGrant.objects.create(user=admin, role=Role.DISTRICT_ADMIN, region=district)
    return district, communities, admin


def _cleanup(district, admin) -> None:
    from zhiyuan.places.models import Region
    from zhiyuan.spreadsheets.models import ImportJob
    from zhiyuan.volunteers.models import Volunteer

    regions = Region.objects.filter(path__startswith=district.path)
    volunteers = Volunteer.objects.filter(community__in=regions)
    Volunteer.skills.through.objects.filter(volunteer__in=volunteers).delete()
    volunteers.delete()
    for job in ImportJob.objects.filter(created_by=admin):
        job.source.delete(save=False)
        if job.parsed:
            job.parsed.delete(save=False)
        if job.error_report:
            job.error_report.delete(save=False)
        job.delete()
    admin.role_grants.all().delete()
    admin.delete()
    for level in ("community", "subdistrict", "district"):
        regions.filter(level=level).delete()


def write_roster(n: int, community_names: list[str], skill_names: list[str], seed=7) -> bytes:
    """A roster as an office keeps it: a merged title row, Chinese titles, a few bad rows."""
    from openpyxl import Workbook

    from zhiyuan.volunteers.idcard import generate_gb11643

    rng = random.Random(seed)
    places = ["120101", "120102", "120103", "120104", "120105", "120106", "120110", "120111"]
    surnames = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
    given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
    political = ["群众"] * 6 + ["中共党员", "共青团员", "中共预备党员"]
    book = Workbook(write_only=True)
    sheet = book.create_sheet("志愿者")
    sheet.append(["2026年基准区志愿者花名册"])
    sheet.append(
        ["序号", "姓名", "性别", "身份证号码", "手机号", "所属社区", "技能特长", "政治面貌"]
    )
    issued: list[str] = []
    used: set[str] = set()
    for i in range(n):
        kind = rng.random()
        if kind < 0.01 and issued:
            number = rng.choice(issued)  # a duplicate within the file
        else:
            while True:
                birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(0, 57 * 365))
                number = generate_gb11643(rng.choice(places), birth, rng.randrange(1, 1000))
                if number not in used:
                    break
            used.add(number)
            issued.append(number)
        if 0.01 <= kind < 0.02:
            number = number[:17] + ("0" if number[17] != "0" else "1")  # wrong check digit
        if rng.random() < 0.05:
            number = number.lower()
        phone = f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"
        if 0.02 <= kind < 0.03:
            phone = phone[:7]
        community = rng.choice(community_names)
        if 0.03 <= kind < 0.035:
            community = "不存在社区"
        gender = "男" if int(number[16]) % 2 else "女"
        skills = "、".join(rng.sample(skill_names, rng.randrange(0, 3)))
        name = rng.choice(surnames) + "".join(rng.choices(given, k=rng.randrange(1, 3)))
        sheet.append([i + 1, name, gender, number, phone, community, skills, rng.choice(political)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cpu() -> tuple[float, float, float]:
    """CPU seconds so far: this process, its reaped children (the import's checking worker),
    and the PostgreSQL backend of this connection (0 elsewhere, or if /proc cannot say)."""
    from django.db import connection

    children = os.times()
    backend = 0.0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (pid,) = cursor.fetchone()
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            backend = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            backend = 0.0
    return time.process_time(), children.children_user + children.children_system, backend


def _cpu_since(before: tuple[float, float, float]) -> dict:
    after = _cpu()
    process, worker, backend = (round(b - a, 2) for a, b in zip(before, after, strict=True))
    return {"process": process, "worker": worker, "backend": backend}


def measure(n: int = 70_000) -> dict:
    """Seconds to read the file with python-calamine, seconds to import it, and the ratio."""
    from django.db import connection
    from python_calamine import CalamineWorkbook

    from zhiyuan.spreadsheets import services
    from zhiyuan.volunteers.models import Skill

    district, communities, admin = _district()
    try:
        skill_names = list(
            Skill.objects.filter(requires_training=False).values_list("name", flat=True)
        )
        started = time.perf_counter()
        data = write_roster(n, [c.name for c in communities], skill_names)
        write_s = time.perf_counter() - started

        # The best of three reads: the machine may be busy, and a slow read flatters the ratio.
        read_s = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
            rows = sheet.to_python()
            read_s = min(read_s, time.perf_counter() - started)

        cpu = _cpu()
        started = time.perf_counter()
        job = services.create_job(actor=admin, name="bench.xlsx", data=data, consent_confirmed=True)
        upload_s = time.perf_counter() - started
        upload_cpu = _cpu_since(cpu)
        services.start_job(actor=admin, job=job)
        cpu = _cpu()
        started = time.perf_counter()
        job = services.run_job(job.pk)
        import_s = time.perf_counter() - started
        import_cpu = _cpu_since(cpu)
        result = {
            "database": connection.vendor,
            "rows": n,
            "file_mb": round(len(data) / 1e6, 2),
            "rows_read": len(rows),
            "write_file_s": round(write_s, 2),
            "read_s": round(read_s, 3),
            "upload_check_s": round(upload_s, 2),
            "import_s": round(import_s, 2),
            # CPU seconds of each step: this process, the import's checking worker, and
            # PostgreSQL's backend (where the time goes when the wall clock is noisy).
            "upload_check_cpu": upload_cpu,
            "import_cpu": import_cpu,
            "load": os.getloadavg()[0],
            # What the office waits for (the upload check, which reads the file too, and the
            # import) against what reading the file alone costs.
            "ratio": round((upload_s + import_s) / read_s, 1),
            "target_ratio": TARGET_RATIO,
            "imported": job.imported,
            "duplicates": job.duplicates,
            "errors": job.errors,
            "rows_per_s": round(n / (upload_s + import_s)),
        }
    finally:
        _cleanup(district, admin)
    return result


def main(argv=None) -> None:
    import argparse
    import json

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=70_000)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhiyuan.config.settings")
    import django

    django.setup()
    print(json.dumps(measure(args.rows), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
