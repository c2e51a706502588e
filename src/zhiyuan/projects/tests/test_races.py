"""Races on PostgreSQL: the last place goes to one person; one person never holds two
overlapping shifts, however many requests arrive at once."""

import pytest

from zhiyuan.core.errors import Conflict
from zhiyuan.projects.models import Shift, SignUp
from zhiyuan.projects.signups import sign_up
from zhiyuan.testing.factories import at, make_volunteer
from zhiyuan.volunteers.tests.test_concurrency import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_last_place_goes_to_exactly_one_of_eight_racers(plan):
    users = [
        make_volunteer(plan, f"racer{i}", 800 + i, plan.a1, name=f"赛跑{i}").user for i in range(8)
    ]
    results = race(8, lambda i: sign_up(actor=users[i], shift=plan.guide))
    states = sorted(r.state for r in results if isinstance(r, SignUp))
    assert states == ["confirmed"] + ["waitlisted"] * 7
    assert SignUp.objects.filter(shift=plan.guide, state="confirmed").count() == 1


def test_one_person_racing_for_overlapping_shifts_gets_one(plan):
    others = [
        Shift.objects.create(
            activity=plan.activity,
            role=f"岗位{i}",
            starts_at=at(1, 8),
            ends_at=at(1, 11),
            capacity=5,
        )
        for i in range(6)
    ]
    results = race(6, lambda i: sign_up(actor=plan.gina.user, shift=others[i]))
    taken = [r for r in results if isinstance(r, SignUp)]
    assert len(taken) == 1
    assert all(isinstance(r, Conflict) for r in results if r not in taken)
    assert (
        SignUp.objects.filter(volunteer=plan.gina, state__in=["confirmed", "waitlisted"]).count()
        == 1
    )


def test_the_same_request_sent_twice_at_once_is_one_sign_up(plan):
    results = race(4, lambda i: sign_up(actor=plan.gina.user, shift=plan.guide))
    assert sum(isinstance(r, SignUp) for r in results) == 1
    assert SignUp.objects.filter(volunteer=plan.gina, shift=plan.guide).count() == 1
