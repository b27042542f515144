from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from capdev.core.cli_reference import DOCS_FILE, cli_reference


class Command(BaseCommand):
    help = "Print the command-line reference (docs/cli.md) generated from --help; --write saves it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--write", action="store_true", help=f"write it to {DOCS_FILE.name}")

    def handle(self, *args: object, write: bool, **options: object) -> None:
        text = cli_reference()
        if write:
            DOCS_FILE.write_text(text, encoding="utf-8")
            self.stdout.write(f"Wrote {DOCS_FILE}")
        else:
            self.stdout.write(text)
