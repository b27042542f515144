from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser

from capdev.learn.services.evaluations import remind_overdue


class Command(BaseCommand):
    help = (
        "Remind each unit of its overdue follow-up actions (not done or dropped, past their "
        "due date): prints the reminders grouped by unit, e-mails each to the unit's staff "
        "(users with an office grant on it who have an e-mail address) and marks the actions "
        "reminded. --dry-run only prints."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="print what would be sent; send nothing"
        )
        parser.add_argument(
            "--date", help="count as overdue what is due before this day (YYYY-MM-DD; today)"
        )

    def handle(self, *args: object, dry_run: bool, date: str | None, **options: object) -> None:
        try:
            today = datetime.date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError(f"--date {date!r} is not a date (YYYY-MM-DD).") from None
        reminders = remind_overdue(today=today, send=not dry_run)
        if not reminders:
            self.stdout.write("No overdue follow-up action.")
            return
        for reminder in reminders:
            to = ", ".join(reminder.recipients) or "(no staff e-mail address: not sent)"
            self.stdout.write(f"== {reminder.unit} ({len(reminder.actions)} overdue)")
            self.stdout.write(f"To: {to}")
            self.stdout.write(f"Subject: {reminder.subject}")
            self.stdout.write(reminder.body)
            self.stdout.write("")
        actions = sum(len(r.actions) for r in reminders)
        verb = "would remind" if dry_run else "reminded"
        self.stdout.write(f"{verb} {len(reminders)} units of {actions} overdue actions.")
