"""Matching bench: the engine's exact solve against a bare SciPy solve of the same graph, and greedy.

`synthetic()` makes a district-sized instance (70,000 volunteers, 10,000 demands over a
month in about 10 km²; `dense=True` for the old two-week worst case); `measure()` times the
engine end to end (input, candidate pairs, rules, scores, the pruned exact solve with its
certificate, the reasons) and SciPy's min_weight_full_bipartite_matching alone on the full
expanded graph of every allowed pair, prebuilt, and compares the scores. Run it directly:

    .venv/bin/python bench/matching.py [--dense] [--no-greedy] [--repeat 3]

and it writes bench/results/<time>-matching.json (every run and the median).
"""

from __future__ import annotations

import datetime as dt
import math
import os
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


def synthetic(
    n_volunteers: int = 70_000, n_demands: int = 10_000, seed: int = 1, *, dense: bool = False
):
    """A district-sized instance: `n_volunteers` volunteers and `n_demands` demands.

    By default a realistic month: demands (60% help requests for one or two people, 40%
    station shifts for two to six) spread over 30 days, each 2-4 hours inside a morning,
    afternoon or evening; volunteers hold one to three of the demo district's skills with
    realistic shares, and most declare 2-4 weekly slots as the volunteer form offers them
    (weekday evenings and weekends are popular), expanded to concrete windows over the month,
    plus a few existing commitments. `dense=True` gives the old worst case instead (two
    weeks, a dozen common skills, far more allowed pairs).
    """
    if dense:
        return _dense(n_volunteers, n_demands, seed)
    return _month(n_volunteers, n_demands, seed)


# The demo district's skills (volunteers/migrations/0002_default_skills.py) with how often a
# volunteer lists each; help requests ask for the care skills, shifts for the others.
MONTH_SKILLS = {
    "guide": 12,
    "first_aid": 6,
    "order": 11,
    "traffic": 9,
    "elderly_care": 9,
    "disability_help": 3,
    "medical": 3,
    "psychology": 2,
    "legal": 1.5,
    "repair": 2,
    "haircut": 1.5,
    "tutoring": 5,
    "science": 4,
    "environment": 8,
    "fire_safety": 3,
    "culture": 4,
    "audio_description": 0.5,
    "sign_language": 0.7,
    "foreign_language": 2,
    "photography": 2,
    "driving": 3,
    "computer": 3,
    "blood_donation": 1.5,
    "quality_supervision": 1,
}
MONTH_HELP = {  # skill asked by a help request: share
    "elderly_care": 40,
    "disability_help": 10,
    "tutoring": 12,
    "medical": 8,
    "psychology": 5,
    "legal": 4,
    "repair": 8,
    "haircut": 5,
    "computer": 5,
    "sign_language": 1,
    "driving": 2,
}
MONTH_SHIFT = {
    "guide": 20,
    "order": 20,
    "traffic": 18,
    "environment": 15,
    "culture": 6,
    "science": 6,
    "fire_safety": 6,
    "first_aid": 5,
    "blood_donation": 2,
    "photography": 2,
}
# Weekly slots as volunteers declare them (volunteers/availability.py): day × period.
PERIODS = {"am": (8.0, 12.0), "pm": (12.0, 18.0), "eve": (18.0, 21.5)}
MONTH_DAYS = 30


def _share(table: dict) -> tuple[np.ndarray, np.ndarray]:
    p = np.array(list(table.values()), dtype=float)
    return np.array(list(table)), p / p.sum()


def _month(n_volunteers: int, n_demands: int, seed: int):
    rng = np.random.default_rng(seed)
    monday = dt.datetime(2026, 12, 7, tzinfo=TZ)
    km_lat = 1 / 110.574
    km_lon = 1 / (111.320 * math.cos(math.radians(CENTRE[0])))

    def place(n):
        x, y = rng.uniform(-SIDE_KM / 2, SIDE_KM / 2, (2, n))
        return CENTRE[0] + y * km_lat, CENTRE[1] + x * km_lon

    def at(day: int, hour: float) -> dt.datetime:
        return monday + dt.timedelta(days=day, hours=hour)

    n = n_volunteers
    codes, p_skill = _share(MONTH_SKILLS)
    ranked = np.argsort(-(np.log(p_skill) + rng.gumbel(size=(n, len(codes)))), axis=1)
    skill_counts = rng.choice(4, size=n, p=[0.15, 0.45, 0.28, 0.12])
    lat, lon = place(n)
    ages = np.clip(rng.normal(45, 16, n), 14, 80).astype(int)
    today = monday.date()
    insured_days = rng.integers(-60, 365, n)
    uninsured = rng.random(n) < 0.2
    heavy, night = rng.random(n) < 0.08, rng.random(n) < 0.05
    # 21 weekly slots (Mon am .. Sun eve); weekday evenings and weekends are the popular ones.
    slot_weight = np.array(
        [
            (3.0 if day >= 5 else 1.0) * (2.0 if period == "eve" and day < 5 else 1.0)
            for day in range(7)
            for period in PERIODS
        ]
    )
    slot_weight /= slot_weight.sum()
    gives_slots = rng.random(n) < 0.85
    n_slots = rng.integers(2, 5, n)
    slot_rank = np.argsort(-(np.log(slot_weight) + rng.gumbel(size=(n, 21))), axis=1)
    n_busy = rng.integers(0, 4, n)
    load = np.round(rng.gamma(1.5, 8.0, n), 1)
    reliability = np.round(rng.beta(9, 1.2, n), 2)
    own_limit = np.where(rng.random(n) < 0.5, np.nan, rng.choice([1, 1.5, 2, 3], n))
    station = rng.integers(1, STATIONS + 1, n)
    period_list = list(PERIODS.values())
    # Every slot's concrete windows over the month, built once and shared.
    slot_windows = []
    for slot in range(21):
        weekday, (h0, h1) = divmod(slot, 3)[0], period_list[slot % 3]
        slot_windows.append(
            tuple((at(day, h0), at(day, h1)) for day in range(weekday, MONTH_DAYS, 7))
        )
    b_day = rng.integers(0, MONTH_DAYS, (n, 3))
    b_hour = rng.integers(8, 20, (n, 3))
    b_len = rng.integers(2, 5, (n, 3))
    limit_names = [
        frozenset(),
        frozenset({"no_heavy_lifting"}),
        frozenset({"no_night"}),
        frozenset({"no_heavy_lifting", "no_night"}),
    ]
    skill_sets: dict = {}
    window_sets: dict = {}
    volunteers = []
    for i in range(n):
        chosen = tuple(sorted(ranked[i, : skill_counts[i]].tolist()))
        skills = skill_sets.get(chosen)
        if skills is None:
            skills = skill_sets[chosen] = frozenset(codes[list(chosen)].tolist())
        available = ()
        if gives_slots[i]:
            slots = tuple(sorted(slot_rank[i, : n_slots[i]].tolist()))
            available = window_sets.get(slots)
            if available is None:
                available = window_sets[slots] = tuple(w for s in slots for w in slot_windows[s])
        busy = tuple(
            (
                at(int(b_day[i, k]), int(b_hour[i, k])),
                at(int(b_day[i, k]), int(b_hour[i, k]) + int(b_len[i, k])),
            )
            for k in range(n_busy[i])
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
    help_codes, p_help = _share(MONTH_HELP)
    shift_codes, p_shift = _share(MONTH_SHIFT)
    d_lat, d_lon = place(n_demands)
    # Weekends and evenings carry more demand, like the volunteers' slots.
    day_weight = np.array([3.0 if (d % 7) >= 5 else 1.0 for d in range(MONTH_DAYS)])
    d_day = rng.choice(MONTH_DAYS, n_demands, p=day_weight / day_weight.sum())
    d_period = rng.choice(3, n_demands, p=[0.35, 0.35, 0.30])
    d_hours = rng.integers(2, 5, n_demands)
    demands = []
    for j in range(n_demands):
        h0, h1 = period_list[int(d_period[j])]
        hours = min(int(d_hours[j]), int(h1 - h0))
        start = at(int(d_day[j]), h0 + int(rng.integers(0, int(h1 - h0) - hours + 1)))
        end = start + dt.timedelta(hours=hours)
        evening = d_period[j] == 2
        if rng.random() < 0.6:
            demands.append(
                Demand(
                    id=f"help:{j + 1}",
                    skills=frozenset([str(rng.choice(help_codes, p=p_help))]),
                    lat=float(d_lat[j]),
                    lon=float(d_lon[j]),
                    start=start,
                    end=end,
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
            demands.append(
                Demand(
                    id=f"shift:{j + 1}",
                    skills=frozenset([str(rng.choice(shift_codes, p=p_shift))])
                    if rng.random() < 0.8
                    else frozenset(),
                    lat=float(d_lat[j]),
                    lon=float(d_lon[j]),
                    start=start,
                    end=end,
                    needed=int(rng.integers(2, 7)),
                    min_age=16,
                    max_age=70 if rng.random() < 0.5 else None,
                    insurance_required=bool(rng.random() < 0.4),
                    excluded_health=frozenset({"no_night"}) if evening else frozenset(),
                    max_distance_km=float(rng.choice([2.0, 3.0, 5.0])),
                    waited_hours=float(round(rng.uniform(0, 48), 1)),
                    station_id=int(rng.integers(1, STATIONS + 1)),
                    preferred_skills=frozenset({"first_aid"})
                    if rng.random() < 0.3
                    else frozenset(),
                )
            )
    return volunteers, demands


def _dense(n_volunteers: int, n_demands: int, seed: int):
    """The old worst case: demands packed into two weeks, a dozen common skills, volunteers
    with half-day windows on random days; about 9 million allowed pairs at full size."""
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


def measure(volunteers, demands, *, greedy: bool = True) -> dict:
    """Time the engine's exact solve end to end and a bare SciPy solve of the full expanded
    graph (every allowed pair, weights prebuilt, only min_weight_full_bipartite_matching
    timed); compare the scores (the ratio must be 1.00) and the greedy baseline.

    Both are timed in wall-clock seconds and in CPU seconds of this process
    (time.process_time: user + system, every thread): on a shared machine the wall clock
    also counts the neighbours, the CPU time does not. The target (issue 18) is the engine
    at most 2× the bare solve.
    """
    load_before = os.getloadavg()
    started, cpu = time.perf_counter(), time.process_time()
    exact = solve(volunteers, demands, method="exact")
    engine_s, engine_cpu = time.perf_counter() - started, time.process_time() - cpu

    problem = build_problem(volunteers, demands)
    matrix, *_ = problem.graph()
    started, cpu = time.perf_counter(), time.process_time()
    rows, cols = min_weight_full_bipartite_matching(matrix, maximize=True)
    bare_s, bare_cpu = time.perf_counter() - started, time.process_time() - cpu
    reference = problem.pairs_of(rows, cols)
    reference_score = int(problem.units[reference].sum()) / problem.quantum
    if exact.total_score != reference_score or exact.stats["filled"] != len(reference):
        raise AssertionError(
            f"the engine's exact solve is not the optimum: {exact.stats['filled']} places, "
            f"{exact.total_score} points; the full graph: {len(reference)}, {reference_score}"
        )
    places = sum(d.needed for d in demands)
    out = {
        "volunteers": len(volunteers),
        "demands": len(demands),
        "places": places,
        "spatial_pairs": exact.stats["spatial_pairs"],
        "allowed_pairs": exact.stats["candidates"],
        "graph_edges": int(matrix.nnz),
        "graph_rows": int(matrix.shape[0]),
        "engine_exact_s": round(engine_s, 3),
        "engine_cpu_s": round(engine_cpu, 3),
        "engine_phases_s": exact.stats["seconds"],
        "engine_proof": exact.stats.get("exact"),
        "bare_scipy_s": round(bare_s, 3),
        "bare_scipy_cpu_s": round(bare_cpu, 3),
        "engine_over_bare": round(engine_s / bare_s, 2) if bare_s else None,
        "engine_over_bare_cpu": round(engine_cpu / bare_cpu, 2) if bare_cpu else None,
        "filled_exact": exact.stats["filled"],
        "filled_reference": len(reference),
        "score_exact": exact.total_score,
        "score_reference": reference_score,
        "score_ratio_exact_over_reference": round(exact.total_score / reference_score, 4)
        if reference_score
        else None,
        "load_average": [round(x, 2) for x in load_before],
    }
    if greedy:
        started = time.perf_counter()
        baseline = solve(volunteers, demands, method="greedy")
        out.update(
            greedy_s=round(time.perf_counter() - started, 3),
            filled_greedy=baseline.stats["filled"],
            score_greedy=baseline.total_score,
            gain_over_greedy=round(exact.total_score / baseline.total_score - 1, 4)
            if baseline.total_score
            else None,
            extra_places_over_greedy=exact.stats["filled"] - baseline.stats["filled"],
        )
    return out


def row(result: dict) -> str:
    """The matching row: both timings and the ratio, wall clock and CPU."""
    return (
        f"matching {result['demands']:,} demands × {result['volunteers']:,} volunteers "
        f"({result['allowed_pairs']:,} allowed pairs): engine {result['engine_exact_s']:.1f} s "
        f"({result['engine_cpu_s']:.1f} s CPU), bare SciPy {result['bare_scipy_s']:.1f} s "
        f"({result['bare_scipy_cpu_s']:.1f} s CPU), engine/bare "
        f"{result['engine_over_bare']:.2f}× wall, {result['engine_over_bare_cpu']:.2f}× CPU "
        f"(target ≤ 2×); same optimum ({result['score_exact']} points, "
        f"{result['filled_exact']} places); load {result['load_average'][0]}"
    )


if __name__ == "__main__":
    import argparse
    import json
    from pathlib import Path

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dense", action="store_true", help="the old two-week worst case")
    parser.add_argument("--no-greedy", dest="greedy", action="store_false", help="skip greedy")
    parser.add_argument("--repeat", type=int, default=1, help="runs; the median is printed")
    args = parser.parse_args()
    started = time.perf_counter()
    instance = synthetic(dense=args.dense)
    print(f"synthetic instance built in {time.perf_counter() - started:.1f} s", flush=True)
    runs = []
    for _ in range(args.repeat):
        runs.append(measure(*instance, greedy=args.greedy))
        print(row(runs[-1]), flush=True)
    median = sorted(runs, key=lambda r: r["engine_over_bare"])[len(runs) // 2]
    results = Path(__file__).resolve().parent / "results"
    results.mkdir(exist_ok=True)
    path = results / f"{time.strftime('%Y%m%d-%H%M%S')}-matching.json"
    path.write_text(json.dumps({"median": median, "runs": runs}, ensure_ascii=False, indent=2))
    print(json.dumps(median, indent=2, ensure_ascii=False))
    print(f"median of {len(runs)}: {row(median)}\nresults: {path}")
