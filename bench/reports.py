"""Reports benchmark: the year's statistics for the whole district and the yearly .docx.

`measure()` runs inside an already configured Django process with the demo loaded (the
lead calls it from bench/run.py after the million-record demo). It times compute() over
the current calendar year (live, never from a snapshot) for the district, a subdistrict
and the first detachment's subtree, both from the rollup tables and from the records
themselves (`use_rollups=False`, the path before rollups existed) under the same load, then
the yearly report's generation, the dashboard page through the test client, and a full
rebuild of the rollups (the `zhiyuan refresh_rollups` command; it rolls back afterwards).
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
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from bench.clients import checked, client
    from zhiyuan.accounts.models import RoleGrant
    from zhiyuan.places.models import Region
    from zhiyuan.reports import rollups, yearly
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
    if not rollups.is_built():
        started = time.perf_counter()
        rollups.rebuild()
        results["rollups first built (ms)"] = round((time.perf_counter() - started) * 1000, 1)
    for label, scope in scopes:
        for path, use_rollups in (("rollups", True), ("records", False)):
            best, median = _best_of(
                lambda scope=scope, use_rollups=use_rollups: compute(
                    scope, start, end, use_snapshot=False, use_rollups=use_rollups
                )
            )
            results[f"statistics {label} {year} from {path} (ms, best / median of 3)"] = (
                round(best, 1),
                round(median, 1),
            )
    started = time.perf_counter()
    content = yearly.build(Scope("region", district), year)
    results["yearly .docx (ms)"] = round((time.perf_counter() - started) * 1000, 1)
    results["yearly .docx (bytes)"] = len(content)

    grant = RoleGrant.objects.filter(role="district_admin", region=district).first()
    admin = grant.user if grant else get_user_model().objects.filter(is_superuser=True).first()
    if admin is not None:
        admin_client = client(admin)
        path = f"/reports/?scope=region:{district.pk}&start={start}&end={end}"
        label = f"dashboard page, district {year} (ms, best / median of 3)"

        def page():
            checked(label, admin_client.get(path), 'id="period-form"')

        best, median = _best_of(page)
        results[label] = (round(best, 1), round(median, 1))

    with transaction.atomic():
        started = time.perf_counter()
        counts = rollups.rebuild()
        results["full rollup rebuild (ms)"] = round((time.perf_counter() - started) * 1000, 1)
        results["rollup rows (daily, active months)"] = (
            counts["daily_rows"],
            counts["active_rows"],
        )
        transaction.set_rollback(True)
    return results


if __name__ == "__main__":
    import json
    import os
    import sys
    from pathlib import Path

    import django

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhiyuan.config.settings")
    django.setup()
    print(json.dumps(measure(), ensure_ascii=False, indent=2))
