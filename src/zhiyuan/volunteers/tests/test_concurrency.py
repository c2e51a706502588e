"""Races on PostgreSQL: the database, not only Python, keeps IDs and numbers unique."""

import threading

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from zhiyuan.core.errors import Conflict
from zhiyuan.testing.factories import id_number
from zhiyuan.volunteers.models import Volunteer
from zhiyuan.volunteers.services import register_volunteer, volunteer_numbers

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(workers: int, work):
    """Run `work(i)` in `workers` threads released together; collect results or errors."""
    barrier = threading.Barrier(workers)
    results: list = [None] * workers

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - every outcome is asserted by the caller
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_same_id_registered_by_eight_people_at_once_is_saved_once(cast):
    def register(i):
        return register_volunteer(
            actor=AnonymousUser(),
            real_name=f"并发{i}号",
            id_type="resident_id",
            id_number=id_number(500),
            phone=f"1360000{i:04d}",
            community_id=cast.a1.pk,
            consent=True,
            password="a-long-enough-passphrase-1",
        )

    results = race(8, register)
    saved = [r for r in results if isinstance(r, Volunteer)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(saved) == 1
    assert len(refused) == 7
    assert all(r.code == "registration_refused" for r in refused)
    assert Volunteer.objects.filter(real_name__startswith="并发").count() == 1


def test_volunteer_numbers_reserved_concurrently_never_collide(db):
    results = race(8, lambda i: volunteer_numbers(25))
    numbers = [n for block in results for n in block]
    assert len(numbers) == 200
    assert len(set(numbers)) == 200
