"""Background delivery of outbox messages (Django's task framework API, django-tasks)."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from zhiyuan.notifications import channels, services
from zhiyuan.notifications.models import Message

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


@task()
def deliver_messages(message_ids: list[int]) -> int:
    """Send each pending message once; a row lock keeps two workers from sending it twice."""
    sent = 0
    for message_id in message_ids:
        with transaction.atomic():
            message = (
                Message.objects.select_for_update(of=("self",))
                .select_related("recipient")
                .filter(pk=message_id, status__in=[Message.Status.PENDING, Message.Status.FAILED])
                .first()
            )
            if message is None or message.attempts >= MAX_ATTEMPTS:
                continue
            message.attempts += 1
            try:
                channels.deliver(message, phone_for=services.phone_for)
            except channels.NoAddress:
                message.status = Message.Status.SKIPPED
            except Exception as exc:  # noqa: BLE001 - a failed send is recorded and retried
                logger.warning("message %s failed: %s", message.pk, exc)
                message.status = Message.Status.FAILED
                message.error = str(exc)[:300]
            else:
                message.status = Message.Status.SENT
                message.sent_at = timezone.now()
                sent += 1
            message.save(update_fields=["status", "attempts", "error", "sent_at"])
    return sent


BATCH = 500


@task()
def deliver_pending() -> int:
    """Send every message still pending, oldest first (the database backend's one task for
    a burst of messages, see services._deliver_later); a message another worker is sending
    at the same time is skipped by deliver_messages' lock and status check."""
    sent, after = 0, 0
    while True:
        ids = list(
            Message.objects.filter(status=Message.Status.PENDING, pk__gt=after)
            .order_by("pk")
            .values_list("pk", flat=True)[:BATCH]
        )
        if not ids:
            return sent
        sent += deliver_messages.call(ids)
        after = ids[-1]


@task()
def retry_failed() -> int:
    ids = list(
        Message.objects.filter(status=Message.Status.FAILED, attempts__lt=MAX_ATTEMPTS).values_list(
            "pk", flat=True
        )[:1000]
    )
    return deliver_messages.call(ids) if ids else 0
