from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from capdev.lib.progress import ProgressBar
from capdev.monitor import capacity


class Command(BaseCommand):
    help = (
        "Rewrite every capacity-dashboard fact from the assessments' summaries. capdev keeps "
        "the facts up to date as assessments are written; run this after loading assessments "
        "straight into the database, or after moving countries between regions."
    )

    def handle(self, *args: object, **options: object) -> None:
        bar = ProgressBar(self.stderr)
        started = time.perf_counter()
        facts = capacity.rebuild_all(progress=bar)
        bar.finish(complete=True)
        self.stdout.write(
            f"{facts} dashboard facts written in {time.perf_counter() - started:.1f} s."
        )
