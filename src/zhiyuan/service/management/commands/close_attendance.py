"""`zhiyuan close_attendance`: check out, at their shift's end, volunteers who forgot to
(run every few minutes, e.g. by cron; safe to repeat)."""

from django.core.management.base import BaseCommand

from zhiyuan.service.checkin import close_stale


class Command(BaseCommand):
    help = "Check out anyone still checked in after their shift's end plus 30 minutes, flagged."

    def handle(self, *args, **options):
        self.stdout.write(f"{close_stale()} attendances closed.")
