from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliverConfig(AppConfig):
    name = "capdev.deliver"
    label = "deliver"
    verbose_name = _("Deliver")

    def ready(self) -> None:
        from capdev.deliver import scopes  # noqa: F401  (registers the models with scoping)
