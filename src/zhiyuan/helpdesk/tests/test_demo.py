"""The demo help-desk step on a small district: requests in every state, consistent records."""

import random
from io import StringIO

import pytest
from django.test import override_settings

from zhiyuan.demo.build import STEPS, build
from zhiyuan.demo.context import DemoContext
from zhiyuan.demo.helpdesk import add_help_requests
from zhiyuan.demo.stations import add_stations
from zhiyuan.helpdesk import statistics
from zhiyuan.helpdesk.models import Assignment, HelpRequest, Recipient


@pytest.mark.django_db
def test_demo_help_desk_spans_the_workflow(settings):
    settings.FIELD_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
    steps = STEPS[: STEPS.index(add_stations) + 1] + [add_help_requests]
    ctx = DemoContext(rng=random.Random(7), stdout=StringIO(), volunteer_count=200)
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        build(ctx, steps)
    assert Recipient.objects.count() == 400 and HelpRequest.objects.count() == 1200
    statuses = set(HelpRequest.objects.values_list("status", flat=True))
    assert {"submitted", "verified", "matched", "done", "rated", "cancelled"} <= statuses
    done = Assignment.objects.filter(request__status__in=["done", "rated"])
    assert done.exists() and not done.filter(record__isnull=True).exists()
    assert not HelpRequest.objects.filter(status="matched", assignments__isnull=True).exists()
    year = statistics.figures(
        ctx.today.replace(year=ctx.today.year - 1), ctx.today.replace(year=ctx.today.year + 1)
    )
    assert year["requests_submitted"] == 1200 and year["help_hours"] > 0
    assert 3 <= year["average_rating"] <= 5
