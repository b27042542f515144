from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from capdev.core import demo


class Command(BaseCommand):
    help = (
        "Fill the database with the synthetic demo dataset. --scale small gives every ILO member "
        "State its ministry of labour, trade-union centre and employers' organisation (about 900 "
        "organisations), loads the four built-in capacity instruments, and assesses about 40% of "
        "the constituents (half of them twice) with their priority needs, then plans in every "
        "status, activities with their participants, funding sources, partners, the staff "
        "curriculum and the strategy's implementation plan; --scale large about "
        "3,000 organisations, for benchmarks. Refuses a database that "
        "already holds organisations or offices unless --reset is given, which first deletes "
        "them. Demo users (password 'demo' or $CAPDEV_DEMO_PASSWORD) are created when DEBUG is "
        "on, or with --with-demo-users."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=["small", "large"], default="small")
        parser.add_argument("--reset", action="store_true", help="delete existing data first")
        parser.add_argument(
            "--with-demo-users",
            action="store_true",
            help="create the demo users even when DEBUG is off",
        )

    def handle(
        self, *args: object, scale: str, reset: bool, with_demo_users: bool, **options: object
    ) -> None:
        if reset:
            demo.reset()
        try:
            result = demo.seed(scale=scale, with_users=settings.DEBUG or with_demo_users)
        except demo.DatabaseNotEmpty as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Seeded {result.organisations} organisations, {result.offices} offices, "
            f"{result.assessments} assessments and {result.needs} needs "
            f"(scale {scale}, synthetic demo data)."
        )
        self.stdout.write(
            f"Plans and delivery: {result.plans} plans, {result.activities} activities with "
            f"{result.participants} participants."
        )
        print_logins(self.stdout, result.users)


def print_logins(stdout, users: list[tuple[str, str, str]]) -> None:  # type: ignore[no-untyped-def]
    if not users:
        return
    stdout.write(f"Demo log-ins (password: {settings.CAPDEV_DEMO_PASSWORD!r}):")
    for username, role, scope in users:
        stdout.write(f"  {username:<11} {role:<25} {scope}")
