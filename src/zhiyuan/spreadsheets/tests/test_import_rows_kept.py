"""The rows the upload check read are kept (encrypted) for the later steps: the column check,
the value step and the import do not read the workbook again."""

from __future__ import annotations

import pytest

from zhiyuan.core import crypto
from zhiyuan.spreadsheets import reading, services, stored, value_step
from zhiyuan.spreadsheets.tests.test_import_sheets import HEADER, months, person, upload
from zhiyuan.testing.factories import xlsx
from zhiyuan.volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


def roster() -> bytes:
    return xlsx(
        [
            ["2026年花名册"],
            HEADER,
            person(70, "丙一"),
            person(71, "丙二", phone="1390"),
            person(72, "丙三"),
        ]
    )


@pytest.fixture
def no_more_reading(monkeypatch):
    """After the upload check, any read of the workbook fails the test."""

    def refuse():
        def read(*args, **kwargs):
            raise AssertionError("the workbook was read again")

        monkeypatch.setattr(reading, "raw_rows", read)
        monkeypatch.setattr(reading, "open_book", read)

    return refuse


def test_the_import_runs_from_the_rows_the_upload_check_read(cast, no_more_reading):
    job = upload(cast.alice, "花名册.xlsx", roster())
    no_more_reading()
    assert [cells[0] for cells in stored.preview(job)] == ["丙一", "丙二", "丙三"]
    assert [number for number, _cells in value_step.rows_of(job)] == [3, 4, 5]
    services.start_job(actor=cast.alice, job=job)
    job = services.run_job(job.pk)
    assert (job.total, job.imported, job.errors) == (3, 2, 1)
    assert job.issues.get().row == 4
    assert set(
        Volunteer.objects.filter(real_name__startswith="丙").values_list("real_name", flat=True)
    ) == {"丙一", "丙三"}


def test_a_new_header_row_is_found_in_the_kept_rows(cast, no_more_reading):
    job = upload(cast.alice, "花名册.xlsx", roster())
    no_more_reading()
    job = services.set_mapping(actor=cast.alice, job=job, mapping={}, header_row=3)
    assert (job.columns[0], job.total) == ("丙一", 2)


def test_a_chosen_sheet_is_kept_in_place_of_the_first(cast, no_more_reading):
    job = upload(cast.alice, "月报.xlsx", months())
    job = services.choose_sheet(actor=cast.alice, job=job, sheet="二月")
    no_more_reading()
    services.start_job(actor=cast.alice, job=job)
    job = services.run_job(job.pk)
    assert (job.imported, job.errors) == (1, 1)
    assert Volunteer.objects.filter(real_name__in=["甲一", "甲二", "乙一"]).count() == 1


def test_the_kept_rows_are_encrypted_like_the_file(cast):
    job = upload(cast.alice, "花名册.xlsx", roster())
    with job.parsed.open("rb") as handle:
        token = handle.read()
    assert token.startswith(f"{crypto.field_cipher().scheme}.".encode())
    assert stored.sheet_rows(job)[2][1] == person(70, "丙一")[1]


def test_a_job_uploaded_before_rows_were_kept_reads_its_file(cast):
    job = upload(cast.alice, "花名册.xlsx", roster())
    job.parsed.delete(save=True)
    services.start_job(actor=cast.alice, job=job)
    job = services.run_job(job.pk)
    assert (job.total, job.imported, job.errors) == (3, 2, 1)


@pytest.mark.parametrize(
    ("odd_row", "total"),
    [
        (["  ", " "], 2),  # spaces only: a blank row to the import
        ([0], 3),  # the number 0 alone: a row with a value ("0"), reported as an error
    ],
)
def test_the_upload_counts_the_rows_the_import_reads(cast, odd_row, total):
    # The upload's count ("n rows") is the import's, so its progress ends at n of n.
    data = xlsx([HEADER, person(80, "丁一"), odd_row, person(81, "丁二")])
    job = upload(cast.alice, "花名册.xlsx", data)
    assert job.total == total
    services.start_job(actor=cast.alice, job=job)
    job = services.run_job(job.pk)
    assert (job.processed, job.total, job.imported, job.errors) == (total, total, 2, total - 2)
