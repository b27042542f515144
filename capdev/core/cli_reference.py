"""docs/cli.md, generated from the capdev commands' own --help (a test keeps them in step)."""

from __future__ import annotations

import os
from pathlib import Path

from django.core.management import get_commands, load_command_class

DOCS_FILE = Path(__file__).resolve().parents[2] / "docs" / "cli.md"
HEADER = """# capdev command-line reference

Generated from each command's `--help` by `capdev clidocs --write`; do not edit by hand.
`capdev` also runs every Django management command (`capdev migrate`,
`capdev createsuperuser`, `capdev help`, ...). The commands below are capdev's own.
"""


def capdev_commands() -> list[tuple[str, str]]:
    """(name, app) of the management commands that capdev's own apps define."""
    return sorted((name, app) for name, app in get_commands().items() if app.startswith("capdev."))


def cli_reference() -> str:
    previous = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "100"  # argparse wraps help to the terminal; fix it for the docs
    try:
        sections = [HEADER]
        for name, app in capdev_commands():
            parser = load_command_class(app, name).create_parser("capdev", name)
            sections.append(f"## capdev {name}\n\n```text\n{parser.format_help().strip()}\n```\n")
    finally:
        if previous is None:
            os.environ.pop("COLUMNS")
        else:
            os.environ["COLUMNS"] = previous
    return "\n".join(sections)
