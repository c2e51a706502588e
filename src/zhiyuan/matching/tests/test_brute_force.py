"""On random small instances: the exact solve equals enumeration of every assignment, greedy
never beats it, and the engine's allowed pairs are exactly those refusals() lets through."""

import dataclasses
import itertools
import random

import pytest

from zhiyuan.matching import Demand, Volunteer, allowed, build_problem, refusals, solve

from .factories import LAT, LON, at

SKILLS = ["first_aid", "tutoring", "medical"]


def random_instance(rng: random.Random):
    volunteers = []
    for i in range(rng.randint(0, 6)):
        start = rng.choice([7, 9, 11])
        volunteers.append(
            Volunteer(
                id=i + 1,
                skills=frozenset(rng.sample(SKILLS, rng.randint(0, 3))),
                age=rng.randint(15, 75),
                lat=LAT + rng.uniform(-0.02, 0.02),
                lon=LON + rng.uniform(-0.02, 0.02),
                insured_until=rng.choice([None, at(0).date(), at(-48).date()]),
                health_limits=frozenset(
                    rng.sample(["no_night", "no_heavy_lifting"], rng.randint(0, 1))
                ),
                available=rng.choice([(), ((at(start), at(start + 4)),)]),
                busy=rng.choice([(), ((at(rng.choice([8, 10, 12])), at(13)),)]),
                load_hours=rng.choice([0.0, 5.0, 30.0]),
                reliability=rng.choice([0.5, 0.9, 1.0]),
                max_distance_km=rng.choice([None, 1.0, 2.5]),
                station_id=rng.choice([None, 1, 2]),
            )
        )
    demands = []
    for j in range(rng.randint(0, 4)):
        start = rng.choice([8, 9, 10, 12])
        demands.append(
            Demand(
                id=f"d{j}",
                skills=frozenset(rng.sample(SKILLS, rng.randint(0, 1))),
                lat=LAT + rng.uniform(-0.02, 0.02),
                lon=LON + rng.uniform(-0.02, 0.02),
                start=at(start),
                end=at(start + rng.choice([1, 2])),
                needed=rng.randint(0, 3),
                min_age=rng.choice([None, 18]),
                max_age=rng.choice([None, 70]),
                insurance_required=rng.random() < 0.3,
                excluded_health=frozenset(rng.sample(["no_night"], rng.randint(0, 1))),
                max_distance_km=rng.choice([1.5, 3.0, 5.0]),
                waited_hours=rng.choice([0.0, 10.0, 80.0]),
                preferred_skills=frozenset(rng.sample(SKILLS, rng.randint(0, 2))),
            )
        )
    return volunteers, demands


def best_by_enumeration(volunteers, demands, units):
    """(places filled, total units) of the best assignment, trying every one."""
    options = [
        [None] + [j for j, d in enumerate(demands) if (v.id, d.id) in units] for v in volunteers
    ]
    best = (0, 0)
    for choice in itertools.product(*options):
        taken = [0] * len(demands)
        total = filled = 0
        for v, j in zip(volunteers, choice, strict=True):
            if j is not None:
                taken[j] += 1
                filled += 1
                total += units[v.id, demands[j].id]
        if all(t <= d.needed for t, d in zip(taken, demands, strict=True)):
            best = max(best, (filled, total))
    return best


@pytest.mark.parametrize("seed", range(150))
def test_exact_solve_matches_enumeration(seed):
    volunteers, demands = random_instance(random.Random(seed))
    problem = build_problem(volunteers, demands)
    units = {
        (volunteers[v].id, demands[d].id): u
        for v, d, u in zip(problem.pair_v, problem.pair_d, problem.units.tolist(), strict=True)
    }
    allowed = {(v.id, d.id) for v in volunteers for d in demands if refusals(v, d) == ()}
    assert set(units) == allowed

    exact = solve(volunteers, demands)
    greedy = solve(volunteers, demands, method="greedy")

    q = problem.quantum
    assert (len(exact.pairs), round(exact.total_score * q)) == best_by_enumeration(
        volunteers, demands, units
    )
    assert (len(greedy.pairs), round(greedy.total_score * q)) <= (
        len(exact.pairs),
        round(exact.total_score * q),
    )
    for result in (exact, greedy):
        assert len({p.volunteer_id for p in result.pairs}) == len(result.pairs)
        for d in demands:
            served = sum(p.demand_id == d.id for p in result.pairs)
            assert served + result.unfilled.get(d.id, 0) == d.needed
        assert all((p.volunteer_id, p.demand_id) in allowed for p in result.pairs)


@pytest.mark.parametrize("seed", range(40))
def test_allowed_pairs_match_refusals_with_several_required_skills(seed):
    # Demands asking two or three skills: the candidate lookup settles only the rarest one,
    # the rest must still be checked.
    # Other rules are mostly relaxed so that the skill rule decides many pairs.
    rng = random.Random(5000 + seed)
    volunteers, demands = random_instance(rng)
    volunteers = [
        dataclasses.replace(v, available=(), busy=(), health_limits=frozenset())
        if rng.random() < 0.8
        else v
        for v in volunteers
    ]
    demands = [
        dataclasses.replace(
            d,
            skills=frozenset(rng.sample(SKILLS, rng.randint(1, 3))),
            insurance_required=False,
            max_distance_km=10.0,
        )
        for d in demands
    ]
    problem = build_problem(volunteers, demands)
    found = {
        (volunteers[v].id, demands[d].id)
        for v, d in zip(problem.pair_v.tolist(), problem.pair_d.tolist(), strict=True)
    }
    allowed = {(v.id, d.id) for v in volunteers for d in demands if refusals(v, d) == ()}
    assert found == allowed


@pytest.mark.parametrize("chunk", [1, 3, 50])
def test_allowed_pairs_do_not_depend_on_the_chunk_size(monkeypatch, chunk):
    # The rules check and the scores are computed a chunk of pairs at a time
    # (allowed.CHUNK_PAIRS, about a hundred thousand): cut small, the same pairs, distances
    # and scores come out in the same order as from one chunk.
    rng = random.Random(77)
    volunteers, demands = [], []
    for k in range(12):
        vs, ds = random_instance(rng)
        volunteers += [dataclasses.replace(v, id=f"{k}:{v.id}") for v in vs]
        demands += [dataclasses.replace(d, id=f"{k}:{d.id}") for d in ds]
    whole = build_problem(volunteers, demands)
    assert len(whole.pair_v) > 50
    monkeypatch.setattr(allowed, "CHUNK_PAIRS", chunk)
    cut = build_problem(volunteers, demands)
    assert cut.stats["spatial_pairs"] == whole.stats["spatial_pairs"]
    for name in ("pair_v", "pair_d", "km", "units"):
        assert getattr(cut, name).tolist() == getattr(whole, name).tolist()
    for name in ("skill", "distance"):
        assert cut.terms[name].tolist() == whole.terms[name].tolist()
