"""`zhiyuan worker`: run background tasks with the worker of the configured task backend."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Run background work (notifications, imports, matching, reports) until stopped: "
        "django-tasks-db's db_worker on the database backend, an RQ worker on Redis "
        "(ZHIYUAN_TASKS_BACKEND=rq). Run one or more on any host."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--burst", action="store_true", help="stop once the queue is empty (for tests)"
        )

    def handle(self, *args, burst, **options):
        verbosity = options["verbosity"]
        if settings.TASKS["default"]["BACKEND"] == settings.TASKS_BACKENDS["rq"]:
            call_command(
                "rqworker",
                "default",
                job_class="django_tasks_rq.Job",
                with_scheduler=True,
                burst=burst,
                verbosity=verbosity,
            )
        else:
            call_command("db_worker", batch=burst, reload=False, verbosity=verbosity)
