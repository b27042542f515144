"""The frameworks plans link to, read from the files in capdev/plan/data (see its README)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from capdev.lib.translated import LANGUAGES

DATA = Path(__file__).with_name("data")


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as source:
        return list(csv.DictReader(source))


def load_frameworks(goal_model: Any, target_model: Any, outcome_model: Any) -> None:
    """Create or update the SDG goals and targets and the P&B 2020–21 outcomes; safe to run
    again (takes the historical models of a migration)."""
    goals = {}
    for row in _rows("sdg_goals.csv"):
        goals[row["goal"]], _created = goal_model.objects.update_or_create(
            number=int(row["goal"]),
            defaults={
                "short": {code: row[f"short_{code}"] for code in LANGUAGES},
                "title": {code: row[code] for code in LANGUAGES},
            },
        )
    for position, row in enumerate(_rows("sdg_targets.csv"), start=1):
        target_model.objects.update_or_create(
            code=row["code"],
            defaults={
                "goal": goals[row["goal"]],
                "position": position,
                "title": {code: row[code] for code in LANGUAGES},
            },
        )
    for row in _rows("pb-2020-21-outcomes.csv"):
        outcome_model.objects.update_or_create(
            biennium="2020-21",
            code=row["code"],
            defaults={"kind": row["kind"], "title": row["title"]},
        )
