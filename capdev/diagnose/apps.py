from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiagnoseConfig(AppConfig):
    name = "capdev.diagnose"
    label = "diagnose"
    verbose_name = _("Diagnose")

    def ready(self) -> None:
        from capdev.diagnose import scopes  # noqa: F401  (registers the models with scoping)
