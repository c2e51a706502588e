"""The worker's delivery task sends each queued message once."""

import pytest

from zhiyuan.notifications.models import Message
from zhiyuan.notifications.services import notify
from zhiyuan.notifications.tasks import deliver_messages

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_worker_marks_a_site_message_sent(cast):
    (message,) = notify(
        recipient=cast.erin, kind="test", key="one", subject="Hi", body="Hello", channels=["site"]
    )
    Message.objects.filter(pk=message.pk).update(status=Message.Status.PENDING)
    # Locks the message row only: on PostgreSQL, FOR UPDATE may not reach the nullable
    # recipient joined in beside it (a message to a bare phone has none).
    assert deliver_messages.call([message.pk]) == 1
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
