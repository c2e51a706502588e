"""Matching bench: the engine's exact solve against a bare SciPy solve of the same graph, and greedy.

`synthetic()` makes a district-sized instance (70,000 volunteers, 10,000 demands over two
weeks in about 10 km²); `measure()` times the engine end to end (input, candidate pairs,
rules, scores, the solve, the reasons) and SciPy's min_weight_full_bipartite_matching alone
on the engine's own graph, prebuilt, and compares the scores. Run it directly:

    .venv/bin/python bench/matching.py
"""

from __future__ import annotations

import datetime as dt
import math
import time

import numpy as np
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from zhiyuan.matching import Demand, Volunteer, build_problem, solve

TZ = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")
CENTRE = (31.2304, 121.4737)  # a central district; only the size matters
SIDE_KM = math.sqrt(10.0)  # about 10 km²
HORIZON_DAYS = 14
STATIONS = 12
# Skill codes as the demo uses them, with how often a volunteer lists each.
SKILLS = {
    "guide": 10,
    "order": 9,
    "traffic": 8,
    "elderly_care": 8,
    "environment": 7,
    "first_aid": 5,
    "science": 4,
    "culture": 4,
    "tutoring": 4,
    "disability_help": 3,
    "fire_safety": 3,
    "medical": 3,
}
HELP_SKILLS = ["elderly_care", "disability_help", "tutoring", "medical", "first_aid"]
SHIFT_SKILLS = ["guide", "order", "traffic", "environment", "culture", "science", "fire_safety"]


def synthetic(n_volunteers: int = 70_000, n_demands: int = 10_000, seed: int = 1):
    """A realistic instance: volunteers spread over the district with skills, ages, insurance,
    health limits, weekly availability, a few existing commitments and uneven loads; demands
    are help requests (one or two people, nearby, few skills) and station shifts (several
    people, wider radius, sometimes insured adults only) over the next two weeks."""
    rng = np.random.default_rng(seed)
    monday = dt.datetime(2026, 12, 7, tzinfo=TZ)
    km_lat = 1 / 110.574
    km_lon = 1 / (111.320 * math.cos(math.radians(CENTRE[0])))

    def place(n):
        x, y = rng.uniform(-SIDE_KM / 2, SIDE_KM / 2, (2, n))
        return CENTRE[0] + y * km_lat, CENTRE[1] + x * km_lon

    n = n_volunteers
    codes = np.array(list(SKILLS))
    weights = np.array(list(SKILLS.values()), dtype=float)
    # Weighted sampling without replacement for everyone at once (Gumbel top-k).
    ranked = np.argsort(-(np.log(weights) + rng.gumbel(size=(n, len(codes)))), axis=1)
    skill_counts = rng.choice(4, size=n, p=[0.25, 0.35, 0.25, 0.15])
    lat, lon = place(n)
    ages = np.clip(rng.normal(45, 16, n), 14, 80).astype(int)
    today = monday.date()
    insured_days = rng.integers(-60, 365, n)
    uninsured = rng.random(n) < 0.2
    heavy, night = rng.random(n) < 0.08, rng.random(n) < 0.05
    gives_windows = rng.random(n) < 0.9  # most give availability: two to four half-days
    n_windows = rng.integers(2, 5, n)
    n_busy = rng.integers(0, 3, n)
    load = np.round(rng.gamma(1.5, 8.0, n), 1)
    reliability = np.round(rng.beta(9, 1.2, n), 2)
    own_limit = np.where(rng.random(n) < 0.5, np.nan, rng.choice([1, 1.5, 2, 3], n))
    station = rng.integers(1, STATIONS + 1, n)
    days = [monday + dt.timedelta(days=k) for k in range(HORIZON_DAYS)]
    windows = {
        (k, h, length): (
            days[k].replace(hour=h),
            days[k].replace(hour=h) + dt.timedelta(hours=length),
        )
        for k in range(HORIZON_DAYS)
        for h in range(8, 20)
        for length in range(1, 6)
    }
    w_day, w_hour, w_len = (
        rng.integers(0, HORIZON_DAYS, (n, 4)),
        rng.choice([8, 13, 18], (n, 4)),
        rng.integers(3, 6, (n, 4)),
    )
    b_day, b_hour, b_len = (
        rng.integers(0, HORIZON_DAYS, (n, 2)),
        rng.integers(8, 20, (n, 2)),
        rng.integers(1, 4, (n, 2)),
    )
    limit_names = [
        frozenset(),
        frozenset({"no_heavy_lifting"}),
        frozenset({"no_night"}),
        frozenset({"no_heavy_lifting", "no_night"}),
    ]
    skill_sets: dict = {}
    volunteers = []
    for i in range(n):
        chosen = tuple(sorted(ranked[i, : skill_counts[i]].tolist()))
        skills = skill_sets.get(chosen)
        if skills is None:
            skills = skill_sets[chosen] = frozenset(codes[list(chosen)].tolist())
        available = ()
        if gives_windows[i]:
            available = tuple(
                windows[int(w_day[i, k]), int(w_hour[i, k]), int(w_len[i, k])]
                for k in range(n_windows[i])
            )
        busy = tuple(
            windows[int(b_day[i, k]), int(b_hour[i, k]), int(b_len[i, k])] for k in range(n_busy[i])
        )
        volunteers.append(
            Volunteer(
                id=i + 1,
                skills=skills,
                age=int(ages[i]),
                lat=float(lat[i]),
                lon=float(lon[i]),
                insured_until=None
                if uninsured[i]
                else today + dt.timedelta(days=int(insured_days[i])),
                health_limits=limit_names[int(heavy[i]) + 2 * int(night[i])],
                available=available,
                busy=busy,
                load_hours=float(load[i]),
                reliability=float(reliability[i]),
                max_distance_km=None if np.isnan(own_limit[i]) else float(own_limit[i]),
                station_id=int(station[i]),
            )
        )
    d_lat, d_lon = place(n_demands)
    demands = []
    for j in range(n_demands):
        day = monday + dt.timedelta(days=int(rng.integers(0, HORIZON_DAYS)))
        help_request = rng.random() < 0.6
        if help_request:
            start = day.replace(hour=int(rng.integers(8, 19)), minute=int(rng.choice([0, 30])))
            hours = int(rng.integers(1, 3))
            skills = frozenset([str(rng.choice(HELP_SKILLS))])
            demands.append(
                Demand(
                    id=f"help:{j + 1}",
                    skills=skills,
                    lat=float(d_lat[j]),
                    lon=float(d_lon[j]),
                    start=start,
                    end=start + dt.timedelta(hours=hours),
                    needed=int(rng.choice([1, 1, 1, 2])),
                    min_age=18,
                    excluded_health=frozenset({"no_heavy_lifting"})
                    if rng.random() < 0.2
                    else frozenset(),
                    max_distance_km=float(rng.choice([1.0, 1.5, 2.0])),
                    waited_hours=float(round(rng.uniform(0, 96), 1)),
                    preferred_skills=frozenset({"first_aid"})
                    if rng.random() < 0.3
                    else frozenset(),
                )
            )
        else:
            start = day.replace(hour=int(rng.choice([8, 9, 13, 14, 18])))
            skill = str(rng.choice(SHIFT_SKILLS))
            demands.append(
                Demand(
                    id=f"shift:{j + 1}",
                    skills=frozenset([skill]) if rng.random() < 0.8 else frozenset(),
                    lat=float(d_lat[j]),
                    lon=float(d_lon[j]),
                    start=start,
                    end=start + dt.timedelta(hours=int(rng.integers(2, 4))),
                    needed=int(rng.integers(2, 7)),
                    min_age=16,
                    max_age=70 if rng.random() < 0.5 else None,
                    insurance_required=bool(rng.random() < 0.4),
                    excluded_health=frozenset({"no_night"}) if start.hour >= 18 else frozenset(),
                    max_distance_km=float(rng.choice([2.0, 3.0, 5.0])),
                    waited_hours=float(round(rng.uniform(0, 48), 1)),
                    station_id=int(rng.integers(1, STATIONS + 1)),
                    preferred_skills=frozenset({"first_aid"})
                    if rng.random() < 0.3
                    else frozenset(),
                )
            )
    return volunteers, demands


def measure(volunteers, demands) -> dict:
    """Time the engine's exact solve and a bare SciPy solve of its graph; compare the scores."""
    started = time.perf_counter()
    exact = solve(volunteers, demands, method="exact")
    engine_s = time.perf_counter() - started

    problem = build_problem(volunteers, demands)
    matrix, *_ = problem.graph()
    started = time.perf_counter()
    rows, cols = min_weight_full_bipartite_matching(matrix, maximize=True)
    bare_s = time.perf_counter() - started
    reference = problem.pairs_of(rows, cols)
    reference_score = int(problem.units[reference].sum()) / problem.quantum

    started = time.perf_counter()
    greedy = solve(volunteers, demands, method="greedy")
    greedy_s = time.perf_counter() - started
    places = sum(d.needed for d in demands)
    return {
        "volunteers": len(volunteers),
        "demands": len(demands),
        "places": places,
        "spatial_pairs": exact.stats["spatial_pairs"],
        "candidates": exact.stats["candidates"],
        "graph_edges": int(matrix.nnz),
        "graph_rows": int(matrix.shape[0]),
        "engine_exact_s": round(engine_s, 3),
        "engine_phases_s": exact.stats["seconds"],
        "bare_scipy_s": round(bare_s, 3),
        "engine_over_bare": round(engine_s / bare_s, 2) if bare_s else None,
        "filled_exact": exact.stats["filled"],
        "filled_reference": len(reference),
        "score_exact": exact.total_score,
        "score_reference": reference_score,
        "score_ratio_exact_over_reference": round(exact.total_score / reference_score, 4)
        if reference_score
        else None,
        "greedy_s": round(greedy_s, 3),
        "filled_greedy": greedy.stats["filled"],
        "score_greedy": greedy.total_score,
        "gain_over_greedy": round(exact.total_score / greedy.total_score - 1, 4)
        if greedy.total_score
        else None,
        "extra_places_over_greedy": exact.stats["filled"] - greedy.stats["filled"],
    }


if __name__ == "__main__":
    import json

    started = time.perf_counter()
    instance = synthetic()
    print(f"synthetic instance built in {time.perf_counter() - started:.1f} s", flush=True)
    print(json.dumps(measure(*instance), indent=2, ensure_ascii=False))
