from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from capdev.parity.delegations_import import DelegationsInvalid, import_delegations
from capdev.parity.models import Meeting


class Command(BaseCommand):
    help = (
        "Replace a meeting's delegation list by a file (CSV in UTF-8, or .xlsx), one "
        "accredited person per row. The first row names the columns: member State (ISO "
        "3166 alpha-3 or alpha-2 code, or the name in English, French, Spanish or Chinese), "
        "group (government, employers, workers), role (delegate, substitute, adviser, "
        "observer) and sex are required, the name is optional; usual column names in "
        "English, French and Spanish are recognised. For a Conference session each member "
        "State has at most two government delegates, one employers' and one workers' "
        "delegate; fewer is imported with a note. The file replaces the meeting's "
        "delegation: people recorded as in the file are kept, the others removed, new ones "
        "added, so importing the same file twice changes nothing. All or nothing: if any "
        "row is wrong, nothing is written, every problem is printed on stderr with its row "
        "and column, and the command exits 1."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("meeting", type=int, help="the meeting's id")
        parser.add_argument("file", help="the CSV or .xlsx file")

    def handle(self, *args: object, meeting: int, file: str, **options: object) -> None:
        # The command line acts as the operator (user=None, as in the services): no scope.
        target = Meeting.objects.filter(pk=meeting).first()
        if target is None:
            raise CommandError(f"No meeting with the id {meeting}.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Cannot read {file}: no such file.")
        try:
            result = import_delegations(user=None, meeting=target, file=path, file_name=path.name)
        except DelegationsInvalid as refused:
            for problem in refused.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{path.name}: nothing was imported.") from None
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror or error}") from None
        for note in result.notes:
            self.stderr.write(f"note: {note}")
        self.stdout.write(f"{target}: {result.summary()}")
