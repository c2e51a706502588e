"""Races on PostgreSQL: two admins finalising, approving or nominating at once get one result."""

import datetime as dt

import pytest
from django.utils import timezone

from zhiyuan.core.errors import DomainError
from zhiyuan.honours import services
from zhiyuan.honours.models import Award, Nomination
from zhiyuan.volunteers.tests.test_concurrency import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def open_round(honours):
    c = honours
    c.round = services.open_round(
        actor=c.alice,
        kind=c.kinds["outstanding_volunteer"],
        year=c.year,
        level="district",
        region=c.district,
        awarding_body="区文明委",
        deadline=timezone.localdate() + dt.timedelta(days=7),
        rules={"min_hours": 20},
    )
    return c


def test_two_admins_finalising_at_once_make_the_awards_once(open_round):
    c = open_round
    services.propose_candidates(actor=c.alice, round=c.round)
    results = race(4, lambda i: services.finalise_round(actor=c.alice, round=c.round))
    assert sum(isinstance(r, list) for r in results) == 1
    assert all(isinstance(r, DomainError) for r in results if not isinstance(r, list))
    assert Award.objects.count() == 1


def test_approval_and_rejection_at_once_leave_one_decision(open_round):
    c = open_round
    row = services.nominate(
        actor=c.carol_user, round=c.round, team=c.squad_1a, awardee=c.carol, reason="骨干"
    )

    def act(i):
        if i % 2:
            return services.approve_nomination(actor=c.frank.user, nomination=row)
        return services.reject_nomination(actor=c.alice, nomination=row, reason="不符合")

    results = race(4, act)
    assert sum(isinstance(r, Nomination) for r in results) == 1
    assert Nomination.objects.get().state in {"shortlisted", "rejected"}


def test_two_teams_nominating_the_same_volunteer_at_once_make_one_nomination(open_round):
    c = open_round

    def act(i):
        team, user = (c.squad_1a, c.carol_user) if i % 2 else (c.det_1, c.frank.user)
        return services.nominate(actor=user, round=c.round, team=team, awardee=c.carol, reason="x")

    results = race(4, act)
    assert sum(isinstance(r, Nomination) for r in results) == 1
    assert Nomination.objects.count() == 1
