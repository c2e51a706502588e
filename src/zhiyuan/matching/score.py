"""The soft part of matching: the score terms of an allowed pair and the reasons that explain them.

Every term is a number from 0 to 1 and is multiplied by its weight (`Weights`); the formula is
written out in the package docstring.
"""

from __future__ import annotations

import numpy as np

from zhiyuan.matching.data import Reason

TERMS = ("skill", "distance", "load", "station", "wait", "scarcity", "reliability")


def distance_term(km, limit):
    """1 at the demand's door, falling linearly to 0 at the pair's distance limit."""
    km = np.asarray(km, dtype=np.float64)
    limit = np.asarray(limit, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        term = 1.0 - km / limit
    return np.clip(np.where(limit > 0, term, 1.0), 0.0, 1.0)


def load_term(hours, scale):
    """1 for no hours served, 1/2 at `scale` hours, 1/3 at twice that: less loaded goes first."""
    return 1.0 / (1.0 + np.asarray(hours, dtype=np.float64) / scale)


def wait_term(hours, cap):
    """Hours waited over the cap, at most 1."""
    return np.minimum(np.asarray(hours, dtype=np.float64) / cap, 1.0)


def scarcity_term(needed, candidates):
    """Places needed over eligible volunteers, at most 1: a demand few can serve goes first."""
    candidates = np.maximum(np.asarray(candidates, dtype=np.float64), 1.0)
    return np.minimum(np.asarray(needed, dtype=np.float64) / candidates, 1.0)


def fit_reasons(
    *,
    points: dict[str, float],
    km: float,
    preferred_total: int,
    preferred_had: int,
    load_hours: float,
    station_hours: float,
    has_station: bool,
    waited_hours: float,
    candidates: int,
    reliability: float,
) -> tuple[Reason, ...]:
    """The reasons behind one pair's score, one per weighted term (`points` holds the points
    of each term with a non-zero weight), most points first."""
    out = []
    if "skill" in points:
        if preferred_total:
            text = f"Has {preferred_had} of {preferred_total} preferred skills"
        else:
            text = "Has every skill asked for"
        params = {"had": preferred_had, "preferred": preferred_total, "points": points["skill"]}
        out.append(Reason("fit_skill", text, params))
    if "distance" in points:
        params = {"km": round(km, 3), "points": points["distance"]}
        out.append(Reason("fit_distance", f"{km:.1f} km away", params))
    if "load" in points:
        text = f"{load_hours:g} hours already served this period"
        out.append(Reason("fit_load", text, {"hours": load_hours, "points": points["load"]}))
    if "station" in points:
        where = "Home station" if has_station else "With no home station, the district"
        text = f"{where} averages {station_hours:.1f} hours per volunteer"
        params = {"hours": round(station_hours, 2), "points": points["station"]}
        out.append(Reason("fit_station", text, params))
    if "wait" in points:
        text = f"Waiting for {waited_hours:g} hours"
        out.append(Reason("fit_wait", text, {"hours": waited_hours, "points": points["wait"]}))
    if "scarcity" in points:
        params = {"candidates": candidates, "points": points["scarcity"]}
        out.append(Reason("fit_scarcity", f"{candidates} eligible volunteers", params))
    if "reliability" in points:
        text = f"Kept {reliability:.0%} of past commitments"
        params = {"reliability": reliability, "points": points["reliability"]}
        out.append(Reason("fit_reliability", text, params))
    out.sort(key=_by_points)
    return tuple(out)


def _by_points(reason: Reason) -> float:
    return -reason.params["points"]
