from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "capdev.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from capdev.reports import scopes  # noqa: F401 — registers the scope paths
