from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanConfig(AppConfig):
    name = "capdev.plan"
    label = "plan"
    verbose_name = _("Plan")

    def ready(self) -> None:
        from capdev.plan import scopes  # noqa: F401  (registers the models with scoping)
