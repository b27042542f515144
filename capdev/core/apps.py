from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "capdev.core"
    label = "core"
    verbose_name = _("Constituents and offices")

    def ready(self) -> None:
        from capdev.core import scopes  # noqa: F401  (registers core models with scoping)
