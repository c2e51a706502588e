"""The matching engine: candidate pairs from a spatial index, the hard rules on arrays, the exact solve.

`build_problem()` turns volunteers and demands into arrays of allowed pairs with their scores;
`Problem.graph()` is the sparse assignment graph handed to SciPy; `solve()` is the public
entry point (see the package docstring for the model and the score).
"""

from __future__ import annotations

import datetime
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from time import perf_counter

import numpy as np
from scipy.spatial import cKDTree

from zhiyuan.matching import exact
from zhiyuan.matching.data import Demand, Pair, Result, Volunteer, Weights
from zhiyuan.matching.rules import EARTH_RADIUS_KM
from zhiyuan.matching.score import (
    TERMS,
    distance_term,
    fit_reasons,
    load_term,
    scarcity_term,
    wait_term,
)

METHODS = ("exact", "greedy")
DEFAULT_WEIGHTS = Weights()
_EXACT_LIMIT = 2.0**52  # the assignment's total weight stays an exact integer below this
_UTC = datetime.UTC
# Candidate lookup groups demands by the 3-hour block they start in (see _spatial_pairs).
_BUCKET_S = 3 * 3600
_PAIR_TERMS = ("skill", "distance")
_VOLUNTEER_TERMS = ("load", "station", "reliability")


@dataclass
class Problem:
    """The allowed pairs of one run, as arrays, ready for the exact or the greedy solve.

    Pair p joins volunteer `pair_v[p]` (an index into `volunteers`) and demand `pair_d[p]`;
    `units[p]` is its score in 1/`quantum` points, the integer the solvers maximise.
    `terms` holds the skill and distance terms per pair, the others per volunteer or per
    demand; `term(name, pairs)` reads any of them for given pairs.
    """

    volunteers: Sequence[Volunteer]
    demands: Sequence[Demand]
    weights: Weights
    pair_v: np.ndarray
    pair_d: np.ndarray
    km: np.ndarray
    terms: dict[str, np.ndarray]
    units: np.ndarray
    quantum: int
    places: np.ndarray  # per demand: places that can be filled, min(needed, candidates)
    candidates: np.ndarray  # per demand: eligible volunteers
    station_hours: np.ndarray  # per volunteer: mean load of their station
    has_station: np.ndarray
    stats: dict = field(default_factory=dict)
    _graph: tuple | None = None

    @property
    def fill_bonus(self) -> int:
        """Units added to every pair's weight so that filling one more place beats any score.

        A matching with c + 1 pairs weighs at least (c + 1) × bonus; one with c pairs at most
        c × bonus + c × best, and c < m = min(slots, volunteers), so bonus = m × best + 1 wins.
        """
        slots = int(self.places.sum())
        used = len(np.unique(self.pair_v)) if len(self.pair_v) else 0
        return min(slots, used) * self.best_units + 1

    @property
    def best_units(self) -> int:
        return math.ceil(self.weights.maximum * self.quantum)

    def graph(self):
        """The full assignment graph of every allowed pair (see exact.assignment_graph):
        rows are places, columns the volunteers with a pair then one "leave unfilled" column
        per row; its maximum-weight full matching is the exact optimum.
        Returns (csr_array, row_demand, columns_volunteer, pairs sorted by demand).
        """
        if self._graph is None:
            self._graph = exact.assignment_graph(
                self.pair_v, self.pair_d, self.units, self.places, self.fill_bonus
            )
        return self._graph

    def solve_exact(self, *, prune: bool | None = None, margin: int = exact.MARGIN) -> np.ndarray:
        """Indices of the chosen pairs: most places filled, then the highest total score,
        proved optimal on the full graph (see exact.py)."""
        chosen, how = exact.solve(
            self.pair_v,
            self.pair_d,
            self.units,
            self.places,
            self.fill_bonus,
            len(self.volunteers),
            prune=prune,
            margin=margin,
        )
        self.stats["exact"] = how
        return chosen

    def pairs_of(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Turn a matching of the full graph (row and column indices) back into pair indices."""
        _, row_demand, used, _ = self.graph()
        return exact.matched_pairs(
            self.pair_v, self.pair_d, len(self.volunteers), row_demand, used, rows, cols
        )

    def term(self, name: str, pairs: np.ndarray) -> np.ndarray:
        """Score term `name` (0..1) of the given pairs."""
        values = self.terms[name]
        if name in _PAIR_TERMS:
            return values[pairs]
        return values[(self.pair_v if name in _VOLUNTEER_TERMS else self.pair_d)[pairs]]

    def solve_greedy(self) -> np.ndarray:
        """The baseline: take pairs best score first while the volunteer and a place are free."""
        order = np.lexsort((self.pair_v, self.pair_d, -self.units))
        free_places = self.places.tolist()
        busy = bytearray(len(self.volunteers))
        pv, pd = self.pair_v.tolist(), self.pair_d.tolist()
        chosen = []
        for p in order.tolist():
            v, d = pv[p], pd[p]
            if free_places[d] and not busy[v]:
                free_places[d] -= 1
                busy[v] = 1
                chosen.append(p)
        return np.sort(np.asarray(chosen, dtype=np.int64))

    def result(self, chosen: np.ndarray, method: str) -> Result:
        """The Result for the chosen pair indices, with reasons for every pair."""
        vols, dems = self.volunteers, self.demands
        weighted = [name for name in TERMS if getattr(self.weights, name)]
        points = {
            name: np.round(getattr(self.weights, name) * self.term(name, chosen), 3).tolist()
            for name in weighted
        }
        kms = self.km[chosen].tolist()
        units = self.units[chosen].tolist()
        station_hours = self.station_hours.tolist()
        has_station = self.has_station.tolist()
        candidates = self.candidates.tolist()
        quantum = self.quantum
        pairs = []
        chosen_v, chosen_d = self.pair_v[chosen].tolist(), self.pair_d[chosen].tolist()
        for k, (v, d) in enumerate(zip(chosen_v, chosen_d, strict=True)):
            volunteer, demand = vols[v], dems[d]
            preferred = demand.preferred_skills
            reasons = fit_reasons(
                points={name: points[name][k] for name in weighted},
                km=kms[k],
                preferred_total=len(preferred),
                preferred_had=len(preferred & volunteer.skills) if preferred else 0,
                load_hours=volunteer.load_hours,
                station_hours=station_hours[v],
                has_station=has_station[v],
                waited_hours=demand.waited_hours,
                candidates=candidates[d],
                reliability=volunteer.reliability,
            )
            pairs.append(Pair(volunteer.id, demand.id, units[k] / quantum, reasons))
        filled = np.bincount(self.pair_d[chosen], minlength=len(dems))
        unfilled = {
            dems[d].id: int(dems[d].needed - filled[d])
            for d in np.flatnonzero(filled < self._needed()).tolist()
        }
        total_units = int(self.units[chosen].sum())
        stats = dict(self.stats)
        stats.update(
            method=method,
            places=int(self._needed().sum()),
            filled=len(pairs),
            unfillable=int((self.candidates == 0).sum()),
            quantum=self.quantum,
        )
        return Result(
            pairs=pairs, unfilled=unfilled, total_score=total_units / self.quantum, stats=stats
        )

    def _needed(self) -> np.ndarray:
        return np.fromiter((d.needed for d in self.demands), np.int64, len(self.demands))


def solve(
    volunteers: Sequence[Volunteer],
    demands: Sequence[Demand],
    weights: Weights = DEFAULT_WEIGHTS,
    *,
    method: str = "exact",
) -> Result:
    """Assign volunteers to demands: each volunteer to at most one demand, each demand to at
    most `needed` volunteers, only pairs that pass every hard rule.

    method="exact" fills as many places as possible and, among those assignments, maximises
    the total score exactly; method="greedy" takes the best-scoring pairs first (a baseline).
    Raises ValueError for a bad input (a duplicate id, an impossible value), naming it.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, not {method!r}")
    started = perf_counter()
    problem = build_problem(volunteers, demands, weights)
    built = perf_counter()
    chosen = problem.solve_exact() if method == "exact" else problem.solve_greedy()
    solved = perf_counter()
    result = problem.result(chosen, method)
    done = perf_counter()
    result.stats["seconds"] = {
        **problem.stats.get("seconds", {}),
        "build": round(built - started, 4),
        "solve": round(solved - built, 4),
        "result": round(done - solved, 4),
        "total": round(done - started, 4),
    }
    return result


# ---------------------------------------------------------------- building the problem


def build_problem(
    volunteers: Sequence[Volunteer], demands: Sequence[Demand], weights: Weights = DEFAULT_WEIGHTS
) -> Problem:
    """Validate the input, find the allowed pairs and score them."""
    t0 = perf_counter()
    volunteers, demands = list(volunteers), list(demands)
    _check_unique("volunteer", [v.id for v in volunteers])
    _check_unique("demand", [d.id for d in demands])
    skill_bits = _vocabulary(itertools.chain.from_iterable(d.skills for d in demands))
    for d in demands:
        skill_bits = _extend(skill_bits, d.preferred_skills)
    health_bits = _vocabulary(itertools.chain.from_iterable(d.excluded_health for d in demands))
    vol = _volunteer_arrays(volunteers, skill_bits, health_bits)
    dem = _demand_arrays(demands, skill_bits, health_bits)
    t1 = perf_counter()

    pv, pd = _spatial_pairs(vol, dem, skill_bits)
    spatial = len(pv)
    t2 = perf_counter()
    pv, pd, km, limit = _allowed(vol, dem, pv, pd)
    t3 = perf_counter()

    n_d = len(demands)
    candidates = np.bincount(pd, minlength=n_d).astype(np.int64)
    places = np.minimum(dem["needed"], candidates)
    station_hours, has_station = _station_hours(vol)
    # Per-pair terms for skill and distance; the others depend on one side only and are
    # kept per volunteer or per demand (Problem.term() reads them for any pairs).
    terms = {
        "skill": _preferred_share(vol, dem, pv, pd),
        "distance": distance_term(km, limit),
        "load": load_term(vol["load"], weights.load_scale_hours),
        "station": load_term(station_hours, weights.load_scale_hours),
        "wait": wait_term(dem["waited"], weights.wait_cap_hours),
        "scarcity": scarcity_term(dem["needed"], candidates),
        "reliability": vol["reliability"],
    }
    quantum = _quantum(weights, int(places.sum()), len(np.unique(pv)))
    # The sum in TERMS order, each weight × term computed per volunteer or demand once and
    # gathered: the same operations on the same values as per pair, so the same floats.
    points = np.zeros(len(pv), dtype=np.float64)
    for name in TERMS:
        weight = getattr(weights, name)
        if name in _PAIR_TERMS:
            points += weight * terms[name]
        else:
            points += (weight * terms[name])[pv if name in _VOLUNTEER_TERMS else pd]
    units = np.rint(points * quantum).astype(np.int64)
    t4 = perf_counter()
    return Problem(
        volunteers=volunteers,
        demands=demands,
        weights=weights,
        pair_v=pv,
        pair_d=pd,
        km=km,
        terms=terms,
        units=units,
        quantum=quantum,
        places=places,
        candidates=candidates,
        station_hours=station_hours,
        has_station=has_station,
        stats={
            "volunteers": len(volunteers),
            "demands": n_d,
            "spatial_pairs": spatial,
            "candidates": len(pv),
            "seconds": {
                "input": round(t1 - t0, 4),
                "spatial": round(t2 - t1, 4),
                "rules": round(t3 - t2, 4),
                "score": round(t4 - t3, 4),
            },
        },
    )


def _check_unique(kind: str, ids: list) -> None:
    if len(set(ids)) != len(ids):
        seen = set()
        for i in ids:
            if i in seen:
                raise ValueError(f"{kind} id {i!r} appears more than once")
            seen.add(i)


def _vocabulary(codes) -> dict[str, int]:
    return {code: bit for bit, code in enumerate(sorted(set(codes)))}


def _extend(bits: dict[str, int], codes: frozenset[str]) -> dict[str, int]:
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


def _xyz(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Points on a sphere of the Earth's radius, in km: chord length grows with arc length."""
    phi, lam = np.radians(lat), np.radians(lon)
    return EARTH_RADIUS_KM * np.column_stack(
        (np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi))
    )


def _seconds(moment: datetime.datetime, kinds: set) -> float:
    kinds.add(moment.tzinfo is None)
    return (moment if moment.tzinfo else moment.replace(tzinfo=_UTC)).timestamp()


def _fail(kind: str, ids: list, bad: np.ndarray, field_name: str, rule: str, values) -> None:
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"{kind} {ids[i]!r}: {field_name} {rule}, not {values[i]!r}")


def _volunteer_arrays(volunteers: list[Volunteer], skill_bits, health_bits) -> dict:
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

    for i, v in enumerate(volunteers):
        intervals = getattr(v, name)
        if not intervals:
            continue
        pairs = sorted((seconds(start), seconds(end)) for start, end in intervals)
        if len(kinds) > 1:
            raise ValueError(f"volunteer {v.id!r}: {name} mixes naive and aware times")
        merged = 0
        for start, end in pairs:
            if not end > start:
                raise ValueError(f"volunteer {v.id!r}: {name} has an interval not after its start")
            if merged and start <= ends[-1]:
                if end > ends[-1]:
                    ends[-1] = end
            else:
                starts.append(start)
                ends.append(end)
                merged += 1
        count[i] = merged
    hi = np.cumsum(count)
    return {
        "lo": hi - count,
        "hi": hi,
        "start": np.asarray(starts, dtype=np.float64),
        "end": np.asarray(ends, dtype=np.float64),
        "naive": kinds == {True},
        "any": bool(count.any()),
    }


def _check_place(kind: str, ids: list, lat: np.ndarray, lon: np.ndarray) -> None:
    _fail(kind, ids, ~((lat >= -90) & (lat <= 90)), "lat", "must be -90..90", lat)
    _fail(kind, ids, ~((lon >= -180) & (lon <= 180)), "lon", "must be -180..180", lon)


def _demand_arrays(demands: list[Demand], skill_bits, health_bits) -> dict:
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


def _spatial_pairs(vol: dict, dem: dict, skill_bits: dict) -> tuple[np.ndarray, np.ndarray]:
    """Volunteer-demand pairs within the demand's distance, from k-d trees, not all pairs.

    Demands are grouped by their rarest required skill and the 3-hour block they start in;
    each group is looked up in a tree of only the volunteers who hold that skill and may be
    free then (an availability window touches the block, or they gave no windows). A volunteer left out
    could not pass the skill or availability rule, so no allowed pair is lost.
    """
    n_v, n_d = len(vol["lat"]), len(dem["lat"])
    empty = np.zeros(0, dtype=np.int64)
    if n_v == 0 or n_d == 0:
        return empty, empty
    v_xyz, d_xyz = _xyz(vol["lat"], vol["lon"]), _xyz(dem["lat"], dem["lon"])
    # Radius as a chord, a hair wider so rounding never drops a pair the haversine allows.
    arc = np.minimum(dem["max_km"], np.pi * EARTH_RADIUS_KM) / (2 * EARTH_RADIUS_KM)
    chord = 2 * EARTH_RADIUS_KM * np.sin(arc) * (1 + 1e-9) + 1e-9
    n_bits = len(skill_bits)
    v_has = _bits_matrix(vol["skill_table"], n_bits)  # distinct volunteer skill sets × bits
    d_has = _bits_matrix(dem["skill_table"], n_bits)
    if n_bits:
        sets = np.bincount(vol["skill_code"], minlength=len(v_has))
        holders = sets @ v_has  # volunteers holding each skill
        rarity = np.where(d_has, holders[None, :], np.iinfo(np.int64).max)
        key_of_code = np.where(d_has.any(axis=1), rarity.argmin(axis=1), -1)
    else:
        key_of_code = np.full(len(d_has), -1)
    key = key_of_code[dem["skill_code"]]
    origin = float(dem["start"].min())
    day = np.floor((dem["start"] - origin) / _BUCKET_S).astype(np.int64)
    any_time, on_day = _free_days(vol["windows"], origin, n_v)
    out_v, out_d = [], []
    groups = np.lexsort((day, key))
    bounds = np.flatnonzero(np.diff(key[groups]) | np.diff(day[groups])) + 1
    for group in np.split(groups, bounds):
        k, d = int(key[group[0]]), int(day[group[0]])
        members = np.concatenate((any_time, on_day.get(d, empty)))
        if k >= 0:
            members = members[v_has[vol["skill_code"][members], k]]
        if len(members) == 0:
            continue
        tree = cKDTree(v_xyz[members], balanced_tree=False, compact_nodes=False)
        # One dual-tree search per distinct radius, straight into arrays.
        radii, which = np.unique(chord[group], return_inverse=True)
        for r, radius in enumerate(radii.tolist()):
            part = group[which == r]
            near = cKDTree(d_xyz[part]).sparse_distance_matrix(tree, radius, output_type="ndarray")
            if len(near):
                out_v.append(members[near["j"]])
                out_d.append(part[near["i"]])
    if not out_v:
        return empty, empty
    return np.concatenate(out_v), np.concatenate(out_d)


def _free_days(windows: dict, origin: float, n_v: int) -> tuple[np.ndarray, dict]:
    """Volunteers with no windows, and per time block (from origin) those whose windows touch it."""
    count = windows["hi"] - windows["lo"]
    any_time = np.flatnonzero(count == 0)
    if not windows["any"]:
        return any_time, {}
    owner = np.repeat(np.arange(n_v), count)
    first = np.floor((windows["start"] - origin) / _BUCKET_S).astype(np.int64)
    last = np.floor((windows["end"] - origin) / _BUCKET_S).astype(np.int64)
    span = np.maximum(last - first + 1, 0)
    v = np.repeat(owner, span)
    offset = np.arange(int(span.sum())) - np.repeat(np.cumsum(span) - span, span)
    days = np.repeat(first, span) + offset
    keep = days >= 0
    v, days = v[keep], days[keep]
    order = np.lexsort((v, days))
    v, days = v[order], days[order]
    unique = np.ones(len(v), dtype=bool)
    unique[1:] = (v[1:] != v[:-1]) | (days[1:] != days[:-1])
    v, days = v[unique], days[unique]
    if not len(days):
        return any_time, {}
    starts = np.flatnonzero(np.r_[True, days[1:] != days[:-1]])
    ends = np.r_[starts[1:], len(days)]
    return any_time, {int(days[a]): v[a:b] for a, b in zip(starts, ends, strict=True)}


def _bits_matrix(table: np.ndarray, n_bits: int) -> np.ndarray:
    """Distinct sets × bits, True where the set holds the bit."""
    bits = np.arange(n_bits)
    return ((table[:, bits // 64] >> (bits % 64).astype(np.uint64)) & np.uint64(1)).astype(bool)


def _subset(a_table, a_code, b_table, b_code) -> np.ndarray:
    """Per pair: every bit of set a is in set b."""
    return ~np.any(a_table[a_code] & ~b_table[b_code], axis=1)


def _allowed(vol: dict, dem: dict, pv: np.ndarray, pd: np.ndarray) -> tuple:
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


def _preferred_share(vol: dict, dem: dict, pv, pd) -> np.ndarray:
    """Share of the demand's preferred skills the volunteer has; 1 when none are preferred."""
    count = dem["preferred_count"][pd]
    share = np.ones(len(pv), dtype=np.float64)
    some = np.flatnonzero(count > 0)
    if len(some):
        common = (
            dem["preferred_table"][dem["preferred_code"][pd[some]]]
            & vol["skill_table"][vol["skill_code"][pv[some]]]
        )
        share[some] = np.bitwise_count(common).sum(axis=1) / count[some]
    return share


def _station_hours(vol: dict) -> tuple[np.ndarray, np.ndarray]:
    """Per volunteer, the mean load of their station's volunteers in this run; the district
    mean for volunteers without a station."""
    station, load = vol["station"], vol["load"]
    has = station >= 0
    overall = float(load.mean()) if len(load) else 0.0
    hours = np.full(len(load), overall)
    if has.any():
        keys, inverse = np.unique(station[has], return_inverse=True)
        mean = np.bincount(inverse, weights=load[has]) / np.bincount(inverse)
        hours[has] = mean[inverse]
    return hours, has


def _quantum(weights: Weights, slots: int, volunteers: int) -> int:
    """Score units per point: 1000 (scores kept to 0.001 points), fewer only if the exact
    integer total would otherwise pass 2**52."""
    m = min(slots, volunteers)
    for quantum in (1000, 100, 10, 1):
        best = math.ceil(weights.maximum * quantum)
        if slots * ((m + 1) * best + 2) < _EXACT_LIMIT:
            return quantum
    raise ValueError("too many places for exact scoring with these weights; lower the weights")
