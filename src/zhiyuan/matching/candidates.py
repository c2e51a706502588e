"""Candidate pairs (graph building): k-d tree lookups of the volunteers near each demand who
hold its rarest required skill and may be free then, never all pairs."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from scipy.spatial import cKDTree

from zhiyuan.matching.rules import EARTH_RADIUS_KM

# Candidate lookup groups demands by the 3-hour block they start in (see spatial_pairs).
_BUCKET_S = 3 * 3600


def xyz(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Points on a sphere of the Earth's radius, in km: chord length grows with arc length."""
    phi, lam = np.radians(lat), np.radians(lon)
    return EARTH_RADIUS_KM * np.column_stack(
        (np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi))
    )


def spatial_pairs(
    vol: dict, dem: dict, skill_bits: dict
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Volunteer-demand pairs within the demand's distance, from k-d trees, not all pairs;
    yielded a part at a time (volunteers, demands), so that the rules can check them while
    they are fresh in the cache (allowed.py).

    Demands are grouped by their rarest required skill and the 3-hour block they start in;
    each group is looked up in a tree of only the volunteers who hold that skill and may be
    free then (an availability window touches the block, or they gave no windows). A volunteer left out
    could not pass the skill or availability rule, so no allowed pair is lost.
    """
    n_v, n_d = len(vol["lat"]), len(dem["lat"])
    empty = np.zeros(0, dtype=np.int64)
    if n_v == 0 or n_d == 0:
        return
    v_xyz, d_xyz = xyz(vol["lat"], vol["lon"]), xyz(dem["lat"], dem["lon"])
    # Radius as a chord, a hair wider so rounding never drops a pair the haversine allows.
    arc = np.minimum(dem["max_km"], np.pi * EARTH_RADIUS_KM) / (2 * EARTH_RADIUS_KM)
    chord = 2 * EARTH_RADIUS_KM * np.sin(arc) * (1 + 1e-9) + 1e-9
    n_bits = len(skill_bits)
    v_has = bits_matrix(vol["skill_table"], n_bits)  # distinct volunteer skill sets × bits
    d_has = bits_matrix(dem["skill_table"], n_bits)
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
                yield members[near["j"]], part[near["i"]]


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


def bits_matrix(table: np.ndarray, n_bits: int) -> np.ndarray:
    """Distinct sets × bits, True where the set holds the bit."""
    bits = np.arange(n_bits)
    return ((table[:, bits // 64] >> (bits % 64).astype(np.uint64)) & np.uint64(1)).astype(bool)
