"""The synthetic demo data of the learn stage (filled in by its owners)."""

from __future__ import annotations

import random

from capdev.core.models import Office, Organisation


def seed(*, rng: random.Random, organisations: list[Organisation], offices: list[Office]) -> int:
    return 0


def reset() -> None:
    return None
