"""The input turned into arrays, checked: one row per volunteer or demand, code sets as bit
masks, availability and busy intervals merged; a bad value raises ValueError naming it."""

from __future__ import annotations

import datetime

import numpy as np

from zhiyuan.matching.data import Demand, Volunteer

_UTC = datetime.UTC


def check_unique(kind: str, ids: list) -> None:
    if len(set(ids)) != len(ids):
        seen = set()
        for i in ids:
            if i in seen:
                raise ValueError(f"{kind} id {i!r} appears more than once")
            seen.add(i)


def vocabulary(codes) -> dict[str, int]:
    return {code: bit for bit, code in enumerate(sorted(set(codes)))}


def extend(bits: dict[str, int], codes: frozenset[str]) -> dict[str, int]:
    for code in codes:
        if code not in bits:
            bits[code] = len(bits)
    return bits


class _Masks:
    """Bit masks of code sets, as rows of uint64 words, one row per distinct set."""

    def __init__(self, bits: dict[str, int]):
        self.bits = bits
        self.words = max(1, (len(bits) + 63) // 64)
        self.rows: dict[frozenset, int] = {}
        self.masks: list[int] = []

    def code(self, codes: frozenset[str]) -> int:
        row = self.rows.get(codes)
        if row is None:
            mask = 0
            for c in codes:
                bit = self.bits.get(c)
                if bit is not None:
                    mask |= 1 << bit
            row = self.rows[codes] = len(self.masks)
            self.masks.append(mask)
        return row

    def table(self) -> np.ndarray:
        out = np.zeros((max(1, len(self.masks)), self.words), dtype=np.uint64)
        for r, mask in enumerate(self.masks):
            for w in range(self.words):
                out[r, w] = (mask >> (64 * w)) & 0xFFFF_FFFF_FFFF_FFFF
        return out


def _seconds(moment: datetime.datetime, kinds: set) -> float:
    kinds.add(moment.tzinfo is None)
    return (moment if moment.tzinfo else moment.replace(tzinfo=_UTC)).timestamp()


def _fail(kind: str, ids: list, bad: np.ndarray, field_name: str, rule: str, values) -> None:
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"{kind} {ids[i]!r}: {field_name} {rule}, not {values[i]!r}")


def volunteer_arrays(volunteers: list[Volunteer], skill_bits, health_bits) -> dict:
    n = len(volunteers)
    ids = [v.id for v in volunteers]
    skills, health = _Masks(skill_bits), _Masks(health_bits)
    out = {
        "lat": np.fromiter((v.lat for v in volunteers), np.float64, n),
        "lon": np.fromiter((v.lon for v in volunteers), np.float64, n),
        "age": np.fromiter((v.age for v in volunteers), np.int64, n),
        "insured": np.fromiter(
            (-1 if v.insured_until is None else v.insured_until.toordinal() for v in volunteers),
            np.int64,
            n,
        ),
        "load": np.fromiter((v.load_hours for v in volunteers), np.float64, n),
        "reliability": np.fromiter((v.reliability for v in volunteers), np.float64, n),
        "max_km": np.fromiter(
            (np.inf if v.max_distance_km is None else v.max_distance_km for v in volunteers),
            np.float64,
            n,
        ),
        "station": np.fromiter(
            (-1 if v.station_id is None else v.station_id for v in volunteers), np.int64, n
        ),
        "skill_code": np.fromiter((skills.code(v.skills) for v in volunteers), np.int64, n),
        "health_code": np.fromiter((health.code(v.health_limits) for v in volunteers), np.int64, n),
    }
    _check_place("volunteer", ids, out["lat"], out["lon"])
    _fail("volunteer", ids, out["age"] < 0, "age", "must be >= 0", out["age"])
    load, rel, max_km = out["load"], out["reliability"], out["max_km"]
    _fail("volunteer", ids, ~(load >= 0) | np.isinf(load), "load_hours", "must be >= 0", load)
    _fail("volunteer", ids, ~((rel >= 0) & (rel <= 1)), "reliability", "must be 0..1", rel)
    _fail("volunteer", ids, ~(max_km >= 0), "max_distance_km", "must be >= 0", max_km)
    out["skill_table"] = skills.table()
    out["health_table"] = health.table()
    out["windows"] = _intervals(volunteers, "available")
    out["busy"] = _intervals(volunteers, "busy")
    return out


def _intervals(volunteers: list[Volunteer], name: str) -> dict:
    """One volunteer's merged intervals are starts[lo[v]:hi[v]], ends[lo[v]:hi[v]], sorted.

    Times become seconds (aware: POSIX time; naive: read as UTC), through a cache because
    shift and window times repeat a lot; merging is done on those seconds, which keep the
    order of the datetimes, so it agrees with rules.merge_intervals.
    """
    n = len(volunteers)
    count = np.zeros(n, dtype=np.int64)
    starts: list[float] = []
    ends: list[float] = []
    kinds: set = set()
    cache: dict = {}

    def seconds(moment):
        value = cache.get(moment)
        if value is None:
            value = cache[moment] = _seconds(moment, kinds)
        return value

    merged_of: dict = {}  # the same intervals (weekly slots, shared shifts) merge once
    for i, v in enumerate(volunteers):
        intervals = getattr(v, name)
        if not intervals:
            continue
        try:
            known = merged_of.get(intervals)
        except TypeError:  # a list, not a tuple: not cached
            known = None
        if known is None:
            known = _merge(v, name, sorted((seconds(s), seconds(e)) for s, e in intervals), kinds)
            if isinstance(intervals, tuple):
                merged_of[intervals] = known
        starts.extend(known[0])
        ends.extend(known[1])
        count[i] = len(known[0])
    hi = np.cumsum(count)
    return {
        "lo": hi - count,
        "hi": hi,
        "start": np.asarray(starts, dtype=np.float64),
        "end": np.asarray(ends, dtype=np.float64),
        "naive": kinds == {True},
        "any": bool(count.any()),
    }


def _merge(v: Volunteer, name: str, pairs: list, kinds: set) -> tuple[list, list]:
    """One volunteer's sorted (start, end) seconds merged where they touch or overlap."""
    if len(kinds) > 1:
        raise ValueError(f"volunteer {v.id!r}: {name} mixes naive and aware times")
    starts: list[float] = []
    ends: list[float] = []
    for start, end in pairs:
        if not end > start:
            raise ValueError(f"volunteer {v.id!r}: {name} has an interval not after its start")
        if starts and start <= ends[-1]:
            if end > ends[-1]:
                ends[-1] = end
        else:
            starts.append(start)
            ends.append(end)
    return starts, ends


def _check_place(kind: str, ids: list, lat: np.ndarray, lon: np.ndarray) -> None:
    _fail(kind, ids, ~((lat >= -90) & (lat <= 90)), "lat", "must be -90..90", lat)
    _fail(kind, ids, ~((lon >= -180) & (lon <= 180)), "lon", "must be -180..180", lon)


def demand_arrays(demands: list[Demand], skill_bits, health_bits) -> dict:
    n = len(demands)
    ids = [d.id for d in demands]
    required, preferred, excluded = _Masks(skill_bits), _Masks(skill_bits), _Masks(health_bits)
    kinds: set = set()
    big = np.iinfo(np.int64).max
    out = {
        "lat": np.fromiter((d.lat for d in demands), np.float64, n),
        "lon": np.fromiter((d.lon for d in demands), np.float64, n),
        "start": np.fromiter((_seconds(d.start, kinds) for d in demands), np.float64, n),
        "end": np.fromiter((_seconds(d.end, kinds) for d in demands), np.float64, n),
        "needed": np.fromiter((d.needed for d in demands), np.int64, n),
        "min_age": np.fromiter(
            (-1 if d.min_age is None else d.min_age for d in demands), np.int64, n
        ),
        "max_age": np.fromiter(
            (big if d.max_age is None else d.max_age for d in demands), np.int64, n
        ),
        "insurance": np.fromiter((bool(d.insurance_required) for d in demands), bool, n),
        "last_day": np.fromiter((d.end.date().toordinal() for d in demands), np.int64, n),
        "max_km": np.fromiter((d.max_distance_km for d in demands), np.float64, n),
        "waited": np.fromiter((d.waited_hours for d in demands), np.float64, n),
        "skill_code": np.fromiter((required.code(d.skills) for d in demands), np.int64, n),
        "preferred_code": np.fromiter(
            (preferred.code(d.preferred_skills) for d in demands), np.int64, n
        ),
        "preferred_count": np.fromiter((len(d.preferred_skills) for d in demands), np.int64, n),
        "skill_count": np.fromiter((len(d.skills) for d in demands), np.int64, n),
        "health_code": np.fromiter(
            (excluded.code(d.excluded_health) for d in demands), np.int64, n
        ),
    }
    if len(kinds) > 1:
        raise ValueError("demands mix naive and aware start/end times")
    out["naive"] = kinds == {True}
    _check_place("demand", ids, out["lat"], out["lon"])
    _fail(
        "demand",
        ids,
        ~(out["end"] > out["start"]),
        "end",
        "must be after start",
        [d.end for d in demands],
    )
    _fail("demand", ids, out["needed"] < 0, "needed", "must be >= 0", out["needed"])
    max_km, waited = out["max_km"], out["waited"]
    _fail(
        "demand",
        ids,
        ~((max_km >= 0) & np.isfinite(max_km)),
        "max_distance_km",
        "must be >= 0",
        max_km,
    )
    _fail("demand", ids, ~(waited >= 0) | np.isinf(waited), "waited_hours", "must be >= 0", waited)
    out["skill_table"] = required.table()
    out["preferred_table"] = preferred.table()
    out["health_table"] = excluded.table()
    return out
