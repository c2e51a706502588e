"""The hard rules on arrays of candidate pairs (the array form of rules.refusals).

`Rules` prepares everything that depends on one side only (set tables, interval keys) once
per run; calling it on a few hundred thousand pairs keeps those that pass. `allowed()` feeds
it the candidate pairs chunk by chunk as the lookup finds them: every step then works on
arrays that stay in the processor's cache, and the full list of candidates (tens of millions
at a district's scale) is never built, only the allowed pairs.
"""

from __future__ import annotations

from collections.abc import Iterable
from time import perf_counter

import numpy as np

from zhiyuan.matching.rules import EARTH_RADIUS_KM

CHUNK_PAIRS = 1 << 17  # candidate pairs checked together (a few MB per array)


def _subset(a_table, a_code, b_table, b_code) -> np.ndarray:
    """Per pair: every bit of set a is in set b."""
    return ~np.any(a_table[a_code] & ~b_table[b_code], axis=1)


def _intersects(a_table, a_code, b_table, b_code) -> np.ndarray:
    return np.any(a_table[a_code] & b_table[b_code], axis=1)


class _Pairwise:
    """test() of every pair of distinct sets, computed once and read per pair; when the
    distinct sets are too many for a table, test() runs on the pairs themselves."""

    LIMIT = 4_000_000

    def __init__(self, test, a_table, b_table):
        self.test, self.a_table, self.b_table = test, a_table, b_table
        self.nb = len(b_table)
        self.answer: np.ndarray | None = None

    def __call__(self, a_code, b_code) -> np.ndarray:
        na, nb = len(self.a_table), self.nb
        if na * nb > self.LIMIT:
            return self.test(self.a_table, a_code, self.b_table, b_code)
        if self.answer is None:  # the first time it is needed
            grid_a, grid_b = np.divmod(np.arange(na * nb), nb)
            self.answer = self.test(self.a_table, grid_a, self.b_table, grid_b)
        return self.answer[a_code * nb + b_code]


class _Lookup:
    """Per pair, the index of the volunteer's first interval whose `field` is > the
    demand's target (>= if not strict), or the end of the volunteer's slice (each slice is
    sorted). One np.searchsorted over (volunteer, rank of the time) keys: the times are
    replaced by their rank among all the times compared, which keeps their order exactly;
    the keys and the demands' ranks are computed once per run."""

    def __init__(self, intervals: dict, field: str, target: np.ndarray, *, strict: bool):
        values = intervals[field]
        times = np.unique(np.concatenate((values, target)))
        self.width = len(times) + 1
        owner = np.repeat(
            np.arange(len(intervals["lo"]), dtype=np.int64), intervals["hi"] - intervals["lo"]
        )
        self.keys = owner * self.width + np.searchsorted(times, values)
        self.target_rank = np.searchsorted(times, target)
        self.side = "right" if strict else "left"

    def __call__(self, pv, pd) -> np.ndarray:
        query = pv.astype(np.int64) * self.width + self.target_rank[pd]
        return np.searchsorted(self.keys, query, side=self.side)


class Rules:
    """The hard rules of one run, ready for arrays of pairs (see __call__)."""

    def __init__(self, vol: dict, dem: dict):
        self.vol, self.dem = vol, dem
        self.skills = _Pairwise(_subset, dem["skill_table"], vol["skill_table"])
        self.health = _Pairwise(_intersects, vol["health_table"], dem["health_table"])
        for side in (vol, dem):
            if "rad" not in side:
                side["rad"] = np.radians(side["lat"])
                side["cos"] = np.cos(side["rad"])
        windows, busy = vol["windows"], vol["busy"]
        self.windows = self.busy = None
        if windows["any"]:
            self.windows = _Lookup(windows, "end", dem["end"], strict=False)
        if busy["any"]:
            self.busy = _Lookup(busy, "end", dem["start"], strict=True)

    def __call__(self, pv: np.ndarray, pd: np.ndarray) -> tuple:
        """Keep the pairs that pass every hard rule: (pv, pd, km, limit) of those."""
        vol, dem = self.vol, self.dem
        # The lookup only offered volunteers holding the demand's rarest required skill, so
        # the skill rule is settled for demands asking one skill (or none); the others are
        # checked here.
        ok = ~self.health(vol["health_code"][pv], dem["health_code"][pd])
        several = np.flatnonzero(dem["skill_count"][pd] > 1)
        if len(several):
            ok[several] &= self.skills(
                dem["skill_code"][pd[several]], vol["skill_code"][pv[several]]
            )
        age = vol["age"][pv]
        ok &= dem["min_age"][pd] <= age
        ok &= age <= dem["max_age"][pd]
        insured = dem["insurance"][pd]
        insured[insured] = vol["insured"][pv[insured]] < dem["last_day"][pd[insured]]
        ok &= ~insured
        pv, pd = pv[ok], pd[ok]
        km = _pair_km(vol, dem, pv, pd)
        limit = np.minimum(dem["max_km"][pd], vol["max_km"][pv])
        ok = km <= limit
        pv, pd, km, limit = pv[ok], pd[ok], km[ok], limit[ok]
        if len(pv):
            for name in ("windows", "busy"):
                intervals = vol[name]
                if intervals["any"] and intervals["naive"] != dem["naive"]:
                    raise ValueError(
                        f"volunteers' {name} and demands' times mix naive and aware times"
                    )
        ok = self._available(pv, pd)
        ok &= ~self._overlaps(pv, pd)
        return pv[ok], pd[ok], km[ok], limit[ok]

    def _available(self, pv, pd) -> np.ndarray:
        """Per pair: the volunteer gave no windows, or one window holds the demand's whole
        time."""
        ok = np.ones(len(pv), dtype=bool)
        if self.windows is None:
            return ok
        windows = self.vol["windows"]
        limited = np.flatnonzero(windows["hi"][pv] > windows["lo"][pv])
        pv, pd = pv[limited], pd[limited]
        i = self.windows(pv, pd)
        inside = i < windows["hi"][pv]
        inside[inside] = windows["start"][i[inside]] <= self.dem["start"][pd[inside]]
        ok[limited] = inside
        return ok

    def _overlaps(self, pv, pd) -> np.ndarray:
        """Per pair: a busy interval overlaps the demand's time (touching does not count)."""
        clash = np.zeros(len(pv), dtype=bool)
        if self.busy is None:
            return clash
        busy = self.vol["busy"]
        some = np.flatnonzero(busy["hi"][pv] > busy["lo"][pv])
        pv, pd = pv[some], pd[some]
        i = self.busy(pv, pd)
        found = i < busy["hi"][pv]
        found[found] = busy["start"][i[found]] < self.dem["end"][pd[found]]
        clash[some] = found
        return clash


def allowed(
    vol: dict, dem: dict, parts: Iterable[tuple[np.ndarray, np.ndarray]], chunk: int = 0
) -> tuple:
    """Keep the candidate pairs that pass every hard rule, from the lookup's parts (arrays of
    volunteers and demands), checked about `chunk` pairs at a time (CHUNK_PAIRS if 0).

    Returns (pv, pd, km, limit) of the allowed pairs, the number of candidates, and the
    seconds spent producing the parts and checking them."""
    chunk = chunk or CHUNK_PAIRS
    started = perf_counter()
    rules = Rules(vol, dem)
    kept: list[tuple] = []
    buffer_v: list[np.ndarray] = []
    buffer_d: list[np.ndarray] = []
    buffered = candidates = 0
    lookup_s, rules_s = 0.0, perf_counter() - started

    def check():
        nonlocal buffered, rules_s
        started = perf_counter()
        kept.append(rules(np.concatenate(buffer_v), np.concatenate(buffer_d)))
        buffer_v.clear()
        buffer_d.clear()
        buffered = 0
        rules_s += perf_counter() - started

    parts = iter(parts)
    while True:
        started = perf_counter()
        part = next(parts, None)
        lookup_s += perf_counter() - started
        if part is None:
            break
        pv, pd = part
        candidates += len(pv)
        # A large part is cut so that every checked array stays about `chunk` long.
        for a in range(0, len(pv), chunk):
            buffer_v.append(pv[a : a + chunk])
            buffer_d.append(pd[a : a + chunk])
            buffered += len(buffer_v[-1])
            if buffered >= chunk:
                check()
    if buffered:
        check()
    if not kept:
        empty = np.zeros(0, dtype=np.int64)
        kept.append((empty, empty, np.zeros(0), np.zeros(0)))
    pv, pd, km, limit = (np.concatenate(column) for column in zip(*kept, strict=True))
    return (pv, pd, km, limit), candidates, (lookup_s, rules_s)


def _pair_km(vol: dict, dem: dict, pv: np.ndarray, pd: np.ndarray) -> np.ndarray:
    """rules.distance_km of every pair, the same operations in the same order, with each
    point's latitude in radians and its cosine computed once per point, not per pair."""
    dp = dem["rad"][pd] - vol["rad"][pv]
    dl = np.radians(dem["lon"][pd] - vol["lon"][pv])
    h = np.sin(dp / 2) ** 2 + vol["cos"][pv] * dem["cos"][pd] * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(h, 1.0)))
