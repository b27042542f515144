"""Keep the capacity dashboard facts in step with what the diagnose stage writes."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from capdev.core.models import Organisation
from capdev.diagnose.models import Assessment
from capdev.diagnose.signals import summaries_written
from capdev.monitor import capacity
from capdev.monitor.models import CapacityFact


@receiver(summaries_written)
def _summaries_written(sender: Any, organisation_ids: set[int], **kwargs: Any) -> None:
    capacity.refresh(organisation_ids)


@receiver(post_save, sender=Assessment)
@receiver(post_delete, sender=Assessment)
def _assessment_changed(sender: Any, instance: Assessment, **kwargs: Any) -> None:
    if kwargs.get("raw"):  # loading fixtures
        return
    capacity.refresh({instance.organisation_id})


@receiver(post_save, sender=Organisation)
def _organisation_changed(sender: Any, instance: Organisation, **kwargs: Any) -> None:
    """An organisation that moved country or group moves its facts along."""
    if kwargs.get("raw") or kwargs.get("created"):
        return
    moved = CapacityFact.objects.filter(organisation_id=instance.pk).exclude(
        country_id=instance.country_id, group=instance.group
    )
    if moved.exists():
        capacity.refresh({instance.pk})
