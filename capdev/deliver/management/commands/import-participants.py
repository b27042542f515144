from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from capdev.deliver.models import Activity
from capdev.deliver.participants_import import (
    FIELD_NAMES,
    ParticipantsInvalid,
    import_participants,
)
from capdev.lib.progress import ProgressBar


class Command(BaseCommand):
    help = (
        "Import a participant list (CSV in UTF-8, or .xlsx) into an activity. The first row "
        "names the columns: name and sex are required, and the organisation (its name or "
        "acronym) or the country; position, e-mail, phone, attendance (0-100 %), pre-test and "
        "post-test (0-100), satisfaction (1-5) and skills applied after 3 and 6 months (none, "
        "partly, fully) are optional. Usual column names in English, French and Spanish are "
        "recognised; --map names any other. People already known (by e-mail, else by name "
        "within their organisation) are reused, and importing a list again updates its "
        "participants instead of adding them twice. All or nothing: if any row is wrong, "
        "nothing is written, every problem is printed on stderr with its row and column, and "
        "the command exits 1."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("activity", type=int, help="the activity's id")
        parser.add_argument("file", help="the CSV or .xlsx file")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="FIELD=COLUMN",
            help=f"read FIELD from the column named COLUMN (fields: {', '.join(FIELD_NAMES)})",
        )

    def handle(
        self, *args: object, activity: int, file: str, map: list[str], **options: object
    ) -> None:
        # The command line acts as the operator (user=None, as in the services): no scope.
        target = Activity.objects.filter(pk=activity).first()
        if target is None:
            raise CommandError(f"No activity with the id {activity}.")
        mapping = self._mapping(map)
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Cannot read {file}: no such file.")
        bar = ProgressBar(self.stderr)
        try:
            result = import_participants(
                user=None,
                activity=target,
                file=path,
                file_name=path.name,
                mapping=mapping or None,
                progress=bar,
            )
        except ParticipantsInvalid as refused:
            bar.finish(complete=False)
            for problem in refused.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{path.name}: nothing was imported.") from None
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror or error}") from None
        bar.finish(complete=True)
        self.stdout.write(
            f"{target}: {result.rows} rows imported; "
            f"{result.participants_added} participants added, "
            f"{result.participants_updated} updated; {result.people_added} people added"
        )

    @staticmethod
    def _mapping(pairs: list[str]) -> dict[str, str]:
        mapping: dict[str, str] = {}
        for pair in pairs:
            field, sep, column = pair.partition("=")
            field = field.strip()
            if not sep or not column.strip():
                raise CommandError(f"--map {pair!r}: write it as FIELD=COLUMN.")
            if field not in FIELD_NAMES:
                raise CommandError(
                    f"--map {pair!r}: {field!r} is not a field ({', '.join(FIELD_NAMES)})."
                )
            mapping[field] = column.strip()
        return mapping
