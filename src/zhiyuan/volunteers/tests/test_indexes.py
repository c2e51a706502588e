"""The volunteer table's indexes: each one serves a query or a constraint (an import writes
tens of thousands of rows, and every index costs each of them)."""

import pytest
from django.db import IntegrityError, connection, transaction

from zhiyuan.volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


def _indexed_columns() -> list[tuple[str, ...]]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, Volunteer._meta.db_table)
    return sorted(
        tuple(c["columns"])
        for c in found.values()
        if (c["index"] or c["unique"]) and not c["primary_key"]
    )


def test_the_volunteer_table_has_one_index_per_query_need_and_no_like_copies():
    # PostgreSQL names an index for LIKE "..._like" (varchar_pattern_ops): only the volunteer
    # number keeps one, for the roster's number search (`volunteer_no__startswith`).
    with connection.cursor() as cursor:
        names = connection.introspection.get_constraints(cursor, Volunteer._meta.db_table)
    like = sorted(name for name in names if name.endswith("_like"))
    assert like == ([n for n in like if "volunteer_no" in n] if like else [])
    assert len(like) == (1 if connection.vendor == "postgresql" else 0)
    columns = [c for c in _indexed_columns() if "volunteer_no" not in c or len(c) > 1]
    assert sorted(set(columns)) == sorted(
        {
            ("community_id", "status"),
            ("created_at",),
            ("id_number_index",),
            ("national_no",),
            ("reviewed_by_id",),
            ("status", "id"),
            ("user_id",),
        }
    )


def test_an_id_number_and_a_national_number_are_still_one_persons(cast):
    carol, dave = cast.carol, cast.dave
    with pytest.raises(IntegrityError), transaction.atomic():
        Volunteer.objects.filter(pk=dave.pk).update(id_number_index=carol.id_number_index)
    Volunteer.objects.filter(pk=carol.pk).update(national_no="N1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Volunteer.objects.filter(pk=dave.pk).update(national_no="N1")
