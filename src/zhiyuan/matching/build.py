"""Building the problem: the input as arrays, candidate pairs, the hard rules, the scores.

`build_problem()` turns volunteers and demands into a `Problem`: arrays of allowed pairs
with their scores in integer units.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from time import perf_counter

import numpy as np

from zhiyuan.matching import allowed as checks
from zhiyuan.matching.allowed import allowed
from zhiyuan.matching.candidates import spatial_pairs
from zhiyuan.matching.data import Demand, Volunteer, Weights
from zhiyuan.matching.inputs import (
    check_unique,
    demand_arrays,
    extend,
    vocabulary,
    volunteer_arrays,
)
from zhiyuan.matching.problem import PAIR_TERMS, VOLUNTEER_TERMS, Problem
from zhiyuan.matching.score import (
    TERMS,
    distance_term,
    load_term,
    scarcity_term,
    wait_term,
)

DEFAULT_WEIGHTS = Weights()
_EXACT_LIMIT = 2.0**52  # the assignment's total weight stays an exact integer below this


def build_problem(
    volunteers: Sequence[Volunteer], demands: Sequence[Demand], weights: Weights = DEFAULT_WEIGHTS
) -> Problem:
    """Validate the input, find the allowed pairs and score them."""
    t0 = perf_counter()
    volunteers, demands = list(volunteers), list(demands)
    check_unique("volunteer", [v.id for v in volunteers])
    check_unique("demand", [d.id for d in demands])
    skill_bits = vocabulary(itertools.chain.from_iterable(d.skills for d in demands))
    for d in demands:
        skill_bits = extend(skill_bits, d.preferred_skills)
    health_bits = vocabulary(itertools.chain.from_iterable(d.excluded_health for d in demands))
    vol = volunteer_arrays(volunteers, skill_bits, health_bits)
    dem = demand_arrays(demands, skill_bits, health_bits)
    t1 = perf_counter()

    (pv, pd, km, limit), spatial, (lookup_s, rules_s) = allowed(
        vol, dem, spatial_pairs(vol, dem, skill_bits)
    )
    t3 = perf_counter()

    n_d = len(demands)
    candidates = np.bincount(pd, minlength=n_d).astype(np.int64)
    places = np.minimum(dem["needed"], candidates)
    station_hours, has_station = _station_hours(vol)
    # Per-pair terms for skill and distance; the others depend on one side only and are
    # kept per volunteer or per demand (Problem.term() reads them for any pairs).
    m = len(pv)
    terms = {
        "skill": np.empty(m, dtype=np.float64),
        "distance": np.empty(m, dtype=np.float64),
        "load": load_term(vol["load"], weights.load_scale_hours),
        "station": load_term(station_hours, weights.load_scale_hours),
        "wait": wait_term(dem["waited"], weights.wait_cap_hours),
        "scarcity": scarcity_term(dem["needed"], candidates),
        "reliability": vol["reliability"],
    }
    used = int(np.count_nonzero(np.bincount(pv, minlength=len(volunteers))))
    quantum = _quantum(weights, int(places.sum()), used)
    # The sum in TERMS order, each weight × term computed per volunteer or demand once and
    # gathered: the same operations on the same values as per pair, so the same floats.
    # A chunk of pairs at a time (as the rules), so that the temporaries stay in cache.
    weighted = {
        name: getattr(weights, name) * terms[name] for name in TERMS if name not in PAIR_TERMS
    }
    units = np.empty(m, dtype=np.int64)
    chunk = checks.CHUNK_PAIRS
    for a in range(0, m, chunk):
        part = slice(a, a + chunk)
        cv, cd = pv[part], pd[part]
        terms["skill"][part] = _preferred_share(vol, dem, cv, cd)
        terms["distance"][part] = distance_term(km[part], limit[part])
        points = np.zeros(len(cv), dtype=np.float64)
        for name in TERMS:
            if name in PAIR_TERMS:
                points += getattr(weights, name) * terms[name][part]
            else:
                points += weighted[name][cv if name in VOLUNTEER_TERMS else cd]
        units[part] = np.rint(points * quantum)
    del limit
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
                "spatial": round(lookup_s, 4),
                "rules": round(rules_s, 4),
                "score": round(t4 - t3, 4),
            },
        },
    )


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
