"""The pruned exact solve (exact.py) against the full graph and against enumeration: pruning
to each demand's best candidates, with the dual certificate, never loses the optimum."""

import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhiyuan.matching import build_problem, exact, solve

from .test_brute_force import best_by_enumeration, random_instance


def random_pairs(rng: np.random.Generator, n_v: int, n_d: int, density: float):
    """A random transportation problem: pairs, integer units, places per demand."""
    mask = rng.random((n_d, n_v)) < density
    pd, pv = np.nonzero(mask)
    units = rng.integers(0, 100_000, len(pv))
    count = np.bincount(pd, minlength=n_d)
    places = np.minimum(rng.integers(0, 4, n_d), count)
    bonus = int(min(places.sum(), n_v) * 100_000 + 1)
    return pv.astype(np.int64), pd.astype(np.int64), units, places, bonus


def value(chosen, pv, pd, units, places):
    assert len(np.unique(pv[chosen])) == len(chosen)
    assert (np.bincount(pd[chosen], minlength=len(places)) <= places).all()
    return len(chosen), int(units[chosen].sum())


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("margin", [0, 1])
def test_pruned_solve_equals_the_full_graph(seed, margin):
    rng = np.random.default_rng(seed)
    n_v, n_d = int(rng.integers(5, 60)), int(rng.integers(3, 25))
    pv, pd, units, places, bonus = random_pairs(rng, n_v, n_d, float(rng.uniform(0.1, 0.6)))

    full, how_full = exact.solve(pv, pd, units, places, bonus, n_v, prune=False)
    pruned, how = exact.solve(pv, pd, units, places, bonus, n_v, prune=True, margin=margin)

    assert how_full["proof"] == "full graph"
    assert how["proof"] == "duals"
    assert value(pruned, pv, pd, units, places) == value(full, pv, pd, units, places)


def test_pruning_keeps_few_pairs_and_still_proves_the_optimum():
    # Many candidates per demand, little competition: the certificate closes after keeping
    # a small share of the pairs.
    rng = np.random.default_rng(7)
    n_v, n_d = 400, 40
    pv, pd, units, places, bonus = random_pairs(rng, n_v, n_d, 0.5)

    full, _ = exact.solve(pv, pd, units, places, bonus, n_v, prune=False)
    pruned, how = exact.solve(pv, pd, units, places, bonus, n_v, prune=True)

    assert value(pruned, pv, pd, units, places) == value(full, pv, pd, units, places)
    assert how["proof"] == "duals"
    assert how["kept_pairs"] < len(pv) // 4


def test_wrong_duals_are_caught_and_the_full_graph_solved(monkeypatch):
    rng = np.random.default_rng(3)
    pv, pd, units, places, bonus = random_pairs(rng, 50, 10, 0.5)
    monkeypatch.setattr(exact, "potentials", lambda *a, **k: np.zeros(len(places), np.int64))

    chosen, how = exact.solve(pv, pd, units, places, bonus, 50, prune=True)
    full, _ = exact.solve(pv, pd, units, places, bonus, 50, prune=False)

    assert how["proof"] == "full graph"
    assert value(chosen, pv, pd, units, places) == value(full, pv, pd, units, places)


@pytest.mark.parametrize("seed", range(60))
def test_pruned_engine_solve_matches_enumeration(seed):
    volunteers, demands = random_instance(random.Random(1000 + seed))
    problem = build_problem(volunteers, demands)
    units = {
        (volunteers[v].id, demands[d].id): u
        for v, d, u in zip(problem.pair_v, problem.pair_d, problem.units.tolist(), strict=True)
    }
    chosen = problem.solve_exact(prune=True, margin=0)

    best = best_by_enumeration(volunteers, demands, units)
    assert (len(chosen), int(problem.units[chosen].sum())) == best
    assert solve(volunteers, demands).total_score == best[1] / problem.quantum


def best_by_enumeration_of_pairs(pv, pd, units, places):
    """(places filled, total units) of the best assignment, by trying every subset of pairs."""
    best = (0, 0)

    def walk(p, busy, filled, count, total):
        nonlocal best
        if p == len(pv):
            best = max(best, (count, total))
            return
        walk(p + 1, busy, filled, count, total)
        v, d = int(pv[p]), int(pd[p])
        if v not in busy and filled.get(d, 0) < places[d]:
            walk(
                p + 1,
                busy | {v},
                {**filled, d: filled.get(d, 0) + 1},
                count + 1,
                total + int(units[p]),
            )

    walk(0, frozenset(), {}, 0, 0)
    return best


@st.composite
def small_problems(draw):
    """Up to 12 pairs among a few volunteers and demands, with ties and zero places."""
    n_v, n_d = draw(st.integers(1, 6)), draw(st.integers(1, 4))
    cells = draw(
        st.lists(
            st.tuples(st.integers(0, n_v - 1), st.integers(0, n_d - 1)),
            min_size=1,
            max_size=12,
            unique=True,
        )
    )
    pv = np.array([v for v, _ in cells], dtype=np.int64)
    pd = np.array([d for _, d in cells], dtype=np.int64)
    units = np.array(
        draw(
            st.lists(
                st.sampled_from([0, 1, 5, 50, 99_999]), min_size=len(cells), max_size=len(cells)
            )
        )
    )
    count = np.bincount(pd, minlength=n_d)
    places = np.minimum(
        np.array(draw(st.lists(st.integers(0, 3), min_size=n_d, max_size=n_d))), count
    )
    bonus = int(min(places.sum(), n_v) * 100_000 + 1)
    return pv, pd, units, places, bonus, n_v


@given(small_problems(), st.integers(0, 2))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_pruned_solve_is_the_optimum_found_by_enumeration(problem, margin):
    # The pruned rounds (each demand's best places + margin, then violators by the duals)
    # and the plain solve both give the best assignment enumeration finds: most places,
    # then the highest total. Pruning that lost a pair of the optimum would fail here.
    pv, pd, units, places, bonus, n_v = problem
    best = best_by_enumeration_of_pairs(pv, pd, units, places)

    pruned, how = exact.solve(pv, pd, units, places, bonus, n_v, prune=True, margin=margin)
    full, _ = exact.solve(pv, pd, units, places, bonus, n_v, prune=False)

    assert value(pruned, pv, pd, units, places) == best
    assert value(full, pv, pd, units, places) == best
    assert how["proof"] == "duals"


def test_places_that_cannot_all_be_filled_fall_back_to_the_unfilled_columns():
    # Two demands want the same one volunteer: the graph without "leave unfilled" columns
    # has no full matching, so the solve falls back to the graph with them, and still
    # fills the place worth more.
    pv, pd = np.array([0, 0]), np.array([0, 1])
    units, places = np.array([10, 20]), np.array([1, 1])

    chosen = exact.solve_assignment(pv, pd, units, places, 100_001, 1)

    assert chosen.tolist() == [1]


@pytest.mark.parametrize("high", [100_000, 2**55])
def test_pairs_are_sorted_by_demand_then_weight_with_ties_in_pair_order(high):
    # Small keys are sorted as values with the pair index packed in; keys too large for that
    # are argsorted. Both give each demand's pairs best first, ties in pair order.
    rng = np.random.default_rng(5)
    pair_d = rng.integers(0, 30, 2_000)
    units = rng.choice([0, 1, 7, high], 2_000)

    key, order = exact._sorted_keys(pair_d, units, high, high + 1)

    expected = pair_d * (high + 1) + (high - units)
    assert order.tolist() == np.argsort(expected, kind="stable").tolist()
    assert key.tolist() == expected[order].tolist()


@pytest.mark.parametrize("seed", range(30))
def test_a_round_adds_the_same_pairs_as_when_every_live_pair_is_read(seed):
    # Each demand reads its live pairs only until no later one can be among its largest
    # excesses: the pairs added, and whether any violator is left, are those found by
    # reading every live pair.
    rng = np.random.default_rng(seed)
    n_v, n_d, m = 40, 12, int(rng.integers(1, 400))
    pair_v, pair_d = rng.integers(0, n_v, m), rng.integers(0, n_d, m)
    units = rng.choice([0, 5, 10, 11, 50, 99], m)
    high, span, bonus = 99, 100, 1_000
    top = high + bonus
    key, order = exact._sorted_keys(pair_d, units, high, span)
    count = np.bincount(pair_d, minlength=n_d)
    first = np.r_[0, np.cumsum(count)[:-1]]
    u = rng.choice([0, bonus, bonus + 20, bonus + 60], n_d)
    y = np.where(rng.random(n_v) < 0.6, 0, rng.integers(0, 80, n_v))
    kept = rng.random(m) < 0.2
    cap, near = rng.integers(0, 6, n_d), int(rng.choice([0, 10]))
    slack_all = top - key % span - u[key // span]
    live_len = np.array(
        [int((slack_all[first[d] : first[d] + count[d]] > 0).sum()) for d in range(n_d)]
    )

    close, excess, plain = exact._close_pairs(
        (key, span, top, order, pair_v),
        first,
        live_len,
        kept,
        np.bincount(pair_d[order[kept]], minlength=n_d),
        u,
        y,
        cap,
        near,
    )
    added = exact._largest_per_demand(close, key[close] // span, excess, cap, near, plain)

    live = exact._ranges(first, live_len)
    slack = slack_all[live]
    every = slack - y[pair_v[order[live]]]
    wanted = (every > -near) & ~kept[live]
    expected = exact._largest_per_demand(
        live[wanted], key[live[wanted]] // span, every[wanted], cap, near, (every == slack)[wanted]
    )
    assert added.tolist() == expected.tolist()
    assert (excess > 0).any() == (wanted & (every > 0)).any()


def optimum_with_duals(pv, pd, units, places, bonus, n_v, pairs):
    """An optimum of the given pairs (a bool mask over every pair) with its duals u and y,
    as a round of the pruned solve leaves them."""
    idx = np.flatnonzero(pairs)
    w = units + bonus
    x = exact.solve_components(pv[idx], pd[idx], units[idx], places, bonus, n_v)
    u = exact.potentials(pv[idx], pd[idx], w[idx], x, places, n_v)
    u[places == 0] = int(units.max()) + bonus
    y = exact._max_by(pv[idx], w[idx] - u[pd[idx]], n_v)
    matched = np.zeros(len(pv), dtype=bool)
    matched[idx[x]] = True
    return matched, u, y


@given(small_problems(), st.lists(st.booleans(), min_size=12, max_size=12))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_repaired_optimum_is_the_optimum_of_every_pair(problem, old):
    # An optimum of some pairs with its duals, then the other pairs added: the repair's
    # matching is as good as solving every pair afresh (ties, places that cannot all be
    # filled, demands with no place), and its duals prove it.
    pv, pd, units, places, bonus, n_v = problem
    matched, u, y = optimum_with_duals(pv, pd, units, places, bonus, n_v, np.array(old[: len(pv)]))

    repaired = exact.repair(pv, pd, units + bonus, matched, places, u, y)

    assert repaired is not None
    chosen, u = repaired
    fresh = exact.solve_components(pv, pd, units, places, bonus, n_v)
    best = value(fresh, pv, pd, units, places)
    assert value(np.flatnonzero(chosen), pv, pd, units, places) == best
    u[places == 0] = int(units.max()) + bonus
    y = exact._max_by(pv, units + bonus - u[pd], n_v)
    assert int((places * u).sum() + y.sum()) == int((units + bonus)[chosen].sum())


@pytest.mark.parametrize("seed", range(20))
def test_a_repair_of_larger_instances_is_the_optimum(seed):
    rng = np.random.default_rng(seed)
    n_v, n_d = int(rng.integers(20, 80)), int(rng.integers(5, 20))
    pv, pd, units, places, bonus = random_pairs(rng, n_v, n_d, float(rng.uniform(0.1, 0.5)))
    if seed % 2:
        units = rng.choice([0, 10, 11, 500], len(pv))  # many ties
    matched, u, y = optimum_with_duals(pv, pd, units, places, bonus, n_v, rng.random(len(pv)) < 0.7)

    repaired = exact.repair(pv, pd, units + bonus, matched, places, u, y, max_steps=10**9)

    fresh = exact.solve_components(pv, pd, units, places, bonus, n_v)
    if repaired is None:  # more violators than a repair takes
        reduced = u[pd] + y[pv] - units - bonus
        assert (reduced < 0).sum() > exact.REPAIR_VIOLATORS
        return
    chosen = np.flatnonzero(repaired[0])
    assert value(chosen, pv, pd, units, places) == value(fresh, pv, pd, units, places)


def test_a_repair_over_its_budget_gives_way_to_a_fresh_solve(monkeypatch):
    # The second round of this instance is repaired; with no budget it is solved afresh,
    # to the same optimum.
    rng = np.random.default_rng(0)
    pv, pd, units, places, bonus = random_pairs(rng, 200, 50, 0.2)
    full, _ = exact.solve(pv, pd, units, places, bonus, 200, prune=False)
    _, how = exact.solve(pv, pd, units, places, bonus, 200, prune=True)
    assert how["repaired"] == 1
    monkeypatch.setattr(exact, "REPAIR_STEPS", 0)

    chosen, how = exact.solve(pv, pd, units, places, bonus, 200, prune=True)

    assert how["repaired"] == 0
    assert how["proof"] == "duals"
    assert value(chosen, pv, pd, units, places) == value(full, pv, pd, units, places)
