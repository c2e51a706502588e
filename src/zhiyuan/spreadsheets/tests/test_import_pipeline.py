"""Batches checked in a worker process while the previous one is written (`pipeline.ahead`):
the same import as checking them here, and an error in the worker leaves whole batches."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhiyuan.core import crypto
from zhiyuan.spreadsheets import pipeline, services
from zhiyuan.spreadsheets.models import ImportIssue, ImportJob
from zhiyuan.spreadsheets.validation import RowValidator
from zhiyuan.testing.factories import xlsx
from zhiyuan.volunteers.idcard import generate_gb11643
from zhiyuan.volunteers.models import Skill, Volunteer

pytestmark = pytest.mark.django_db
HEADER = ["序号", "姓名", "身份证号码", "手机", "社区", "技能"]
SKILLS = ["义务指路", "秩序维护、法律咨询", ""]


def roster(carol_number: str, n: int = 600) -> bytes:
    """Good rows, bad phones, repeats of earlier rows, unknown skills, a registered person."""
    rows = [HEADER, [0, "卡罗尔", carol_number, "13800000000", "新兴社区", ""]]
    numbers = []
    for i in range(n):
        number = generate_gb11643("120101", dt.date(1970, 1, 1) + dt.timedelta(days=i), 7)
        if i % 40 == 39:
            number = numbers[i // 2]
        numbers.append(number)
        phone = "123" if i % 50 == 7 else f"139{i:08d}"
        skill = "飞行" if i % 30 == 3 else SKILLS[i % 3]
        rows.append([i + 1, f"流水{i}", number, phone, "新兴社区" if i % 2 else "朝阳社区", skill])
    return xlsx(rows)


def outcome(job: ImportJob):
    people = sorted(
        (v.real_name, v.id_number_masked, v.phone_masked, v.community_id, v.status, skills)
        for v in Volunteer.objects.filter(real_name__startswith="流水")
        for skills in [tuple(sorted(v.skills.values_list("code", flat=True)))]
    )
    issues = sorted(
        ImportIssue.objects.filter(job=job).values_list("row", "kind", "column", "value", "reason")
    )
    counts = (job.status, job.processed, job.imported, job.duplicates, job.errors, job.warnings)
    return counts, people, issues


def run(actor, data: bytes, batch_size: int = 100) -> ImportJob:
    job = services.create_job(actor=actor, name="r.xlsx", data=data, consent_confirmed=True)
    services.start_job(actor=actor, job=job)
    return services.run_job(job.pk, batch_size=batch_size)


def forget(job: ImportJob) -> None:
    Volunteer.skills.through.objects.filter(volunteer__real_name__startswith="流水").delete()
    Volunteer.objects.filter(real_name__startswith="流水").delete()
    job.delete()


def test_checking_in_a_worker_process_imports_exactly_what_checking_here_does(cast, monkeypatch):
    data = roster(cast.carol.decrypted("id_number"))
    monkeypatch.setattr(services, "FORKED", False)
    here = run(cast.alice, data)
    expected = outcome(here)
    forget(here)
    forked = []
    real_ahead = pipeline.ahead

    def ahead(function, items, **kwargs):
        forked.append(kwargs["forked"] and len(items) > 1)
        return real_ahead(function, items, **kwargs)

    monkeypatch.setattr(services, "FORKED", True)
    monkeypatch.setattr(pipeline, "ahead", ahead)
    found = outcome(run(cast.alice, data))
    assert forked == [True]
    assert found == expected
    counts, people, issues = found
    assert counts == ("done", 601, 573, 16, 12, 20)
    # Each person with the skills of their own row (ids taken from the insert, not looked up).
    codes = {name: code for code, name in Skill.objects.values_list("code", "name")}
    for v in Volunteer.objects.filter(real_name__startswith="流水").prefetch_related("skills"):
        i = int(v.real_name[2:])
        words = [] if i % 30 == 3 else [w for w in SKILLS[i % 3].split("、") if w]
        assert sorted(s.code for s in v.skills.all()) == sorted(codes[w] for w in words), i
    assert {kind for _row, kind, *_ in issues} == {"error", "duplicate", "warning"}


def test_rows_are_checked_in_the_worker_process_which_makes_no_query(cast, monkeypatch):
    pids = []
    real_validate = RowValidator.validate

    def validate(self, cells):
        pids.append(os.getpid())
        return real_validate(self, cells)

    monkeypatch.setattr(RowValidator, "validate", validate)
    job = run(cast.alice, roster(cast.carol.decrypted("id_number"), 300))
    assert job.imported > 250
    assert pids == []  # every row was checked in the worker (its list is its own)

    monkeypatch.setattr(RowValidator, "validate", real_validate)
    validator = RowValidator(
        scope=job.scope, mapping={k: int(v) for k, v in job.mapping.items()}, titles=job.columns
    )
    good = generate_gb11643("120101", dt.date(1980, 1, 1), 9)
    rows = [(2, ["1", "某人", good, "13900000001", "新兴社区", "义务指路"]), (3, ["2", "某"])]
    with CaptureQueriesContext(connection) as queries:
        checked = services._check_batch(job, validator, crypto.field_cipher(), rows)
    assert (len(checked.candidates), checked.errors, len(queries)) == (1, 1, 0)


def test_a_worker_that_fails_mid_way_leaves_whole_batches_and_the_job_resumes(cast, monkeypatch):
    data = roster(cast.carol.decrypted("id_number"), 500)
    real_validate = RowValidator.validate

    def validate(self, cells):
        if cells[1] == "流水250":
            raise SystemExit("the worker stops")  # not an Exception: not a row's error
        return real_validate(self, cells)

    monkeypatch.setattr(RowValidator, "validate", validate)
    job = services.create_job(actor=cast.alice, name="r.xlsx", data=data, consent_confirmed=True)
    services.start_job(actor=cast.alice, job=job)
    with pytest.raises(pipeline.WorkerFailed, match="the worker stops"):
        services.run_job(job.pk, batch_size=100)
    job.refresh_from_db()
    # Row 253 (流水250) is in the third batch: the first two are written, nothing of the third.
    assert (job.status, job.processed) == ("failed", 200)
    written = Volunteer.objects.filter(real_name__startswith="流水").count()
    assert written == job.imported and 180 < written < 200
    assert not ImportIssue.objects.filter(job=job, row__gt=201).exists()

    monkeypatch.setattr(RowValidator, "validate", real_validate)
    services.resume_job(actor=cast.alice, job=job)
    job = services.run_job(job.pk, batch_size=100)
    counts, people, _issues = outcome(job)
    forget(job)
    monkeypatch.setattr(services, "FORKED", False)
    # The same people and counts as one run without a failure (a repeat of a row written
    # before the failure is reported against the registered person, not the row).
    fresh_counts, fresh_people, _issues = outcome(run(cast.alice, data))
    assert (counts, people) == (fresh_counts, fresh_people)


def test_a_worker_that_dies_fails_the_job_instead_of_waiting(cast, monkeypatch):
    real_validate = RowValidator.validate

    def validate(self, cells):
        if cells[1] == "流水150":
            os._exit(3)
        return real_validate(self, cells)

    monkeypatch.setattr(RowValidator, "validate", validate)
    job = services.create_job(
        actor=cast.alice,
        name="r.xlsx",
        data=roster(cast.carol.decrypted("id_number"), 300),
        consent_confirmed=True,
    )
    services.start_job(actor=cast.alice, job=job)
    with pytest.raises(pipeline.WorkerFailed, match="exit code 3"):
        services.run_job(job.pk, batch_size=100)
    job.refresh_from_db()
    assert (job.status, job.processed) == ("failed", 100)


def test_ahead_gives_every_result_in_order_and_stops_its_worker_when_closed():
    assert list(pipeline.ahead(lambda n: (n, os.getpid()), [1, 2, 3], forked=False)) == [
        (1, os.getpid()),
        (2, os.getpid()),
        (3, os.getpid()),
    ]
    results = pipeline.ahead(lambda n: (n * n, os.getpid()), list(range(50)))
    first = next(results)
    assert first[0] == 0 and first[1] != os.getpid()
    worker = first[1]
    results.close()
    # The worker is gone (killed and reaped), not left blocked on a full pipe.
    with pytest.raises(ProcessLookupError):
        os.kill(worker, 0)
    assert [n for n, _pid in pipeline.ahead(lambda n: (n * n, 0), list(range(50)))] == [
        n * n for n in range(50)
    ]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's id range after executemany")
def test_ids_not_taken_in_one_range_are_looked_up_by_volunteer_number(cast):
    from zhiyuan.spreadsheets.inserts import _sqlite_ids

    rows = [("…", cast.dave.volunteer_no), ("…", cast.carol.volunteer_no)]
    with connection.cursor() as cursor:
        ids = _sqlite_ids(cursor, Volunteer._meta.db_table, rows)
    assert ids == [cast.dave.pk, cast.carol.pk]
