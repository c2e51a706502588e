"""Races on PostgreSQL: the last place of a session goes to exactly one volunteer."""

import pytest

from zhiyuan.core.errors import Conflict
from zhiyuan.testing.factories import make_volunteer
from zhiyuan.training.models import Enrolment
from zhiyuan.training.services import enrol
from zhiyuan.volunteers.tests.test_concurrency import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_volunteers_racing_for_the_last_place_one_gets_it(training):
    session = training.upcoming
    Enrolment.objects.create(session=session, volunteer=training.frank)  # 1 of 2 taken
    users = [training.gina.user, training.hank.user]
    results = race(2, lambda i: enrol(actor=users[i], session=session))
    assert sum(isinstance(r, Enrolment) for r in results) == 1
    assert sum(isinstance(r, Conflict) and r.code == "session_full" for r in results) == 1
    assert session.enrolments.filter(state="enrolled").count() == 2


def test_eight_racers_never_overbook(training):
    session = training.upcoming
    users = [
        make_volunteer(training, f"racer{i}", 800 + i, training.a1, name=f"赛跑{i}").user
        for i in range(8)
    ]
    results = race(8, lambda i: enrol(actor=users[i], session=session))
    assert sum(isinstance(r, Enrolment) for r in results) == 2
    assert session.enrolments.filter(state="enrolled").count() == 2


def test_the_same_volunteer_twice_at_once_is_one_enrolment(training):
    results = race(4, lambda i: enrol(actor=training.gina.user, session=training.upcoming))
    assert sum(isinstance(r, Enrolment) for r in results) == 1
    assert training.upcoming.enrolments.filter(volunteer=training.gina).count() == 1
