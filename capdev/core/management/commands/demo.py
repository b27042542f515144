from __future__ import annotations

import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from capdev.core import demo
from capdev.core.management.commands.seed import print_logins


class Command(BaseCommand):
    help = (
        "Try capdev: create and migrate the database, seed the small synthetic demo dataset "
        "when it holds no organisations yet, print the demo log-ins and serve on "
        "http://127.0.0.1:8000 (or --port). Runs with DEBUG on unless DEBUG is set."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--no-serve", action="store_true", help="prepare the data, do not serve"
        )

    def handle(self, *args: object, port: int, no_serve: bool, **options: object) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        if demo.database_is_empty():
            result = demo.seed(scale="small", with_users=settings.DEBUG)
            self.stdout.write(
                f"Seeded {result.organisations} organisations, {result.offices} offices, "
                f"{result.assessments} assessments and {result.needs} needs "
                "(synthetic demo data)."
            )
            self.stdout.write(
                f"Plans and delivery: {result.plans} plans, {result.activities} activities with "
                f"{result.participants} participants."
            )
        print_logins(self.stdout, demo.demo_logins())
        if no_serve:
            return
        self.stdout.write(f"capdev is at http://127.0.0.1:{port}/  (Ctrl+C stops it)")
        # Background jobs (large participant imports) run in a worker beside the server.
        worker = subprocess.Popen([sys.executable, "-m", "capdev", "db_worker"])
        try:
            call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)
        finally:
            worker.terminate()
            worker.wait(timeout=10)
