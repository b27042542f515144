from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitorConfig(AppConfig):
    name = "capdev.monitor"
    label = "monitor"
    verbose_name = _("Monitor")

    def ready(self) -> None:
        # registers the models with scoping; keeps the dashboard facts up to date
        from capdev.monitor import receivers, scopes  # noqa: F401
