from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from capdev.core import demo
from capdev.lib.progress import ProgressBar


class Command(BaseCommand):
    help = (
        "Fill the database with the synthetic demo dataset. --scale small gives every ILO member "
        "State its ministry of labour, trade-union centre and employers' organisation (about 900 "
        "organisations), loads the four built-in capacity instruments, and assesses about 40% of "
        "the constituents (half of them twice) with their priority needs, then plans in every "
        "status, activities with their participants, funding sources, partners, the staff "
        "curriculum and the strategy's implementation plan. --scale large, for benchmarks, "
        "gives about 3,000 organisations and adds ten years of data (2016-2025): about 50,000 "
        "assessments with 2 million item scores and their summaries, 20,000 activities with "
        "1 million participations of 600,000 people, membership figures from 2016, then "
        "rebuilds the dashboards; these bulk rows carry no change history. It takes minutes "
        "and shows its progress on stderr. Refuses a database that already holds "
        "organisations or offices unless --reset is given, which first deletes them. Demo "
        "users (password 'demo' or $CAPDEV_DEMO_PASSWORD) are created when DEBUG is on, or "
        "with --with-demo-users."
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
        with_users = settings.DEBUG or with_demo_users
        try:
            if scale == "large":
                bar = ProgressBar(self.stderr)
                result = demo.seed(scale=scale, with_users=with_users, progress=bar)
                bar.finish(complete=True)
            else:
                result = demo.seed(scale=scale, with_users=with_users)
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
        if scale == "large":
            print_ten_years(self.stdout, result.large)
        print_logins(self.stdout, result.users)


def print_ten_years(stdout, large) -> None:  # type: ignore[no-untyped-def]
    """The counts and step times of capdev.core.demo_large.add_ten_years."""
    stdout.write(
        f"Ten years (2016-2025, no change history): {large.assessments:,} assessments "
        f"({large.drafts:,} drafts) with {large.item_scores:,} item scores "
        f"({large.mean_items:.1f} per assessment) and {large.summaries:,} summary rows, "
        f"{large.needs:,} needs, {large.activities:,} activities with "
        f"{large.participations:,} participations of {large.people:,} people, "
        f"{large.memberships:,} membership figures, {large.capacity_facts:,} dashboard facts."
    )
    steps = ", ".join(f"{step} {seconds:.1f} s" for step, seconds in large.seconds.items())
    stdout.write(f"Time by step: {steps}.")


def print_logins(stdout, users: list[tuple[str, str, str]]) -> None:  # type: ignore[no-untyped-def]
    if not users:
        return
    stdout.write(f"Demo log-ins (password: {settings.CAPDEV_DEMO_PASSWORD!r}):")
    for username, role, scope in users:
        stdout.write(f"  {username:<11} {role:<25} {scope}")
