"""Querysets compiled once (core.prepared): the same rows as the queryset, one compilation per
connection, and the ORM itself whenever the compiled statement would not fit."""

import datetime as dt
from unittest import mock

import pytest

from zhiyuan.core.prepared import Computed, Prepared, insert_compiled
from zhiyuan.projects.models import Shift, SignUp
from zhiyuan.testing.queries import compiled_selects
from zhiyuan.volunteers.models import Skill

pytestmark = pytest.mark.django_db


@pytest.fixture
def compilations():
    """How many SELECTs Django compiles while the test runs."""
    with compiled_selects() as calls:
        yield calls


def test_model_rows_with_their_related_objects_as_the_queryset_gives_them(plan, compilations):
    shift = Prepared(
        lambda pk: Shift.objects.select_related("activity__project", "activity__station").filter(
            pk=pk
        )[:1]
    )
    for pk in (plan.guide.pk, plan.guide.pk, 10**9):
        expected = list(
            Shift.objects.select_related("activity__project", "activity__station").filter(pk=pk)[:1]
        )
        found = shift.rows(pk)
        assert found == expected
        for got, want in zip(found, expected, strict=True):
            assert got.activity.project.name == want.activity.project.name
            assert got.activity.station == want.activity.station
            assert got.starts_at == want.starts_at
            assert got._state.adding is False


def test_values_and_datetimes_take_each_calls_arguments(plan, client_for):
    client_for(plan.gina.user).post(f"/api/v1/shifts/{plan.guide.pk}/signups")
    starts = Prepared(
        lambda volunteer_id, before: SignUp.objects.filter(
            volunteer_id=volunteer_id, starts_at__lt=before
        ).values_list("shift_id", "starts_at")
    )
    later = plan.guide.starts_at + dt.timedelta(minutes=1)
    assert starts.rows(plan.gina.pk, later) == [(plan.guide.pk, plan.guide.starts_at)]
    assert starts.rows(plan.gina.pk, plan.guide.starts_at) == []
    assert starts.rows(plan.gina.pk + 1000, later) == []


def test_a_shape_compiles_once_per_connection(plan, compilations):
    shift = Prepared(lambda pk: Shift.objects.select_related("activity").filter(pk=pk)[:1])
    shift.rows(plan.guide.pk)
    first = len(compilations)
    for _ in range(5):
        assert shift.first(plan.guide.pk).activity_id == plan.guide.activity_id
    assert len(compilations) == first  # the probe's and the real arguments' check, then none


def test_an_argument_the_orm_rewrites_leaves_the_orm_in_charge(compilations):
    Skill.objects.create(code="zzq-aid", name="测试甲")
    Skill.objects.create(code="zzq-sign", name="测试乙")
    contains = Prepared(
        lambda text: Skill.objects.filter(code__contains=text).order_by("code").values_list("name")
    )
    assert contains.rows("zzq-a") == [("测试甲",)]
    assert contains.rows("zzq-s") == [("测试乙",)]
    before = len(compilations)
    assert contains.rows("zzq") == [("测试甲",), ("测试乙",)]
    assert len(compilations) == before + 1  # compiled by the ORM, as every time


def test_other_argument_types_are_built_as_usual(plan):
    shift = Prepared(lambda pk: Shift.objects.filter(pk=pk).values_list("pk", flat=True))
    assert shift.rows(plan.guide.pk) == [plan.guide.pk]
    assert shift.rows(str(plan.guide.pk)) == [plan.guide.pk]  # the ORM converts it
    assert shift.rows(plan.guide.pk + 1000) == []


@pytest.mark.django_db(transaction=True)
def test_remembered_rows_are_read_again_once_their_table_is_written():
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    skill = Skill.objects.create(code="zzq-remembered", name="测试丙")
    by_code = Prepared(lambda code: Skill.objects.filter(code=code)[:1], remember=True)
    with CaptureQueriesContext(connection) as read:
        assert by_code.first("zzq-remembered").name == "测试丙"
        first = by_code.first("zzq-remembered")
        first.name = "changed in memory only"
        assert by_code.first("zzq-remembered").name == "测试丙"  # a new object each time
    assert len(read) == 1
    Skill.objects.filter(pk=skill.pk).update(name="测试丁")
    with CaptureQueriesContext(connection) as read:
        assert by_code.first("zzq-remembered").name == "测试丁"
    assert len(read) == 1
    assert by_code.first("zzq-nothing") is None
    with transaction.atomic(), CaptureQueriesContext(connection) as read:
        assert by_code.first("zzq-remembered").name == "测试丁"  # read, not kept, in a transaction
    assert len(read) == 1


@pytest.mark.django_db(transaction=True)
def test_remembered_objects_are_each_callers_own_down_to_their_related_objects(plan):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    shift = plan.guide
    with_activity = Prepared(
        lambda pk: Shift.objects.select_related("activity__project").filter(pk=pk)[:1],
        remember=True,
    )
    with CaptureQueriesContext(connection) as read:
        first = with_activity.first(shift.pk)
        first.activity.title = "changed in memory only"
        first.activity.project.name = "changed too"
        with mock.patch.object(Shift, "from_db", side_effect=AssertionError("built again")):
            second = with_activity.first(shift.pk)  # copied, not built from the rows again
    assert len(read) == 1
    assert second.activity.title == shift.activity.title
    assert second.activity.project.name == shift.activity.project.name
    assert second.activity is not first.activity
    assert second == shift and second.activity.project == shift.activity.project


def test_a_lock_outside_a_transaction_is_refused_as_django_refuses_it(plan):
    from django.db import transaction
    from django.db.transaction import TransactionManagementError

    locked = Prepared(lambda pk: Shift.objects.select_for_update().filter(pk=pk)[:1])
    with transaction.atomic():
        assert locked.first(plan.guide.pk) == plan.guide
    # pytest-django's test transaction is not the autocommit Django refuses in: leave it.
    connection = transaction.get_connection()
    with (
        mock.patch.object(connection, "get_autocommit", return_value=True),
        pytest.raises(TransactionManagementError),
    ):
        locked.first(plan.guide.pk)


# ---------------------------------------------------------------- compiled inserts


def _signup(plan, volunteer, state=SignUp.State.CONFIRMED):
    return SignUp(
        shift=plan.guide,
        volunteer=volunteer,
        state=state,
        starts_at=plan.guide.starts_at,
        ends_at=plan.guide.ends_at,
    )


def test_a_compiled_insert_writes_what_create_writes(plan):
    from django.forms.models import model_to_dict

    (mine,) = insert_compiled([_signup(plan, plan.gina)])
    assert mine.pk and mine._state.adding is False and mine.created_at is not None
    theirs = SignUp.objects.create(
        shift=plan.guide,
        volunteer=plan.carol,
        state=SignUp.State.CONFIRMED,
        starts_at=plan.guide.starts_at,
        ends_at=plan.guide.ends_at,
    )
    read, other = SignUp.objects.get(pk=mine.pk), SignUp.objects.get(pk=theirs.pk)
    skip = {"id", "volunteer"}
    assert {k: v for k, v in model_to_dict(read).items() if k not in skip} == {
        k: v for k, v in model_to_dict(other).items() if k not in skip
    }
    assert read.starts_at == plan.guide.starts_at and read.created_at == mine.created_at


def test_a_taken_value_raises_as_create_would(plan):
    from django.db import IntegrityError, transaction

    insert_compiled([_signup(plan, plan.gina)])
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_compiled([_signup(plan, plan.gina)])  # one holding sign-up a shift


def test_with_unique_the_rows_already_there_are_skipped_not_refused(cast):
    from zhiyuan.notifications.models import Message

    def message(key):
        return Message(
            recipient=cast.erin, channel="site", kind="t", subject="s", body="b", dedupe_key=key
        )

    first = insert_compiled([message("a"), message("b")], unique="dedupe_key")
    again = insert_compiled([message("b"), message("c")], unique="dedupe_key")
    assert [m.dedupe_key for m in first] == ["a", "b"]
    assert [m.dedupe_key for m in again] == ["c"]
    assert Message.objects.filter(dedupe_key__in="abc").count() == 3
    assert Message.objects.get(dedupe_key="b").pk == first[1].pk


def test_a_field_that_converts_its_value_is_not_given_the_raw_value(plan):
    """Only exact plain field classes skip get_db_prep_save (a subclass may encrypt)."""
    from zhiyuan.core.prepared import _PLAIN_FIELDS, _plan

    plain = {field.name: is_plain for field, _a, is_plain, _s in _plan(SignUp)}
    assert plain["state"] and plain["shift"] and plain["note"]
    assert not plain["starts_at"] and not plain["created_at"]
    from django.db import models

    class Sealed(models.CharField):  # as an encrypting field would be
        pass

    assert Sealed not in _PLAIN_FIELDS and models.CharField in _PLAIN_FIELDS


def test_a_computed_value_is_written_by_the_database_and_read_back(plan):
    from django.db import connection

    quote = connection.ops.quote_name
    taken = Computed(
        f"SELECT CASE WHEN COUNT(*) < %s THEN %s ELSE %s END FROM {quote('projects_signup')} "  # noqa: S608
        f"WHERE {quote('shift_id')} = %s",
        (1, "confirmed", "waitlisted", plan.guide.pk),
    )
    (first,) = insert_compiled([_signup(plan, plan.gina, state=taken)])
    (second,) = insert_compiled([_signup(plan, plan.dave, state=taken)])
    assert (first.state, second.state) == ("confirmed", "waitlisted")
    assert SignUp.objects.get(pk=second.pk).state == "waitlisted"
    with pytest.raises(ValueError):
        insert_compiled([_signup(plan, plan.gina, state=taken), _signup(plan, plan.dave)])
