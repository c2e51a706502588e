"""三对接 matching: volunteers × demands (open shifts, help requests), exactly, with reasons.

A plain-Python package (numpy and SciPy, no Django): the caller builds `Volunteer` and
`Demand` records, `solve()` returns an assignment, `refusals()` says why one pair is not
allowed.

Hard rules (志愿服务条例 Art. 15, 17), checked first; a pair breaking any is never proposed:
skill (every required skill), age (min_age..max_age), insurance (valid through the demand's
last day, when required), health (no limit the demand excludes), availability (inside one
of the volunteer's windows, if they gave any), distance (within the demand's and the
volunteer's own limit, great-circle) and overlap (no busy commitment overlapping in time).

Score of an allowed pair, in points (default weights add up to 100):

    score = w_skill       × share of the demand's preferred skills held (1 if none preferred)
          + w_distance    × (1 − km / limit), limit = min(demand's, volunteer's max distance)
          + w_load        × 1 / (1 + load_hours / load_scale_hours)
          + w_station     × 1 / (1 + mean load_hours of the volunteer's station / load_scale_hours)
          + w_wait        × min(1, waited_hours / wait_cap_hours)
          + w_scarcity    × min(1, needed / eligible volunteers of the demand)
          + w_reliability × reliability

rounded to 0.001 points (the solver works on these exact integers). The first four terms
prefer the volunteer who fits best, is closest, and has served least (and whose station
has); the wait and scarcity terms are the same for every volunteer of a demand, so when
demands compete for a volunteer, the one that waited longest or that few can serve wins.

Objective: filling places comes first, score second. method="exact" returns, among all
assignments with the most places filled, one with the highest total score (each volunteer
at most once, each demand at most `needed` times). It is an assignment problem: a demand
needing k is k rows, each row also gets its own "leave unfilled" column, and every real
edge carries a fill bonus larger than any possible total score difference, so a maximum
weight full matching (SciPy's min_weight_full_bipartite_matching, LAPJVsp, on the sparse
graph, integer weights) is the lexicographic optimum exactly. From 20,000 allowed pairs up
the full graph is not built: each demand keeps its `needed + 2` best candidates, that
restricted graph is solved, demand duals come from shortest paths in its residual network,
and the dual certificate is checked on the only pairs that can break it (each demand's
pairs weighing more than its dual, a prefix of its sorted pairs); pairs that violate it
or nearly do are added (a few per demand) and the restricted graph re-solved until the dual
objective equals the assignment's weight, which proves it optimal on the full graph
(exact.py; if it cannot be proved in a few rounds the full graph is solved). Candidate
pairs come from k-d trees (scipy.spatial.cKDTree) over the volunteers holding each
demand's rarest required skill, never from all pairs.
method="greedy" takes pairs best score first, a baseline to measure the exact solve against.
"""

from zhiyuan.matching.build import build_problem
from zhiyuan.matching.data import Demand, Pair, Reason, Result, Volunteer, Weights
from zhiyuan.matching.engine import solve
from zhiyuan.matching.rules import HARD_RULES, refusals

__all__ = [
    "HARD_RULES",
    "Demand",
    "Pair",
    "Reason",
    "Result",
    "Volunteer",
    "Weights",
    "build_problem",
    "refusals",
    "solve",
]
