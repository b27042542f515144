"""What every diagnose API module shares: service errors as API errors, fields, filters."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import (
    Choices,
    IntegerChoices,
    Model,
)
from django.http import Http404
from drf_spectacular.utils import (
    extend_schema_field,
)
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.request import Request
from rest_framework.settings import api_settings

from capdev.diagnose.models import (
    Assessment,
    InstrumentVersion,
    Need,
)
from capdev.lib.translated import LANGUAGES

XML_TYPE = "application/xml"
NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY


# --- errors -----------------------------------------------------------------------------


def error_messages(error: DjangoValidationError) -> dict[str, list[str]]:
    """A service's ValidationError as DRF field messages (a bare message is non-field)."""
    if hasattr(error, "error_dict"):
        return {
            NON_FIELD if name == "__all__" else name: messages
            for name, messages in error.message_dict.items()
        }
    return {NON_FIELD: error.messages}


def call_service(func: Callable[..., Any], **kwargs: Any) -> Any:
    """Call a service; its field errors answer 400 and its refusals 403."""
    try:
        return func(**kwargs)
    except DjangoValidationError as error:
        raise ApiValidationError(error_messages(error)) from None
    except DjangoPermissionDenied as error:
        raise PermissionDenied(str(error) or None) from None


# --- fields -----------------------------------------------------------------------------


def enum_field(choices: type[Choices], component: str) -> type[serializers.ChoiceField]:
    """A ChoiceField documented as its own named enum.

    Several models have a `status` (and a `source`) with different values; left to
    drf-spectacular, the enums collide and get hashed names. A named component per model
    keeps `AssessmentStatusEnum`, `NeedStatusEnum`, … readable without touching settings.
    """
    is_int = issubclass(choices, IntegerChoices)
    schema = {
        "type": "integer" if is_int else "string",
        "enum": list(choices.values),
        "description": "\n".join(f"* `{value}` - {label}" for value, label in choices.choices),
    }

    @extend_schema_field(schema, component_name=component)
    class EnumField(serializers.ChoiceField):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(choices=choices.choices, **kwargs)

    EnumField.__name__ = component.removesuffix("Enum") + "Field"
    return EnumField


VersionStatusField = enum_field(InstrumentVersion.Status, "InstrumentVersionStatusEnum")
AssessmentStatusField = enum_field(Assessment.Status, "AssessmentStatusEnum")
AssessmentSourceField = enum_field(Assessment.Source, "AssessmentSourceEnum")
NeedStatusField = enum_field(Need.Status, "NeedStatusEnum")
NeedSourceField = enum_field(Need.Source, "NeedSourceEnum")


@extend_schema_field(
    {
        "type": "object",
        "properties": {code: {"type": "string"} for code in LANGUAGES},
        "description": "The text in English, French, Spanish and Chinese ('' where not given).",
    },
    component_name="TranslatedText",
)
class TranslatedTextField(serializers.Field):
    """{"en", "fr", "es", "zh"}: every language present, empty where the workbook left it."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value: dict[str, str] | None) -> dict[str, str]:
        value = value or {}
        return {code: value.get(code, "") for code in LANGUAGES}


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A primary key looked up with a selector, so a row outside the caller's scope is
    "does not exist" exactly like a row that does not exist."""

    def __init__(self, *, lookup: Callable[[Any, int], Model], **kwargs: Any) -> None:
        self.lookup = lookup
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Model:
        if isinstance(data, bool) or not str(data).strip().isdigit():
            self.fail("incorrect_type", data_type=type(data).__name__)
        try:
            return self.lookup(self.context["request"].user, int(data))
        except Http404:
            pass
        self.fail("does_not_exist", pk_value=data)


def query_filters(
    serializer_class: type[serializers.Serializer], request: Request
) -> dict[str, Any]:
    """Validated query filters (400 keyed by parameter); empty parameters are ignored."""
    given = {key: value for key, value in request.query_params.items() if value != ""}
    filters = serializer_class(data=given)
    filters.is_valid(raise_exception=True)
    return filters.validated_data
