"""The matching engine's plain data: volunteers and demands in, pairs with reasons out."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

Interval = tuple[datetime.datetime, datetime.datetime]


@dataclass(frozen=True, slots=True)
class Volunteer:
    """One volunteer as the engine sees them: what they can do, where, when, and how loaded."""

    id: int
    skills: frozenset[str]  # skill codes
    age: int
    lat: float  # WGS-84
    lon: float
    insured_until: datetime.date | None = None
    health_limits: frozenset[str] = frozenset()  # e.g. {"no_heavy_lifting", "no_night"}
    available: tuple[Interval, ...] = ()  # empty = available any time
    busy: tuple[Interval, ...] = ()  # existing commitments (shifts, requests)
    load_hours: float = 0.0  # hours already committed/served this period (fairness)
    reliability: float = 1.0  # 0..1 share of past commitments kept
    max_distance_km: float | None = None  # the volunteer's own limit
    station_id: int | None = None  # home station, for fairness across stations


@dataclass(frozen=True, slots=True)
class Demand:
    """One thing needing volunteers: an open shift or a help request, at a place and a time."""

    id: str  # e.g. "shift:12", "help:7"
    skills: frozenset[str]  # all required
    lat: float
    lon: float
    start: datetime.datetime
    end: datetime.datetime
    needed: int = 1
    min_age: int | None = None
    max_age: int | None = None
    insurance_required: bool = False
    excluded_health: frozenset[str] = frozenset()  # a volunteer with any of these may not serve
    max_distance_km: float = 5.0
    waited_hours: float = 0.0  # how long it has waited: longer waits go first
    station_id: int | None = None
    # Optional addition to the contract: skills that help but are not required; the share a
    # volunteer has is the skill term of the score (no preferred skills = everyone scores 1).
    preferred_skills: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a pair scored what it did, or why it is refused: a stable code and English text.

    The code is what callers translate by; `params` carries the numbers in the text.
    """

    code: str
    text: str
    params: dict


@dataclass(frozen=True, slots=True)
class Pair:
    """One volunteer proposed for one demand, with the score and the reasons behind it."""

    volunteer_id: int
    demand_id: str
    score: float
    reasons: tuple[Reason, ...]


@dataclass
class Result:
    """An assignment: the pairs, the places left unfilled per demand, and run statistics."""

    pairs: list[Pair]
    unfilled: dict[str, int]
    total_score: float
    stats: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Weights:
    """Points each score term is worth at its best (the defaults add up to 100).

    Each term is a number from 0 to 1 (see the package docstring); a pair's score is the
    weighted sum, so with the defaults a pair scores between 0 and 100 points.
    """

    skill: float = 15.0  # share of the demand's preferred skills the volunteer has
    distance: float = 25.0  # closer is better, relative to the distance limit
    load: float = 15.0  # fewer hours already served this period is better
    station: float = 5.0  # volunteers of less loaded stations are better
    wait: float = 15.0  # demands that have waited longer go first
    scarcity: float = 10.0  # demands with few eligible volunteers go first
    reliability: float = 15.0  # share of past commitments kept
    load_scale_hours: float = 20.0  # the load term halves at this many hours
    wait_cap_hours: float = 72.0  # a wait this long or longer earns the full wait term

    def __post_init__(self) -> None:
        for name in ("skill", "distance", "load", "station", "wait", "scarcity", "reliability"):
            value = getattr(self, name)
            if not (value >= 0 and value < float("inf")):
                raise ValueError(f"Weights.{name} must be a finite number >= 0, not {value!r}")
        for name in ("load_scale_hours", "wait_cap_hours"):
            value = getattr(self, name)
            if not (value > 0 and value < float("inf")):
                raise ValueError(f"Weights.{name} must be a finite number > 0, not {value!r}")

    @property
    def maximum(self) -> float:
        """The most points a pair can score."""
        return (
            self.skill
            + self.distance
            + self.load
            + self.station
            + self.wait
            + self.scarcity
            + self.reliability
        )
