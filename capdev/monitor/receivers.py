"""Keep the capacity dashboard facts in step with what the diagnose and core stages write."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from capdev.core.models import Country, Organisation
from capdev.diagnose.models import Assessment
from capdev.diagnose.signals import summaries_written
from capdev.monitor import capacity
from capdev.monitor.models import CapacityFact


@receiver(summaries_written)
def _summaries_written(sender: Any, organisation_ids: set[int], **kwargs: Any) -> None:
    capacity.refresh(organisation_ids)


@receiver(pre_save, sender=Assessment)
def _remember_organisation(sender: Any, instance: Assessment, **kwargs: Any) -> None:
    """An assessment moved to another organisation leaves facts behind at the first one."""
    if instance.pk and not kwargs.get("raw"):
        instance._organisation_before = (  # type: ignore[attr-defined]
            Assessment.objects.filter(pk=instance.pk)
            .values_list("organisation_id", flat=True)
            .first()
        )


@receiver(post_save, sender=Assessment)
@receiver(post_delete, sender=Assessment)
def _assessment_changed(sender: Any, instance: Assessment, **kwargs: Any) -> None:
    if kwargs.get("raw"):  # loading fixtures
        return
    before = getattr(instance, "_organisation_before", None)
    moved = before is not None and before != instance.organisation_id
    counted = instance.status != Assessment.Status.DRAFT
    # A draft that never counted changes no figure (drafts are saved at every score).
    if moved or counted or CapacityFact.objects.filter(assessment_id=instance.pk).exists():
        capacity.refresh({instance.organisation_id, *([before] if moved else [])})


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


@receiver(post_save, sender=Country)
def _country_changed(sender: Any, instance: Country, **kwargs: Any) -> None:
    """A country moved to another region (in the admin site) moves its facts along."""
    if kwargs.get("raw") or kwargs.get("created"):
        return
    moved = CapacityFact.objects.filter(country_id=instance.pk).exclude(
        region_id=instance.region_id
    )
    if moved.exists():
        capacity.refresh(set(moved.values_list("organisation_id", flat=True)))
