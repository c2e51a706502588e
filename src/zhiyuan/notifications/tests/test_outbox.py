"""Writing to the outbox: one INSERT for a message's channels, a repeat writes nothing new,
and with the database task backend one delivery task after the commit serves a burst."""

import io

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from zhiyuan.notifications.models import Message
from zhiyuan.notifications.services import notify

pytestmark = pytest.mark.django_db


def tell(cast, key="signup:1", channels=None):
    return notify(
        recipient=cast.erin, kind="test", key=key, subject="你好", body="正文", channels=channels
    )


def test_a_message_on_three_channels_is_one_insert(cast, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):  # no savepoint: a repeat is no error
        rows = tell(cast)
    assert sorted(row.channel for row in rows) == ["email", "site", "sms"]
    assert all(row.pk for row in rows)


def test_a_repeat_writes_only_the_channels_still_missing(cast):
    (site,) = tell(cast, channels=["site"])
    rows = tell(cast)
    assert sorted(row.channel for row in rows) == ["email", "sms"]
    assert tell(cast) == []
    assert Message.objects.filter(recipient=cast.erin, kind="test").count() == 3
    assert Message.objects.get(dedupe_key="signup:1:site").pk == site.pk


DB_TASKS = override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})


@pytest.fixture
def fresh_nudge(monkeypatch):
    from zhiyuan.notifications import services

    monkeypatch.setattr(services, "_nudge_due", 0.0)
    return services


@DB_TASKS
def test_with_the_database_backend_one_task_after_the_commit_serves_a_burst(
    cast, fresh_nudge, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        rows = tell(cast)
        assert not DBTaskResult.objects.exists()  # nothing but the messages in the transaction
    assert {row.status for row in rows} == {Message.Status.PENDING}
    for callback in callbacks:
        callback()
    task = DBTaskResult.objects.get()
    assert task.task_path == "zhiyuan.notifications.tasks.deliver_pending"
    assert task.run_after > timezone.now()  # due a second later: the messages are committed
    # Further messages of the same process in that second need no other task.
    with django_capture_on_commit_callbacks(execute=True):
        tell(cast, key="signup:2")
        tell(cast, key="signup:3")
    assert DBTaskResult.objects.count() == 1
    # Once that task is due, the next message asks for another.
    fresh_nudge._nudge_due = 0.0
    with django_capture_on_commit_callbacks(execute=True):
        tell(cast, key="signup:4")
    assert DBTaskResult.objects.count() == 2


def test_the_pending_task_sends_every_pending_message(cast, monkeypatch):
    from zhiyuan.notifications import tasks

    monkeypatch.setattr(tasks, "BATCH", 2)  # several batches
    with DB_TASKS:
        rows = tell(cast) + tell(cast, key="signup:2")
    pending = Message.objects.filter(status=Message.Status.PENDING)
    assert pending.filter(pk__in=[r.pk for r in rows]).count() == 6
    sent = tasks.deliver_pending.call()
    assert not pending.exists()  # these six and any other
    assert sent == Message.objects.filter(status=Message.Status.SENT).count() >= 2
    assert tasks.deliver_pending.call() == 0


def test_the_periodic_job_sends_what_is_left_and_retries_the_failed(cast):
    from django.core.management import call_command

    with DB_TASKS:
        (waiting,) = tell(cast, channels=["site"])
        (failed,) = tell(cast, key="signup:2", channels=["site"])
    Message.objects.filter(pk=failed.pk).update(status=Message.Status.FAILED, attempts=1)
    out = io.StringIO()
    call_command("deliver_messages", stdout=out)
    assert "failed messages sent again" in out.getvalue()
    assert Message.objects.get(pk=waiting.pk).status == Message.Status.SENT
    assert Message.objects.get(pk=failed.pk).status == Message.Status.SENT


@DB_TASKS
def test_a_rolled_back_change_leaves_neither_messages_nor_task(
    cast, fresh_nudge, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        tell(cast)
        raise RuntimeError
    assert not Message.objects.filter(kind="test").exists()
    assert not DBTaskResult.objects.exists()


@DB_TASKS
def test_a_failed_request_for_the_task_does_not_fail_the_committed_change(
    cast, fresh_nudge, monkeypatch, django_capture_on_commit_callbacks
):
    from zhiyuan.notifications import tasks

    class Broken:
        def using(self, **kwargs):
            raise RuntimeError("the task table is unavailable")

    monkeypatch.setattr(tasks, "deliver_pending", Broken())
    with django_capture_on_commit_callbacks(execute=True):
        rows = tell(cast)
    assert {row.status for row in rows} == {Message.Status.PENDING}  # left to the next one
    assert not DBTaskResult.objects.exists()
