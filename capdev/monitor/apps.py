from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitorConfig(AppConfig):
    name = "capdev.monitor"
    label = "monitor"
    verbose_name = _("Monitor")

    def ready(self) -> None:
        from capdev.monitor import scopes  # noqa: F401  (registers the models with scoping)
