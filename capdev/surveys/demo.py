"""The synthetic demo data of this app (filled in by the app's own work)."""

from __future__ import annotations

import random

from capdev.core.models import Office, Organisation


def seed(*, rng: random.Random, organisations: list[Organisation], offices: list[Office]) -> int:
    return 0


def reset() -> None:
    return None
