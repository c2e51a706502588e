"""Big files in batches: 5,000 rows, a kill in the middle batch, resuming, gap-free numbers."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import transaction

from zhiyuan.core.models import Counter
from zhiyuan.spreadsheets import services
from zhiyuan.spreadsheets.models import ImportIssue, ImportJob
from zhiyuan.testing.factories import xlsx
from zhiyuan.volunteers.idcard import generate_gb11643
from zhiyuan.volunteers.models import Volunteer

pytestmark = pytest.mark.django_db
HEADER = ["序号", "姓名", "身份证号码", "手机", "社区", "技能"]


def big_roster(n: int, *, bad_every: int = 0) -> bytes:
    rows = [HEADER]
    for i in range(n):
        birth = dt.date(1960, 1, 1) + dt.timedelta(days=i // 900)
        number = generate_gb11643("120101", birth, i % 900 + 1)
        phone = f"139{i:08d}"
        if bad_every and i % bad_every == 0:
            phone = "123"
        rows.append(
            [i + 1, f"志愿者{i}", number, phone, "新兴社区" if i % 2 else "朝阳社区", "义务指路"]
        )
    return xlsx(rows)


def numbers_are_gap_free() -> bool:
    numbers = sorted(int(no[2:]) for no in Volunteer.objects.values_list("volunteer_no", flat=True))
    return (
        numbers == list(range(1, len(numbers) + 1))
        and numbers[-1] == Counter.objects.get(name="volunteer_no").value
    )


def test_a_5000_row_file_imports_every_good_row(cast):
    job = services.create_job(
        actor=cast.alice,
        name="big.xlsx",
        data=big_roster(5000, bad_every=100),
        consent_confirmed=True,
    )
    services.start_job(actor=cast.alice, job=job)
    job = services.run_job(job.pk, batch_size=1000)
    assert (job.total, job.imported, job.errors, job.duplicates) == (5000, 4950, 50, 0)
    assert Volunteer.objects.filter(real_name__startswith="志愿者").count() == 4950
    assert Volunteer.skills.through.objects.filter(skill__code="guide").count() >= 4950
    assert numbers_are_gap_free()


def test_a_kill_mid_way_leaves_whole_batches_and_the_rerun_finishes_the_job(cast, monkeypatch):
    job = services.create_job(
        actor=cast.alice,
        name="big.xlsx",
        data=big_roster(1000, bad_every=50),
        consent_confirmed=True,
    )
    services.start_job(actor=cast.alice, job=job)
    real_insert = services._insert_batch
    calls = []

    def dies_in_the_third_batch(job, start, count, prepared):
        calls.append(start)
        if len(calls) == 3:
            # The batch is written when the process dies before the commit.
            with transaction.atomic():
                real_insert(job, start, count, prepared)
                raise SystemError("killed")
        return real_insert(job, start, count, prepared)

    monkeypatch.setattr(services, "_insert_batch", dies_in_the_third_batch)
    with pytest.raises(SystemError):
        services.run_job(job.pk, batch_size=200)
    job.refresh_from_db()
    assert (job.status, job.processed) == ("failed", 400)
    assert (job.imported, job.errors) == (392, 8)
    assert Volunteer.objects.filter(real_name__startswith="志愿者").count() == 392
    assert ImportIssue.objects.filter(job=job).count() == 8
    assert numbers_are_gap_free()

    monkeypatch.setattr(services, "_insert_batch", real_insert)
    services.resume_job(actor=cast.alice, job=job)
    job = services.run_job(job.pk, batch_size=200)
    assert (job.status, job.processed, job.imported, job.errors, job.duplicates) == (
        "done",
        1000,
        980,
        20,
        0,
    )
    assert Volunteer.objects.filter(real_name__startswith="志愿者").count() == 980
    assert ImportIssue.objects.filter(job=job).count() == 20
    assert numbers_are_gap_free()


def test_a_new_job_on_a_half_imported_file_skips_what_is_there(cast, monkeypatch):
    data = big_roster(600)
    first = services.create_job(actor=cast.alice, name="r.xlsx", data=data, consent_confirmed=True)
    services.start_job(actor=cast.alice, job=first)
    real_insert = services._insert_batch

    def dies_second(job, start, *args):
        if start >= 200:
            raise SystemError("killed")
        return real_insert(job, start, *args)

    monkeypatch.setattr(services, "_insert_batch", dies_second)
    with pytest.raises(SystemError):
        services.run_job(first.pk, batch_size=200)
    monkeypatch.setattr(services, "_insert_batch", real_insert)
    second = services.create_job(actor=cast.alice, name="r.xlsx", data=data, consent_confirmed=True)
    services.start_job(actor=cast.alice, job=second)
    second = services.run_job(second.pk, batch_size=200)
    assert (second.imported, second.duplicates) == (400, 200)
    assert Volunteer.objects.filter(real_name__startswith="志愿者").count() == 600
    assert numbers_are_gap_free()


def test_a_second_runner_of_the_same_job_writes_nothing(cast, monkeypatch):
    job = services.create_job(
        actor=cast.alice, name="r.xlsx", data=big_roster(10), consent_confirmed=True
    )
    services.start_job(actor=cast.alice, job=job)
    real_prepare = services._prepare_batch

    def overtaken(job, *args):
        prepared = real_prepare(job, *args)
        # Meanwhile another worker committed this batch.
        ImportJob.objects.filter(pk=job.pk).update(processed=10)
        return prepared

    monkeypatch.setattr(services, "_prepare_batch", overtaken)
    with pytest.raises(services.JobBusy):
        services.run_job(job.pk)
    assert not Volunteer.objects.filter(real_name__startswith="志愿者").exists()


def test_command_line_import_prints_a_summary_and_writes_the_report(cast, tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(
        xlsx(
            [
                ["姓名", "身份证号", "手机号"],
                ["命令甲", generate_gb11643("120101", dt.date(1970, 1, 1), 11), "13900000001"],
                ["命令乙", "123", "13900000002"],
            ]
        )
    )
    out = io.StringIO()
    call_command(
        "import",
        "volunteers",
        str(path),
        "--community-default",
        cast.a2.code,
        "--as",
        "bob",
        stdout=out,
    )
    text = out.getvalue()
    assert "2 rows, 1 imported, 0 duplicates skipped, 1 rows with errors" in text
    assert (tmp_path / "roster-errors.xlsx").exists()
    assert Volunteer.objects.get(real_name="命令甲").community == cast.a2
    job = ImportJob.objects.get()
    assert job.created_by == cast.bob and job.scope == cast.sub_a


def test_shared_values_are_written_into_the_statement_only_when_safe():
    from zhiyuan.spreadsheets.inserts import _sqlite_literal

    assert _sqlite_literal(3) == "3"
    assert _sqlite_literal(None) == "NULL"
    assert _sqlite_literal("王'五") == "'王''五'"
    # Bound instead: a "%" would turn into a placeholder, a NUL ends SQLite's text.
    assert _sqlite_literal("100%s") is None
    assert _sqlite_literal("a\x00b") is None
    assert _sqlite_literal(1.5) is None
