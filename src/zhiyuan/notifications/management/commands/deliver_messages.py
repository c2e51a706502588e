"""`zhiyuan deliver_messages`: send the messages still pending and retry the failed ones
(run every 5 minutes as a periodic job; safe to repeat)."""

from django.core.management.base import BaseCommand

from zhiyuan.notifications.tasks import deliver_pending, retry_failed


class Command(BaseCommand):
    help = (
        "Send every message still waiting to be sent and retry the failed ones (a safety net: "
        "the worker sends them a second after they are written)."
    )

    def handle(self, *args, **options):
        sent = deliver_pending.call()
        retried = retry_failed.call()
        self.stdout.write(f"{sent} pending messages sent, {retried} failed messages sent again.")
