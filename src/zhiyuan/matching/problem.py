"""The allowed pairs of one run as arrays (`Problem`): the exact and the greedy solve of them,
the full assignment graph for the bench, and the `Result` with reasons for the chosen pairs."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from zhiyuan.matching import exact
from zhiyuan.matching.data import Demand, Pair, Result, Volunteer, Weights
from zhiyuan.matching.score import TERMS, fit_reasons

PAIR_TERMS = ("skill", "distance")
VOLUNTEER_TERMS = ("load", "station", "reliability")


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
        used = int(np.count_nonzero(np.bincount(self.pair_v, minlength=len(self.volunteers))))
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
        if name in PAIR_TERMS:
            return values[pairs]
        return values[(self.pair_v if name in VOLUNTEER_TERMS else self.pair_d)[pairs]]

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
