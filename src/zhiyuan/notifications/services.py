"""Writing to the outbox: `notify` is called inside the caller's transaction; delivery
runs after commit as a background task, never inside the request."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks_db import DatabaseBackend

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
    """Queue a message to `recipient` on each channel; `key` makes a repeat a no-op.

    The first time, the channels' rows are one INSERT: a sign-up or a check-in writes its
    messages inside its own transaction (which holds the write lock), so that is kept short.
    A key already used makes that INSERT fail inside a savepoint, and each channel is then
    written on its own, as it was before.
    """
    if recipient is None:
        return []
    rows = [
        Message(
            recipient=recipient,
            channel=channel,
            kind=kind,
            subject=str(subject)[:200],
            body=str(body),
            link=link[:300],
            dedupe_key=f"{key}:{channel}"[:120],
        )
        for channel in channels or settings.NOTIFICATION_CHANNELS
    ]
    try:
        with transaction.atomic():
            Message.objects.bulk_create(rows)
    except IntegrityError:  # a repeat: only the channels without their message yet
        rows = [row for row in rows if _created(row)]
    if rows:
        _deliver_later([row.pk for row in rows])
    return rows


def _created(row: Message) -> bool:
    """Write `row` unless its dedupe key is taken; whether it was written."""
    fields = ("recipient", "channel", "kind", "subject", "body", "link")
    message, created = Message.objects.get_or_create(
        dedupe_key=row.dedupe_key, defaults={name: getattr(row, name) for name in fields}
    )
    row.pk = message.pk
    return created


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
    _deliver_later([message.pk])
    return message


def _deliver_later(ids: list[int]) -> None:
    """Send the messages once the caller's transaction commits.

    With the database task backend the task is a row in the same database: it is written in
    the caller's transaction (the worker sees it only when it commits, and never if it rolls
    back), so a sign-up is one write transaction, not a second one for the task after it
    (on SQLite, where writers queue for one lock, that was a second wait for the lock).
    Other backends (RQ, the immediate one of the tests) are called after the commit.
    """
    from zhiyuan.notifications.tasks import deliver_messages

    if isinstance(deliver_messages.get_backend(), DatabaseBackend):
        deliver_messages.enqueue(ids)
    else:
        transaction.on_commit(lambda: deliver_messages.enqueue(ids))


def mark_read(*, actor: User, message_ids: Iterable[int] | None = None) -> int:
    qs = Message.objects.filter(recipient=actor, channel=Message.Channel.SITE, read_at__isnull=True)
    if message_ids is not None:
        qs = qs.filter(pk__in=list(message_ids))
    return qs.update(read_at=timezone.now())
