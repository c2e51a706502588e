"""`zhiyuan send_reminders`: remind volunteers of tomorrow's shifts (run daily, e.g. by cron)."""

from django.core.management.base import BaseCommand

from zhiyuan.projects.signups import send_reminders


class Command(BaseCommand):
    help = "Queue reminders for every confirmed shift that starts tomorrow (safe to repeat)."

    def handle(self, *args, **options):
        count = send_reminders()
        self.stdout.write(f"{count} reminders queued.")
