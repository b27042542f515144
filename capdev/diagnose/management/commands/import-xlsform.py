from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from capdev.diagnose import services
from capdev.diagnose.xlsform import XLSFormInvalid


class Command(BaseCommand):
    help = (
        "Import an XLSForm workbook (docs/instruments.md) as a version of the instrument its "
        "form_id names. A new form_id creates the instrument; a known one replaces its draft, "
        "or starts a new draft when the latest version is published; a workbook identical to "
        "the latest version changes nothing. An invalid workbook imports nothing: every "
        "problem is printed with its sheet, row and column, and the command exits non-zero."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the .xlsx workbook")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="publish the version (assessments may then use it; it never changes again)",
        )
        parser.add_argument(
            "--builtin",
            action="store_true",
            help="mark the instrument as one of capdev's built-in instruments",
        )

    def handle(
        self, *args: object, file: str, publish: bool, builtin: bool, **options: object
    ) -> None:
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror or error}") from None
        try:
            result = services.instrument_import(
                user=None, data=data, source_name=path.name, publish=publish, builtin=builtin
            )
        except XLSFormInvalid as error:
            for problem in error.problems:
                self.stderr.write(str(problem))
            count = len(error.problems)
            raise CommandError(
                f"{path.name} is not a valid instrument ({count} problem{'s' * (count != 1)}); "
                "nothing was imported."
            ) from None
        version = result.version
        self.stdout.write(
            f"{result.outcome}: {version.instrument.code} version {version.number} "
            f"({version.items.count()} items, {version.get_status_display().lower()})"
        )
