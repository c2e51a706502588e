"""The hard rules a volunteer-demand pair must pass (志愿服务条例 Art. 15, 17), one pair at a time.

`refusals()` is the readable statement of the rules; the engine applies the same rules to
arrays of candidate pairs (allowed.py) and a test checks that both agree on random instances.
Both use `distance_km` and `merge_intervals` from here, so a pair at a boundary is judged
the same way by each.
"""

from __future__ import annotations

import datetime

import numpy as np

from zhiyuan.matching.data import Demand, Interval, Reason, Volunteer

EARTH_RADIUS_KM = 6371.0088

HARD_RULES = ("skill", "age", "insurance", "health", "availability", "distance", "overlap")


def distance_km(lat1, lon1, lat2, lon2):
    """Great-circle (haversine) distance in km; works on floats and numpy arrays alike."""
    p1 = np.radians(lat1)
    p2 = np.radians(lat2)
    dp = p2 - p1
    dl = np.radians(np.asarray(lon2, dtype=np.float64) - lon1)
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(h, 1.0)))


def merge_intervals(intervals: tuple[Interval, ...]) -> list[Interval]:
    """Sorted, disjoint intervals covering the same time; touching intervals are joined."""
    merged: list[list[datetime.datetime]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1][1] = end
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def limit_km(volunteer: Volunteer, demand: Demand) -> float:
    """The distance limit of a pair: the demand's, or the volunteer's own if that is smaller."""
    if volunteer.max_distance_km is None:
        return demand.max_distance_km
    return min(demand.max_distance_km, volunteer.max_distance_km)


def refusals(volunteer: Volunteer, demand: Demand) -> tuple[Reason, ...]:
    """The hard rules this pair breaks, one Reason each, in HARD_RULES order; () if allowed.

    - skill: the volunteer has every skill the demand requires;
    - age: within the demand's min_age..max_age, both inclusive;
    - insurance: when required, insured_until is on or after the demand's last day;
    - health: none of the volunteer's health limits is one the demand excludes;
    - availability: when the volunteer gave availability windows, the demand's whole time
      lies inside one window (touching windows count as one);
    - distance: within the demand's max_distance_km and the volunteer's own limit;
    - overlap: no busy commitment overlaps the demand's time (back-to-back is fine).
    """
    out: list[Reason] = []
    missing = demand.skills - volunteer.skills
    if missing:
        names = sorted(missing)
        out.append(
            Reason("skill", f"Lacks required skills: {', '.join(names)}", {"missing": names})
        )
    if (demand.min_age is not None and volunteer.age < demand.min_age) or (
        demand.max_age is not None and volunteer.age > demand.max_age
    ):
        out.append(
            Reason(
                "age",
                f"Age {volunteer.age} is outside {_age_range(demand)}",
                {"age": volunteer.age, "min_age": demand.min_age, "max_age": demand.max_age},
            )
        )
    if demand.insurance_required:
        last_day = demand.end.date()
        if volunteer.insured_until is None or volunteer.insured_until < last_day:
            until = volunteer.insured_until.isoformat() if volunteer.insured_until else None
            text = (
                f"Insurance ends {until}, before {last_day.isoformat()}"
                if until
                else "Not insured, and this demand requires insurance"
            )
            out.append(
                Reason(
                    "insurance", text, {"insured_until": until, "needed_on": last_day.isoformat()}
                )
            )
    conflicts = volunteer.health_limits & demand.excluded_health
    if conflicts:
        names = sorted(conflicts)
        out.append(
            Reason("health", f"Health limits exclude this: {', '.join(names)}", {"limits": names})
        )
    if volunteer.available and not any(
        start <= demand.start and demand.end <= end
        for start, end in merge_intervals(volunteer.available)
    ):
        out.append(
            Reason(
                "availability",
                "Not available for the whole time",
                {"start": demand.start.isoformat(), "end": demand.end.isoformat()},
            )
        )
    km = float(distance_km(volunteer.lat, volunteer.lon, demand.lat, demand.lon))
    limit = limit_km(volunteer, demand)
    if km > limit:
        out.append(
            Reason(
                "distance",
                f"{km:.1f} km away, beyond the {limit:g} km limit",
                {"km": round(km, 3), "limit_km": limit},
            )
        )
    clashes = [
        (start, end)
        for start, end in merge_intervals(volunteer.busy)
        if start < demand.end and demand.start < end
    ]
    if clashes:
        start, end = clashes[0]
        out.append(
            Reason(
                "overlap",
                "Already committed at that time",
                {"busy_start": start.isoformat(), "busy_end": end.isoformat()},
            )
        )
    return tuple(out)


def _age_range(demand: Demand) -> str:
    low = demand.min_age if demand.min_age is not None else ""
    high = demand.max_age if demand.max_age is not None else ""
    return f"{low}–{high}"
