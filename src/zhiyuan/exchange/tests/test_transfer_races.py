"""Races on PostgreSQL: the same transfer file imported by two offices at once counts once."""

from decimal import Decimal

import pytest

from zhiyuan.service.models import HoursTotal, TransferredRecord
from zhiyuan.service.transfers import TransferOutcome, TransferRow, transfer_in
from zhiyuan.testing.factories import days_ago, id_number
from zhiyuan.volunteers.tests.test_concurrency import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_offices_importing_the_same_file_at_once_add_it_once(cast):
    rows = [
        TransferRow(
            row=n,
            record_no=f"R-{n}",
            id_number=id_number(1),
            served_on=days_ago(n).isoformat(),
            hours="1.5",
            organisation="外区志愿者协会",
        )
        for n in range(1, 6)
    ]
    offices = [cast.alice, cast.bob]
    results = race(
        2,
        lambda i: transfer_in(
            actor=offices[i], source="全国志愿服务信息系统", filename="t.jsonl", rows=rows
        ),
    )
    assert all(isinstance(r, TransferOutcome) for r in results), results
    assert sum(r.added for r in results) == 5
    assert sum(r.already_held for r in results) == 5
    assert TransferredRecord.objects.count() == 5
    assert HoursTotal.objects.get(volunteer=cast.carol).approved_hours == Decimal("7.5")
