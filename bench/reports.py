"""Reports benchmark: the year's statistics for the whole district and the yearly .docx.

`measure()` runs inside an already configured Django process with the demo loaded (the
lead calls it from bench/run.py after the million-record demo). It times compute() over
the current calendar year (live, never from a snapshot) for the district, a subdistrict
and the largest team subtree, then the yearly report's generation.
"""

from __future__ import annotations

import statistics
import time


def _best_of(fn, runs: int = 3) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times) * 1000, statistics.median(times) * 1000


def measure() -> dict:
    from django.db import connection
    from django.utils import timezone

    from zhiyuan.places.models import Region
    from zhiyuan.reports import yearly
    from zhiyuan.reports.scope import Scope
    from zhiyuan.reports.statistics import compute
    from zhiyuan.service.models import ServiceRecord
    from zhiyuan.teams.models import Team

    year = timezone.localdate().year
    start, end = yearly.year_period(year)
    district = Region.objects.filter(parent__isnull=True).order_by("path").first()
    if district is None:
        return {"error": "no district: run zhiyuan demo first"}
    subdistrict = Region.objects.filter(parent=district).order_by("path").first()
    detachment = Team.objects.filter(level="detachment").order_by("path").first()
    results: dict = {
        "database": connection.vendor,
        "service_records": ServiceRecord.objects.count(),
        "year": year,
    }
    scopes = [("district", Scope("region", district))]
    if subdistrict:
        scopes.append(("subdistrict", Scope("region", subdistrict)))
    if detachment:
        scopes.append(("detachment subtree", Scope("team", detachment)))
    for label, scope in scopes:
        best, median = _best_of(lambda scope=scope: compute(scope, start, end, use_snapshot=False))
        results[f"statistics {label} {year} (ms, best / median of 3)"] = (
            round(best, 1),
            round(median, 1),
        )
    started = time.perf_counter()
    content = yearly.build(Scope("region", district), year)
    results["yearly .docx (ms)"] = round((time.perf_counter() - started) * 1000, 1)
    results["yearly .docx (bytes)"] = len(content)
    return results


if __name__ == "__main__":
    import json
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhiyuan.config.settings")
    django.setup()
    print(json.dumps(measure(), ensure_ascii=False, indent=2))
