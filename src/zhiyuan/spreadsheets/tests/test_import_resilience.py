"""One row never fails a whole import: unfamiliar place codes, unexpected errors per row."""

from __future__ import annotations

import logging

import pytest
from django.db import DataError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhiyuan.spreadsheets import services
from zhiyuan.spreadsheets.models import ImportIssue, ImportJob
from zhiyuan.spreadsheets.validation import RowValidator
from zhiyuan.testing.factories import csv_bytes, person_id
from zhiyuan.volunteers.models import Volunteer
from zhiyuan.volunteers.tests.test_idcard_peers import id_like

pytestmark = pytest.mark.django_db
HEADER = ["姓名", "身份证号", "手机号", "社区"]


def run(actor, data: bytes) -> ImportJob:
    job = services.create_job(actor=actor, name="r.csv", data=data, consent_confirmed=True)
    services.start_job(actor=actor, job=job)
    return services.run_job(job.pk)


def test_a_number_whose_place_code_is_known_only_above_county_level_is_imported(cast):
    data = csv_bytes(
        [
            HEADER,
            ["县外甲", "370986890623212", "13900000001", "新兴社区"],
            ["县外乙", person_id(1), "13900000002", "新兴社区"],
        ],
        "utf-8",
    )
    job = run(cast.alice, data)
    assert (job.status, job.processed, job.imported, job.errors) == ("done", 2, 2, 0)
    assert Volunteer.objects.get(real_name="县外甲").decrypted("id_number") == "370986198906232123"


def test_an_unexpected_error_checking_or_writing_a_row_fails_that_row_only(
    cast, monkeypatch, caplog
):
    real_validate = RowValidator.validate
    real_insert = services.insert_volunteers

    def validate(self, cells):
        if cells[0] == "查不了":
            raise RuntimeError("injected check failure")
        return real_validate(self, cells)

    def insert(rows, skills):
        if any(row[0] == "写不进" for row in rows):
            raise DataError("injected write failure")
        return real_insert(rows, skills)

    monkeypatch.setattr(RowValidator, "validate", validate)
    monkeypatch.setattr(services, "insert_volunteers", insert)
    rows = [HEADER]
    names = ["好甲", "查不了", "好乙", "写不进", "好丙"]
    for n, name in enumerate(names, start=1):
        rows.append([name, person_id(n), f"139000000{n:02d}", "新兴社区"])
    with caplog.at_level(logging.ERROR, logger="zhiyuan.spreadsheets.services"):
        job = run(cast.alice, csv_bytes(rows, "utf-8"))
    assert (job.status, job.processed, job.imported, job.errors) == ("done", 5, 3, 2)
    assert set(
        Volunteer.objects.filter(real_name__in=names).values_list("real_name", flat=True)
    ) == {
        "好甲",
        "好乙",
        "好丙",
    }
    reported = dict(ImportIssue.objects.filter(job=job).values_list("row", "kind"))
    assert reported == {3: "error", 5: "error"}
    assert "unexpected error" in ImportIssue.objects.filter(job=job).first().reason or "意外" in (
        ImportIssue.objects.filter(job=job).first().reason
    )
    assert "injected check failure" in caplog.text and "injected write failure" in caplog.text
    assert job.error_report


@settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(numbers=st.lists(id_like(), min_size=1, max_size=30))
def test_any_id_numbers_in_a_file_leave_the_import_done_with_every_row_accounted(cast, numbers):
    rows = [HEADER] + [
        [f"属性{i}", number.replace(",", ""), f"139{i:08d}", "新兴社区"]
        for i, number in enumerate(numbers)
    ]
    job = run(cast.alice, csv_bytes(rows, "utf-8"))
    assert job.status == "done"
    assert job.processed == job.total
    assert job.imported + job.errors + job.duplicates == job.total
