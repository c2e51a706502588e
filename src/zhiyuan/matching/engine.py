"""The matching engine's entry point: `solve()` builds the problem (build.py: the input as
arrays, candidate pairs from a spatial index, the hard rules on arrays, the scores) and
solves it exactly (exact.py) or greedily (problem.py); see the package docstring for the
model and the score.
"""

from __future__ import annotations

from collections.abc import Sequence
from time import perf_counter

from zhiyuan.matching.build import DEFAULT_WEIGHTS, build_problem
from zhiyuan.matching.data import Demand, Result, Volunteer, Weights

METHODS = ("exact", "greedy")

__all__ = ["DEFAULT_WEIGHTS", "METHODS", "build_problem", "solve"]


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
