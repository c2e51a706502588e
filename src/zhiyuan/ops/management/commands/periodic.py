"""`zhiyuan periodic JOB`: run a periodic job unless another host already ran it this period."""

from django.core.management.base import BaseCommand

from zhiyuan.ops import periodic


class Command(BaseCommand):
    help = (
        "Run one periodic job (send_reminders and expire_certifications daily, refresh_rollups "
        "nightly, close_attendance every 5 minutes) once per period across every host: call it "
        "from a timer on each app host (deploy/systemd)."
    )

    def add_arguments(self, parser):
        parser.add_argument("job", choices=sorted(periodic.JOBS))

    def handle(self, *args, job, **options):
        claim = periodic.run(job)
        if claim is None:
            self.stdout.write(f"{job}: already run this period by another host.")
        else:
            self.stdout.write(f"{job} {claim.period}: {claim.output.strip()}")
