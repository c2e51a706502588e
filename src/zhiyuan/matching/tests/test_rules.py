"""Each hard rule refuses a pair on its own, and the engine never proposes a refused pair."""

import datetime as dt

import pytest

from zhiyuan.matching import HARD_RULES, refusals, solve

from .factories import DAY, at, demand, volunteer

# (rule, volunteer fields, demand fields): the only thing wrong with the pair.
ONLY_BROKEN = [
    ("skill", {"skills": frozenset({"tutoring"})}, {}),
    (
        "skill",
        {"skills": frozenset({"first_aid"})},
        {"skills": frozenset({"first_aid", "medical"})},
    ),
    ("age", {"age": 17}, {"min_age": 18}),
    ("age", {"age": 71}, {"max_age": 70}),
    ("insurance", {"insured_until": None}, {"insurance_required": True}),
    (
        "insurance",
        {"insured_until": DAY.date() - dt.timedelta(days=1)},
        {"insurance_required": True},
    ),
    (
        "health",
        {"health_limits": frozenset({"no_heavy_lifting"})},
        {"excluded_health": frozenset({"no_heavy_lifting"})},
    ),
    ("availability", {"available": ((at(10), at(14)),)}, {}),
    ("availability", {"available": ((at(8), at(10)), (at(10.5), at(12)))}, {}),
    ("distance", {"north_km": 5.2}, {}),
    ("distance", {"north_km": 1.2, "max_distance_km": 1.0}, {}),
    ("overlap", {"busy": ((at(10.5), at(12)),)}, {}),
    ("overlap", {"busy": ((at(6), at(9.01)),)}, {}),
]


@pytest.mark.parametrize(("rule", "v_fields", "d_fields"), ONLY_BROKEN)
def test_each_rule_alone_refuses_the_pair(rule, v_fields, d_fields):
    v, d = volunteer(**v_fields), demand(**d_fields)

    assert [reason.code for reason in refusals(v, d)] == [rule]
    result = solve([v], [d])
    assert result.pairs == []
    assert result.unfilled == {d.id: 1}
    assert solve([v], [d], method="greedy").pairs == []


# (volunteer fields, demand fields): right at the edge of a rule, still allowed.
AT_THE_EDGE = [
    {"skills": frozenset({"first_aid", "medical", "tutoring"})},
    {"age": 18, "_d": {"min_age": 18, "max_age": 18}},
    {"insured_until": DAY.date(), "_d": {"insurance_required": True}},
    {"insured_until": None},  # insurance not required
    {
        "health_limits": frozenset({"no_night"}),
        "_d": {"excluded_health": frozenset({"no_heavy_lifting"})},
    },
    {"available": ((at(9), at(11)),)},
    {"available": ((at(7), at(10)), (at(10), at(12)))},  # touching windows join up
    {"busy": ((at(7), at(9)), (at(11), at(13)))},  # back-to-back commitments are fine
    {"north_km": 4.9},
    {"north_km": 0.9, "max_distance_km": 1.0},
]


@pytest.mark.parametrize("fields", AT_THE_EDGE)
def test_pair_at_the_edge_of_a_rule_is_allowed(fields):
    fields = dict(fields)
    v, d = (
        volunteer(**{k: x for k, x in fields.items() if k != "_d"}),
        demand(**fields.get("_d", {})),
    )

    assert refusals(v, d) == ()
    result = solve([v], [d])
    assert [(p.volunteer_id, p.demand_id) for p in result.pairs] == [(v.id, d.id)]
    assert result.unfilled == {}


def test_every_broken_rule_is_named_in_rule_order():
    v = volunteer(
        skills=frozenset(),
        age=12,
        health_limits=frozenset({"no_night"}),
        available=((at(20), at(22)),),
        busy=((at(8), at(10)),),
        north_km=8,
    )
    d = demand(min_age=14, insurance_required=True, excluded_health=frozenset({"no_night"}))

    assert tuple(reason.code for reason in refusals(v, d)) == HARD_RULES
    assert all(reason.text for reason in refusals(v, d))


def test_refusal_params_carry_the_numbers():
    (reason,) = refusals(volunteer(north_km=2.0, max_distance_km=1.5), demand())

    assert reason.code == "distance"
    assert reason.params["limit_km"] == 1.5
    assert reason.params["km"] == pytest.approx(2.0, abs=0.01)
