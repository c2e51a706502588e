"""Writing to the outbox: one INSERT for a message's channels, a repeat writes nothing new,
and with the database task backend the delivery task is written with the messages."""

import pytest
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from zhiyuan.notifications.models import Message
from zhiyuan.notifications.services import notify

pytestmark = pytest.mark.django_db


def tell(cast, key="signup:1", channels=None):
    return notify(
        recipient=cast.erin, kind="test", key=key, subject="你好", body="正文", channels=channels
    )


def test_a_message_on_three_channels_is_one_insert(cast, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):  # the savepoint, the INSERT, its release
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


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_with_the_database_backend_the_task_is_written_with_the_messages(cast):
    # The test's transaction never commits: a task enqueued after the commit would not exist.
    rows = tell(cast)
    task = DBTaskResult.objects.get()
    assert task.task_path == "zhiyuan.notifications.tasks.deliver_messages"
    assert sorted(task.args_kwargs["args"][0]) == sorted(row.pk for row in rows)


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_a_rolled_back_change_leaves_neither_messages_nor_task(cast):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        tell(cast)
        raise RuntimeError
    assert not Message.objects.filter(kind="test").exists()
    assert not DBTaskResult.objects.exists()
