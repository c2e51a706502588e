"""Hand-made instances whose best assignment is known, for the exact solve and the greedy baseline."""

import pytest

from zhiyuan.matching import Weights, solve

from .factories import demand, volunteer

DISTANCE_ONLY = Weights(skill=0, distance=25, load=0, station=0, wait=0, scarcity=0, reliability=0)


def assigned(result):
    return sorted((p.volunteer_id, p.demand_id) for p in result.pairs)


def test_exact_fills_a_place_greedy_gives_away():
    # Volunteer 1 is closest to the first-aid request but is also the only tutor; volunteer 2
    # can only do first aid. Greedy hands 1 the first-aid request and leaves tutoring unfilled.
    volunteers = [
        volunteer(1, skills=frozenset({"first_aid", "tutoring"})),
        volunteer(2, skills=frozenset({"first_aid"}), north_km=2.0),
    ]
    demands = [
        demand("help:aid"),
        demand("help:tutor", skills=frozenset({"tutoring"}), north_km=1.0),
    ]

    exact = solve(volunteers, demands)
    greedy = solve(volunteers, demands, method="greedy")

    assert assigned(exact) == [(1, "help:tutor"), (2, "help:aid")]
    assert exact.unfilled == {}
    assert assigned(greedy) == [(1, "help:aid")]
    assert greedy.unfilled == {"help:tutor": 1}


def test_exact_finds_the_higher_total_where_greedy_takes_the_best_pair_first():
    # On one street: v2 (-1 km), d1 (0), v1 (0.2 km), d2 (1.2 km). Greedy takes v1-d1 (0.2 km)
    # and must send v2 to d2 (2.2 km): 2.4 km in all; crossing over is 1.0 + 1.0 km.
    volunteers = [volunteer(1, north_km=0.2), volunteer(2, north_km=-1.0)]
    demands = [demand("d1"), demand("d2", north_km=1.2)]

    exact = solve(volunteers, demands, DISTANCE_ONLY)
    greedy = solve(volunteers, demands, DISTANCE_ONLY, method="greedy")

    assert assigned(exact) == [(1, "d2"), (2, "d1")]
    assert assigned(greedy) == [(1, "d1"), (2, "d2")]
    assert exact.total_score == pytest.approx(25 * (2 - 2.0 / 5), abs=0.05)
    assert greedy.total_score == pytest.approx(25 * (2 - 2.4 / 5), abs=0.05)


def test_demand_needing_three_gets_the_three_closest():
    volunteers = [volunteer(i, north_km=0.5 * i) for i in range(1, 6)]
    result = solve(volunteers, [demand("shift:1", needed=3)], DISTANCE_ONLY)

    assert assigned(result) == [(1, "shift:1"), (2, "shift:1"), (3, "shift:1")]
    assert result.unfilled == {}
    assert result.stats["filled"] == 3


def test_places_no_one_can_fill_are_reported_unfilled():
    volunteers = [volunteer(1), volunteer(2, skills=frozenset({"tutoring"}))]
    demands = [
        demand("shift:1", needed=3),
        demand("help:2", skills=frozenset({"medical"}), needed=2),
    ]

    result = solve(volunteers, demands)

    assert assigned(result) == [(1, "shift:1")]
    assert result.unfilled == {"shift:1": 2, "help:2": 2}
    assert result.stats["unfillable"] == 1
    assert result.stats["places"] == 5


def test_a_volunteer_serves_one_demand_per_run():
    result = solve([volunteer(1)], [demand("a"), demand("b")])

    assert len(result.pairs) == 1
    assert sum(result.unfilled.values()) == 1


def test_demand_needing_nobody_is_neither_filled_nor_unfilled():
    result = solve([volunteer(1)], [demand("a", needed=0)])

    assert result.pairs == []
    assert result.unfilled == {}


@pytest.mark.parametrize("method", ["exact", "greedy"])
def test_empty_inputs(method):
    assert solve([], [], method=method).pairs == []
    assert solve([volunteer(1)], [], method=method).unfilled == {}
    result = solve([], [demand("a", needed=2)], method=method)
    assert (result.pairs, result.unfilled, result.total_score) == ([], {"a": 2}, 0)


def test_the_demand_that_waited_longer_gets_the_contested_volunteer():
    demands = [demand("new", waited_hours=1), demand("old", waited_hours=60)]

    assert assigned(solve([volunteer(1)], demands)) == [(1, "old")]


def test_the_demand_few_can_serve_gets_the_contested_volunteer():
    # "popular" can also be served by three others, "rare" only by volunteer 1; with a single
    # place between them the scarcity term decides, not the fill count.
    others = [volunteer(i, skills=frozenset({"guide"}), north_km=4.0) for i in (2, 3, 4)]
    demands = [
        demand("popular", skills=frozenset(), max_distance_km=0.5),
        demand("rare"),
    ]
    result = solve([volunteer(1), *others], demands)

    assert (1, "rare") in assigned(result)


def test_the_less_loaded_and_more_reliable_volunteer_is_chosen():
    light = solve([volunteer(1, load_hours=40), volunteer(2, load_hours=2)], [demand()])
    reliable = solve([volunteer(1, reliability=0.5), volunteer(2, reliability=0.95)], [demand()])

    assert assigned(light) == [(2, "help:1")]
    assert assigned(reliable) == [(2, "help:1")]


def test_volunteers_of_a_less_loaded_station_come_first():
    volunteers = [
        volunteer(1, station_id=1, load_hours=10),
        volunteer(2, station_id=1, load_hours=50),
        volunteer(3, station_id=2, load_hours=10),
        volunteer(4, station_id=2, load_hours=10, north_km=6),  # out of range, but counts
    ]

    assert assigned(solve(volunteers, [demand()])) == [(3, "help:1")]


def test_preferred_skills_raise_the_score():
    volunteers = [volunteer(1), volunteer(2, skills=frozenset({"first_aid", "medical"}))]
    result = solve(volunteers, [demand(preferred_skills=frozenset({"medical"}))])

    assert assigned(result) == [(2, "help:1")]
    skill = next(r for r in result.pairs[0].reasons if r.code == "fit_skill")
    assert (skill.params["had"], skill.params["preferred"]) == (1, 1)


def test_each_pair_has_reasons_whose_points_add_up_to_its_score():
    result = solve([volunteer(1, load_hours=12, station_id=3)], [demand(waited_hours=30)])
    (pair,) = result.pairs

    codes = {reason.code for reason in pair.reasons}
    assert codes == {
        "fit_skill",
        "fit_distance",
        "fit_load",
        "fit_station",
        "fit_wait",
        "fit_scarcity",
        "fit_reliability",
    }
    assert sum(r.params["points"] for r in pair.reasons) == pytest.approx(pair.score, abs=0.01)
    assert 0 < pair.score <= Weights().maximum
    assert result.total_score == pair.score


def test_a_term_with_no_weight_gives_no_reason():
    (pair,) = solve([volunteer(1)], [demand()], DISTANCE_ONLY).pairs

    assert [r.code for r in pair.reasons] == ["fit_distance"]
    assert pair.score == pytest.approx(25.0)


@pytest.mark.parametrize(
    ("volunteers", "demands", "message"),
    [
        ([volunteer(1), volunteer(1)], [demand()], "volunteer id 1"),
        ([volunteer(1)], [demand("a"), demand("a")], "demand id 'a'"),
        ([volunteer(1, reliability=1.5)], [demand()], "reliability"),
        ([volunteer(1, lat=95.0)], [demand()], "lat"),
        ([volunteer(1)], [demand(needed=-1)], "needed"),
        ([volunteer(1)], [demand(max_distance_km=-2)], "max_distance_km"),
        ([volunteer(1)], [demand(end=demand().start)], "end"),
    ],
)
def test_bad_input_is_refused_with_the_field_named(volunteers, demands, message):
    with pytest.raises(ValueError, match=message):
        solve(volunteers, demands)


def test_unknown_method_is_refused():
    with pytest.raises(ValueError, match="method"):
        solve([volunteer(1)], [demand()], method="fast")


def test_negative_weight_is_refused():
    with pytest.raises(ValueError, match="distance"):
        Weights(distance=-1)
