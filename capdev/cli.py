"""`capdev`: every Django management command, plus `capdev demo` and `capdev seed`."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "capdev.settings")
    if len(argv) > 1 and argv[1] == "demo":
        # The demo is a local trial: debug pages and plain HTTP unless told otherwise.
        os.environ.setdefault("DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
