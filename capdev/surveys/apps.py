from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "capdev.surveys"
    label = "surveys"
    verbose_name = _("Constituent surveys")

    def ready(self) -> None:
        from capdev.surveys import scopes  # noqa: F401  (registers the models with scoping)
