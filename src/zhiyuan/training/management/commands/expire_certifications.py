"""`zhiyuan expire_certifications`: take expired certified skills away (run daily, e.g. by cron)."""

from django.core.management.base import BaseCommand

from zhiyuan.training.services import expire_certifications


class Command(BaseCommand):
    help = (
        "Mark certifications past their last valid day as lapsed and remove the skill from "
        "volunteers with no other valid certification of it (safe to repeat)."
    )

    def handle(self, *args, **options):
        lapsed, removed = expire_certifications()
        self.stdout.write(f"{lapsed} certifications lapsed, {removed} skills removed.")
