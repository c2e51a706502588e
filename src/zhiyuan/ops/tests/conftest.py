"""A small district with service hours and an issued certificate, for backups and privacy."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from zhiyuan.projects.models import SignUp
from zhiyuan.projects.tests.conftest import plan  # noqa: F401 - the plan fixture
from zhiyuan.service import certificates
from zhiyuan.service.models import ServiceRecord
from zhiyuan.service.services import refresh_total
from zhiyuan.teams.tests.conftest import corps  # noqa: F401 - plan's dependency


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def record(c, volunteer, *, hours, days, state="approved"):
    return ServiceRecord.objects.create(
        volunteer=volunteer,
        team=c.squad_1a,
        project=c.project,
        served_on=days_ago(days),
        hours=Decimal(hours),
        content="义务指路",
        source=ServiceRecord.Source.ENTERED,
        state=state,
        recorded_by=c.carol_user,
        persons_served=3,
    )


@pytest.fixture
def served(plan):  # noqa: F811 - the imported fixture
    """gina has approved hours with squad_1a, a sign-up, and an issued certificate."""
    c = plan
    record(c, c.gina, hours="3.00", days=20)
    record(c, c.gina, hours="2.50", days=10)
    record(c, c.carol, hours="4.00", days=15)
    for volunteer in (c.gina, c.carol):
        refresh_total(volunteer.pk)
    SignUp.objects.create(
        shift=c.guide,
        volunteer=c.gina,
        state="confirmed",
        starts_at=c.guide.starts_at,
        ends_at=c.guide.ends_at,
    )
    asked = certificates.request_certificate(
        actor=c.gina.user, team=c.squad_1a, period_from=days_ago(30), period_to=days_ago(1)
    )
    c.certificate = certificates.issue_certificate(
        actor=c.carol_user, certificate=asked, responsible_person="张卡洛", contact="022-1234567"
    )
    return c
