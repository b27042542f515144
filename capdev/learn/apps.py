from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearnConfig(AppConfig):
    name = "capdev.learn"
    label = "learn"
    verbose_name = _("Evaluate and learn")

    def ready(self) -> None:
        from capdev.learn import (
            receivers,  # noqa: F401  (keeps the search index up to date)
            scopes,  # noqa: F401  (registers the models with scoping)
        )
