from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from capdev.diagnose import selectors
from capdev.diagnose.models import Instrument, InstrumentVersion
from capdev.diagnose.submissions import SubmissionsInvalid, import_submissions
from capdev.lib.progress import ProgressBar


class Command(BaseCommand):
    help = (
        "Import the CSV or JSON submissions that KoboToolbox or ODK Central export for an "
        "instrument's form (made by capdev: /api/instruments/ID/xlsform). Each new "
        "submission becomes one submitted assessment, keyed by its instanceID, so importing "
        "the same file twice creates nothing new. All or nothing: if any row is wrong "
        "(unknown organisation, bad date or mode, a score off the scale, a required item "
        "without score), nothing is written, every bad row is reported on stderr and the "
        "command exits non-zero."
    )

    def add_base_argument(self, parser: CommandParser, *args: str, **kwargs: object) -> None:
        # Here --version is the instrument version, not Django's version number.
        if "--version" not in args:
            super().add_base_argument(parser, *args, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("instrument", help="the instrument's code (its XLSForm form_id)")
        parser.add_argument("file", help="the CSV or JSON export")
        parser.add_argument(
            "--version",
            type=int,
            dest="version_number",
            metavar="N",
            help="the version the form was made from (default: the latest published version)",
        )

    def handle(
        self,
        *args: object,
        instrument: str,
        file: str,
        version_number: int | None,
        **options: object,
    ) -> None:
        version = self._version(instrument, version_number)
        try:
            data = Path(file).read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror or error}") from None
        bar = ProgressBar(self.stderr)
        try:
            report = import_submissions(user=None, version=version, data=data, progress=bar)
        except SubmissionsInvalid as error:
            bar.finish(complete=False)
            for row_error in error.errors:
                self.stderr.write(str(row_error))
            count = len(error.errors)
            raise CommandError(
                f"{count} error{'s' * (count != 1)} in {Path(file).name}; nothing was imported."
            ) from None
        bar.finish(complete=True)
        self.stdout.write(
            f"{version.instrument.code} version {version.number}: "
            f"{len(report.created)} created, {len(report.skipped)} skipped (imported before)"
        )

    @staticmethod
    def _version(code: str, number: int | None) -> InstrumentVersion:
        # The command line acts as the operator (user=None, as in the services): no scope.
        instrument = Instrument.objects.filter(code=code).first()
        if instrument is None:
            raise CommandError(f"No instrument with the code {code!r}.")
        if number is None:
            version = selectors.latest_published_version(instrument)
            if version is None:
                raise CommandError(f"{code} has no published version yet.")
            return version
        version = instrument.versions.filter(number=number).first()
        if version is None:
            raise CommandError(f"{code} has no version {number}.")
        if not version.is_published:
            raise CommandError(f"{code} version {number} is a draft; publish it first.")
        return version
