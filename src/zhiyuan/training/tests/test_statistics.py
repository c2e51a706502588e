"""Training figures for the reports: one period, one region subtree, cancelled rows left out."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from zhiyuan.testing.factories import make_session
from zhiyuan.training.models import Course, Enrolment
from zhiyuan.training.services import complete, mark_attendance
from zhiyuan.training.statistics import figures

pytestmark = pytest.mark.django_db


def test_figures_count_sessions_enrolments_passes_and_hours(training):
    c = training
    complete(actor=c.carol_user, enrolment=c.gina_enrolment, passed=True)
    frank = Enrolment.objects.create(session=c.held, volunteer=c.frank)
    mark_attendance(actor=c.carol_user, enrolment=frank, attended=True)
    complete(actor=c.carol_user, enrolment=frank, passed=False)
    Enrolment.objects.create(session=c.upcoming, volunteer=c.hank, state="cancelled")
    other = Course.objects.create(
        title="通用培训", hours=Decimal("2.5"), region=c.b1, organiser=c.squad_2a
    )
    b_session = make_session(other, starts_at=timezone.now() - dt.timedelta(hours=3))
    mark_attendance(
        actor=c.alice,
        enrolment=Enrolment.objects.create(session=b_session, volunteer=c.dave),
        attended=True,
    )
    today = timezone.localdate()
    start, end = today - dt.timedelta(days=30), today + dt.timedelta(days=30)

    everything = figures(start, end)
    assert everything == {
        "courses": 2,
        "sessions": 3,
        "enrolments": 3,
        "completions": 1,
        "training_hours": 18.5,
    }
    assert figures(start, end, c.sub_a) == {
        "courses": 1,
        "sessions": 2,
        "enrolments": 2,
        "completions": 1,
        "training_hours": 16.0,
    }
    assert figures(today + dt.timedelta(days=1), end)["sessions"] == 1
    assert figures(end, end + dt.timedelta(days=30))["sessions"] == 0
