"""`zhiyuan serve`: production under gunicorn, with the task worker beside it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

GUNICORN = [
    sys.executable,
    "-m",
    "gunicorn",
    "--config",
    "python:zhiyuan.config.gunicorn",
    "zhiyuan.config.wsgi:application",
]


def production_problems() -> list[str]:
    """What stops this configuration from serving the public, each with what to do."""
    problems = []
    if settings.DEBUG:
        problems.append(
            "ZHIYUAN_DEBUG is on: debug pages show settings and every URL. Unset it for production."
        )
    for name, what in [
        ("ZHIYUAN_SECRET_KEY", "signs sessions"),
        ("ZHIYUAN_FIELD_KEY", "encrypts ID numbers and phones"),
    ]:
        if not os.environ.get(name):
            problems.append(
                f"{name} is not set ({what}; every app host needs the same value). "
                "Generate one as the README's deployment section shows."
            )
    manifest = Path(settings.STATIC_ROOT or "") / "staticfiles.json"
    if not settings.DEBUG and not manifest.is_file():
        problems.append(
            f"Static files are not collected into {settings.STATIC_ROOT}: run "
            "`zhiyuan collectstatic --no-input` (make serve does) after each install or upgrade."
        )
    return problems


class Command(BaseCommand):
    help = (
        "Serve the platform in production: gunicorn configured by zhiyuan.config.gunicorn "
        "(workers from the cores, timeouts, preloading, a JSON access log) and the task "
        "worker beside it. Refuses to start in debug mode, without the secrets in the "
        "environment, or before static files are collected."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--bind", default="", help="address:port (default $ZHIYUAN_BIND)")
        parser.add_argument(
            "--workers", type=int, default=0, help="web processes (default: 2 per core + 1)"
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="web only: the task worker runs elsewhere (systemd's zhiyuan-worker unit)",
        )

    def handle(self, *args, bind, workers, no_worker, **options):
        problems = production_problems()
        if problems:
            raise CommandError("Not starting:\n- " + "\n- ".join(problems))
        call_command("check", deploy=True, fail_level="ERROR")
        env = dict(os.environ)
        if bind:
            env["ZHIYUAN_BIND"] = bind
        if workers:
            env["ZHIYUAN_WEB_WORKERS"] = str(workers)
        if no_worker:
            # Replace this process: systemd and signals (HUP: new workers) reach gunicorn itself.
            os.execve(sys.executable, GUNICORN, env)  # noqa: S606
        self._supervise(
            [
                subprocess.Popen(GUNICORN, env=env),  # noqa: S603
                subprocess.Popen([sys.executable, "-m", "zhiyuan", "worker"], env=env),  # noqa: S603
            ]
        )

    def _supervise(self, children: list[subprocess.Popen]) -> None:
        """Pass signals on; when either child stops, stop the other and exit with its code."""

        def forward(signum, _frame):
            for child in children:
                if signum != signal.SIGHUP or child is children[0]:
                    child.send_signal(signum)

        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(signum, forward)
        pid, status = os.wait()
        for child in children:
            if child.pid != pid and child.poll() is None:
                child.terminate()
                child.wait(timeout=60)
        code = os.waitstatus_to_exitcode(status)
        if code:
            raise SystemExit(code)
