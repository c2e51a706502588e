"""The hard rules on arrays of candidate pairs (the array form of rules.refusals)."""

from __future__ import annotations

import numpy as np

from zhiyuan.matching.rules import EARTH_RADIUS_KM


def _subset(a_table, a_code, b_table, b_code) -> np.ndarray:
    """Per pair: every bit of set a is in set b."""
    return ~np.any(a_table[a_code] & ~b_table[b_code], axis=1)


def allowed(vol: dict, dem: dict, pv: np.ndarray, pd: np.ndarray) -> tuple:
    """Keep the pairs that pass every hard rule (the array form of rules.refusals)."""

    def keep(mask):
        nonlocal pv, pd
        pv, pd = pv[mask], pd[mask]

    # The lookup only offered volunteers holding the demand's rarest required skill, so
    # the skill rule is settled for demands asking one skill (or none); the others are
    # checked here. Distinct-set pairs are few: each is checked once, looked up per pair.
    ok = np.ones(len(pv), dtype=bool)
    several = np.flatnonzero(dem["skill_count"][pd] > 1)
    if len(several):
        ok[several] = _pairwise(
            _subset,
            dem["skill_table"],
            vol["skill_table"],
            dem["skill_code"][pd[several]],
            vol["skill_code"][pv[several]],
        )
    ok &= ~_pairwise(
        _intersects,
        vol["health_table"],
        dem["health_table"],
        vol["health_code"][pv],
        dem["health_code"][pd],
    )
    age = vol["age"][pv]
    ok &= dem["min_age"][pd] <= age
    ok &= age <= dem["max_age"][pd]
    del age
    insured = dem["insurance"][pd]
    insured[insured] = vol["insured"][pv[insured]] < dem["last_day"][pd[insured]]
    ok &= ~insured
    del insured
    keep(ok)
    km = _pair_km(vol, dem, pv, pd)
    limit = np.minimum(dem["max_km"][pd], vol["max_km"][pv])
    ok = km <= limit
    keep(ok)
    km, limit = km[ok], limit[ok]
    for name in ("windows", "busy"):
        intervals = vol[name]
        if intervals["any"] and len(pv) and intervals["naive"] != dem["naive"]:
            raise ValueError(f"volunteers' {name} and demands' times mix naive and aware times")
    ok = _available(vol["windows"], pv, dem["start"][pd], dem["end"][pd])
    ok &= ~_overlaps(vol["busy"], pv, dem["start"][pd], dem["end"][pd])
    keep(ok)
    return pv, pd, km[ok], limit[ok]


def _pair_km(vol: dict, dem: dict, pv: np.ndarray, pd: np.ndarray) -> np.ndarray:
    """rules.distance_km of every pair, the same operations in the same order, with each
    point's latitude in radians and its cosine computed once per point, not per pair."""
    for side in (vol, dem):
        if "rad" not in side:
            side["rad"] = np.radians(side["lat"])
            side["cos"] = np.cos(side["rad"])
    dp = dem["rad"][pd] - vol["rad"][pv]
    dl = np.radians(dem["lon"][pd] - vol["lon"][pv])
    h = np.sin(dp / 2) ** 2 + vol["cos"][pv] * dem["cos"][pd] * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(h, 1.0)))


def _intersects(a_table, a_code, b_table, b_code) -> np.ndarray:
    return np.any(a_table[a_code] & b_table[b_code], axis=1)


def _pairwise(test, a_table, b_table, a_code, b_code) -> np.ndarray:
    """test() on every pair of distinct sets, then read per pair (codes index the tables)."""
    na, nb = len(a_table), len(b_table)
    if na * nb > 4_000_000:
        return test(a_table, a_code, b_table, b_code)
    grid_a, grid_b = np.divmod(np.arange(na * nb), nb)
    answer = test(a_table, grid_a, b_table, grid_b)
    return answer[a_code * nb + b_code]


def _first_index(values, lo, hi, target, *, strict: bool) -> np.ndarray:
    """Per query, the first index in [lo, hi) whose value is > target (>= if not strict),
    or hi; each slice of values is sorted. A binary search run on all queries at once."""
    lo, hi = lo.copy(), hi.copy()
    last = max(len(values) - 1, 0)
    while True:
        active = lo < hi
        if not active.any():
            return lo
        mid = (lo + hi) // 2
        value = values[np.minimum(mid, last)]
        right = value > target if strict else value >= target
        hi = np.where(active & right, mid, hi)
        lo = np.where(active & ~right, mid + 1, lo)


def _available(windows: dict, pv, start, end) -> np.ndarray:
    """Per pair: the volunteer gave no windows, or one window holds the demand's whole time."""
    ok = np.ones(len(pv), dtype=bool)
    if not windows["any"]:
        return ok
    lo, hi = windows["lo"][pv], windows["hi"][pv]
    limited = np.flatnonzero(hi > lo)
    lo, hi = lo[limited], hi[limited]
    i = _first_index(windows["end"], lo, hi, end[limited], strict=False)
    inside = i < hi
    inside[inside] = windows["start"][i[inside]] <= start[limited][inside]
    ok[limited] = inside
    return ok


def _overlaps(busy: dict, pv, start, end) -> np.ndarray:
    """Per pair: a busy interval overlaps the demand's time (touching does not count)."""
    clash = np.zeros(len(pv), dtype=bool)
    if not busy["any"]:
        return clash
    lo, hi = busy["lo"][pv], busy["hi"][pv]
    some = np.flatnonzero(hi > lo)
    lo, hi = lo[some], hi[some]
    i = _first_index(busy["end"], lo, hi, start[some], strict=True)
    found = i < hi
    found[found] = busy["start"][i[found]] < end[some][found]
    clash[some] = found
    return clash
