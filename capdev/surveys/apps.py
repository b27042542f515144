from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "capdev.surveys"
    label = "surveys"
    verbose_name = _("Constituent surveys")

    def ready(self) -> None:
        from capdev.surveys import (  # noqa: F401  (register with scoping, connect receivers)
            receivers,
            scopes,
        )
