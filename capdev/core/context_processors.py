from __future__ import annotations

from django.http import HttpRequest

from capdev.core.models import DemoDataset


def capdev(request: HttpRequest) -> dict[str, object]:
    """What the base layout needs on every page: whether the data is synthetic demo data."""
    return {"demo_dataset": DemoDataset.objects.first() if request.user.is_authenticated else None}
