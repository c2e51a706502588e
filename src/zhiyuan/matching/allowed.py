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
    ok = _available(vol["windows"], pv, pd, dem["start"], dem["end"])
    ok &= ~_overlaps(vol["busy"], pv, pd, dem["start"], dem["end"])
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


def _first_index(intervals: dict, field: str, pv, pd, target, *, strict: bool) -> np.ndarray:
    """Per pair, the index of the volunteer's first interval whose `field` is > the
    demand's target (>= if not strict), or the end of the volunteer's slice; each slice is
    sorted. One np.searchsorted over (volunteer, rank of the time) keys: the times are
    replaced by their rank among all the times compared, which keeps their order exactly."""
    values = intervals[field]
    times = np.unique(np.concatenate((values, target)))
    width = len(times) + 1
    owner = np.repeat(
        np.arange(len(intervals["lo"]), dtype=np.int64), intervals["hi"] - intervals["lo"]
    )
    keys = owner * width + np.searchsorted(times, values)
    query = pv.astype(np.int64) * width + np.searchsorted(times, target)[pd]
    return np.searchsorted(keys, query, side="right" if strict else "left")


def _available(windows: dict, pv, pd, start, end) -> np.ndarray:
    """Per pair: the volunteer gave no windows, or one window holds the demand's whole time
    (start and end per demand, pd the pairs' demands)."""
    ok = np.ones(len(pv), dtype=bool)
    if not windows["any"]:
        return ok
    limited = np.flatnonzero(windows["hi"][pv] > windows["lo"][pv])
    pv, pd = pv[limited], pd[limited]
    i = _first_index(windows, "end", pv, pd, end, strict=False)
    inside = i < windows["hi"][pv]
    inside[inside] = windows["start"][i[inside]] <= start[pd[inside]]
    ok[limited] = inside
    return ok


def _overlaps(busy: dict, pv, pd, start, end) -> np.ndarray:
    """Per pair: a busy interval overlaps the demand's time (touching does not count)."""
    clash = np.zeros(len(pv), dtype=bool)
    if not busy["any"]:
        return clash
    some = np.flatnonzero(busy["hi"][pv] > busy["lo"][pv])
    pv, pd = pv[some], pd[some]
    i = _first_index(busy, "end", pv, pd, start, strict=True)
    found = i < busy["hi"][pv]
    found[found] = busy["start"][i[found]] < end[pd[found]]
    clash[some] = found
    return clash
