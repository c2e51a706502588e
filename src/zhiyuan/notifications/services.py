"""Writing to the outbox: `notify` is called inside the caller's transaction; delivery
runs after commit as a background task, never inside the request."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks_db import DatabaseBackend

from zhiyuan.accounts.models import User
from zhiyuan.core import crypto
from zhiyuan.core.prepared import insert_compiled
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

    The channels' rows are one INSERT that skips the keys already used (core.prepared's
    `insert_compiled`): a sign-up or a check-in writes its messages inside its own transaction
    (which holds the write lock), so that is kept short. Returns the rows written.
    """
    if recipient is None:
        return []
    rows = insert_compiled(
        [
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
        ],
        unique="dedupe_key",
    )
    if rows:
        _deliver_later([row.pk for row in rows])
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
    _deliver_later([message.pk])
    return message


def _deliver_later(ids: list[int]) -> None:
    """Send the messages once the caller's transaction commits.

    With the database task backend the messages themselves are the queue: after the commit
    this process asks for one `deliver_pending` task, run a second later, which sends every
    message still pending (`_nudge`), and asks again only once that task is due. A burst of
    sign-ups thus writes one task a second per process, not one per sign-up inside each
    sign-up's transaction (on SQLite the task's INSERT held the one write lock, and was a
    third of a sign-up's time under it). A process that dies between its commit and its
    request leaves its messages to the next request of any process, and to the periodic
    `deliver_messages` job (every 5 minutes) at the latest.
    Other backends (RQ, the immediate one of the tests) get the ids after the commit.
    """
    from zhiyuan.notifications.tasks import deliver_messages

    if isinstance(deliver_messages.get_backend(), DatabaseBackend):
        # robust: the change is committed; a failed request for the task is only logged,
        # and the next one (or the periodic job) sends the messages.
        transaction.on_commit(_nudge, robust=True)
    else:
        transaction.on_commit(lambda: deliver_messages.enqueue(ids))


# When this process's last `deliver_pending` task is due (time.monotonic()); a message
# committed well before then is sent by it. The margin covers the hosts' clocks (the
# worker compares the task's `run_after` with its own) and the worker's own delay is harmless.
NUDGE_DELAY = dt.timedelta(seconds=1)
NUDGE_MARGIN = 0.25
_nudge_due = 0.0


def _nudge() -> None:
    global _nudge_due
    now = time.monotonic()
    if now < _nudge_due - NUDGE_MARGIN:
        return
    from zhiyuan.notifications.tasks import deliver_pending

    # Its own short transaction: on SQLite it then queues for the write lock with the others
    # (core/sqlite) instead of sleeping in SQLite's busy handler.
    with transaction.atomic():
        deliver_pending.using(run_after=timezone.now() + NUDGE_DELAY).enqueue()
    _nudge_due = now + NUDGE_DELAY.total_seconds()


def mark_read(*, actor: User, message_ids: Iterable[int] | None = None) -> int:
    qs = Message.objects.filter(recipient=actor, channel=Message.Channel.SITE, read_at__isnull=True)
    if message_ids is not None:
        qs = qs.filter(pk__in=list(message_ids))
    return qs.update(read_at=timezone.now())
