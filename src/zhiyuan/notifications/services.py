"""Writing to the outbox: `notify` is called inside the caller's transaction; delivery
runs after commit as a background task, never inside the request."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from zhiyuan.accounts.models import User
from zhiyuan.core import crypto
from zhiyuan.notifications.models import Message

# The volunteers app tells us how to find a user's mobile number (stored encrypted there).
_phone_lookup: Callable[[object], str | None] = lambda user: None  # noqa: E731


def set_phone_lookup(lookup: Callable[[object], str | None]) -> None:
    global _phone_lookup
    _phone_lookup = lookup


def phone_for(user) -> str | None:
    return _phone_lookup(user)


def notify(
    *,
    recipient,
    kind: str,
    key: str,
    subject: str,
    body: str,
    link: str = "",
    channels: Iterable[str] | None = None,
) -> list[Message]:
    """Queue a message to `recipient` on each channel; `key` makes a repeat a no-op."""
    if recipient is None:
        return []
    rows = []
    for channel in channels or settings.NOTIFICATION_CHANNELS:
        message, created = Message.objects.get_or_create(
            dedupe_key=f"{key}:{channel}"[:120],
            defaults={
                "recipient": recipient,
                "channel": channel,
                "kind": kind,
                "subject": str(subject)[:200],
                "body": str(body),
                "link": link[:300],
            },
        )
        if created:
            rows.append(message)
    if rows:
        ids = [row.pk for row in rows]
        transaction.on_commit(lambda: _enqueue(ids))
    return rows


def text_phone(*, phone: str, kind: str, key: str, subject: str, body: str) -> Message | None:
    """Queue an SMS to a mobile number with no account behind it (a roster volunteer who
    never signs in); the number is stored encrypted. `key` makes a repeat a no-op."""
    if not phone:
        return None
    message, created = Message.objects.get_or_create(
        dedupe_key=f"{key}:{Message.Channel.SMS}"[:120],
        defaults={
            "phone_encrypted": crypto.encrypt(phone),
            "channel": Message.Channel.SMS,
            "kind": kind,
            "subject": str(subject)[:200],
            "body": str(body),
        },
    )
    if not created:
        return None
    transaction.on_commit(lambda: _enqueue([message.pk]))
    return message


def _enqueue(ids: list[int]) -> None:
    from zhiyuan.notifications.tasks import deliver_messages

    deliver_messages.enqueue(ids)


def mark_read(*, actor: User, message_ids: Iterable[int] | None = None) -> int:
    qs = Message.objects.filter(recipient=actor, channel=Message.Channel.SITE, read_at__isnull=True)
    if message_ids is not None:
        qs = qs.filter(pk__in=list(message_ids))
    return qs.update(read_at=timezone.now())
