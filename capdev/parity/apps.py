from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParityConfig(AppConfig):
    name = "capdev.parity"
    label = "parity"
    verbose_name = _("Gender parity")

    def ready(self) -> None:
        from capdev.parity import scopes  # noqa: F401  (registers the models with scoping)
