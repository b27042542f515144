"""Keep survey responses in step with their respondent organisation."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from capdev.core.models import Organisation
from capdev.surveys import services


@receiver(post_save, sender=Organisation, dispatch_uid="surveys_responses_follow_organisation")
def _organisation_changed(sender: Any, instance: Organisation, **kwargs: Any) -> None:
    """An organisation that moved country or group moves its responses along."""
    if kwargs.get("raw") or kwargs.get("created"):
        return
    services.responses_follow_organisation(instance, user=getattr(instance, "_history_user", None))
