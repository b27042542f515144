"""REST API of the diagnose stage: instruments, assessments, scores and needs.

Thin by design: each view parses its input, calls a selector (reads, scoped) or a service
(writes, which re-check scope inside their transaction), and serialises the answer. Service
errors become API errors in one place (`_service`): field messages 400, refusals 403; a
record outside the caller's scope is 404, as on the pages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import (
    Choices,
    IntegerChoices,
    Model,
    QuerySet,
)
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from capdev.core import selectors as core_selectors
from capdev.core.models import ConstituentGroup, Office, Organisation
from capdev.diagnose import selectors, services
from capdev.diagnose.models import (
    Assessment,
    CapacityType,
    Instrument,
    InstrumentVersion,
    Item,
    Level,
    Need,
    Participant,
    Theme,
)
from capdev.diagnose.submissions import SubmissionsInvalid, import_submissions
from capdev.diagnose.xlsform import XLSFormInvalid, export_xform, export_xlsform
from capdev.lib.translated import LANGUAGES

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XML_TYPE = "application/xml"
NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY


# --- errors -----------------------------------------------------------------------------


def _messages(error: DjangoValidationError) -> dict[str, list[str]]:
    """A service's ValidationError as DRF field messages (a bare message is non-field)."""
    if hasattr(error, "error_dict"):
        return {
            NON_FIELD if name == "__all__" else name: messages
            for name, messages in error.message_dict.items()
        }
    return {NON_FIELD: error.messages}


def _service(func: Callable[..., Any], **kwargs: Any) -> Any:
    """Call a service; its field errors answer 400 and its refusals 403."""
    try:
        return func(**kwargs)
    except DjangoValidationError as error:
        raise ApiValidationError(_messages(error)) from None
    except DjangoPermissionDenied as error:
        raise PermissionDenied(str(error) or None) from None


# --- fields -----------------------------------------------------------------------------


def _enum_field(choices: type[Choices], component: str) -> type[serializers.ChoiceField]:
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


VersionStatusField = _enum_field(InstrumentVersion.Status, "InstrumentVersionStatusEnum")
AssessmentStatusField = _enum_field(Assessment.Status, "AssessmentStatusEnum")
AssessmentSourceField = _enum_field(Assessment.Source, "AssessmentSourceEnum")
NeedStatusField = _enum_field(Need.Status, "NeedStatusEnum")
NeedSourceField = _enum_field(Need.Source, "NeedSourceEnum")


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


# --- instruments ------------------------------------------------------------------------


class VersionOutput(serializers.ModelSerializer):
    status = VersionStatusField(read_only=True)
    item_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = InstrumentVersion
        fields = ["id", "number", "status", "published_at", "source_name", "item_count"]


class InstrumentOutput(serializers.ModelSerializer):
    title = TranslatedTextField()
    description = TranslatedTextField()
    groups = serializers.ListField(child=serializers.ChoiceField(ConstituentGroup.choices))
    versions = VersionOutput(many=True, source="versions.all", read_only=True)

    class Meta:
        model = Instrument
        fields = ["id", "code", "title", "description", "groups", "builtin", "versions"]


class ScalePointOutput(serializers.Serializer):
    value = serializers.IntegerField()
    descriptor = TranslatedTextField(source="label")


class ItemOutput(serializers.ModelSerializer):
    label = TranslatedTextField()
    hint = TranslatedTextField()
    groups = serializers.ListField(child=serializers.ChoiceField(ConstituentGroup.choices))
    scale = ScalePointOutput(many=True, read_only=True)

    class Meta:
        model = Item
        fields = [
            "id",
            "name",
            "position",
            "label",
            "hint",
            "level",
            "type",
            "theme",
            "weight",
            "required",
            "groups",
            "scale_list",
            "scale",
        ]


class AreaOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    label = TranslatedTextField()
    items = ItemOutput(many=True, source="items.all")


@dataclass(frozen=True)
class _Content:
    version: InstrumentVersion
    areas: list


class VersionContentOutput(serializers.Serializer):
    id = serializers.IntegerField(source="version.pk")
    number = serializers.IntegerField(source="version.number")
    status = VersionStatusField(source="version.status")
    published_at = serializers.DateTimeField(source="version.published_at", allow_null=True)
    areas = AreaOutput(many=True)


class InstrumentDetailOutput(InstrumentOutput):
    version = serializers.SerializerMethodField()

    class Meta(InstrumentOutput.Meta):
        fields = [*InstrumentOutput.Meta.fields, "version"]

    @extend_schema_field(VersionContentOutput)
    def get_version(self, instrument: Instrument) -> dict[str, Any]:
        return VersionContentOutput(self.context["content"]).data


class InstrumentUpload(serializers.Serializer):
    file = serializers.FileField(help_text="An XLSForm workbook (.xlsx).")
    publish = serializers.BooleanField(
        default=False, help_text="Publish the version at once (it can then be used)."
    )


class ImportOutcomeField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        outcomes = ["created", "replaced", "new version", "unchanged"]
        super().__init__(choices=outcomes, **kwargs)


class InstrumentImportOutput(serializers.Serializer):
    outcome = ImportOutcomeField(
        help_text="created, replaced (the draft), new version, or unchanged (nothing written)"
    )
    version = VersionOutput()
    instrument = InstrumentOutput()


class ProblemOutput(serializers.Serializer):
    sheet = serializers.CharField()
    row = serializers.IntegerField(allow_null=True)
    column = serializers.CharField()
    message = serializers.CharField()


InstrumentInvalidOutput = inline_serializer(
    "InstrumentInvalid",
    {
        "file": serializers.ListField(child=serializers.CharField()),
        "problems": ProblemOutput(many=True),
    },
)


def _chosen_version(
    instrument: Instrument, number: str | None, *, published_only: bool
) -> InstrumentVersion:
    """`?version=N`, or the default of selectors.version_of."""
    if number in (None, ""):
        return selectors.version_of(instrument, published_only=published_only)
    if not str(number).isdigit():
        raise ApiValidationError({"version": [_("A version number is a whole number.")]})
    return selectors.version_of(instrument, int(number))


VERSION_PARAMETER = OpenApiParameter(
    "version",
    int,
    description=(
        "A version number of the instrument (default: the latest published one, or the draft "
        "when none is published)."
    ),
)
PUBLISHED_VERSION_PARAMETER = OpenApiParameter(
    "version",
    int,
    description="A version number of the instrument (default: the latest published one).",
)


class InstrumentList(generics.ListAPIView):
    """Instruments (rubrics and questionnaires), each with its versions; POST imports an
    XLSForm workbook (docs/instruments.md)."""

    serializer_class = InstrumentOutput
    filter_backends: list[type] = []
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self) -> QuerySet[Instrument]:
        return selectors.instruments_for_user(self.request.user)

    @extend_schema(
        request={"multipart/form-data": InstrumentUpload},
        responses={
            201: InstrumentImportOutput,
            200: OpenApiResponse(
                InstrumentImportOutput, description="Identical to the latest version: unchanged."
            ),
            400: OpenApiResponse(
                InstrumentInvalidOutput,
                description="Not a valid instrument: every problem, with sheet, row and column.",
                examples=[
                    OpenApiExample(
                        "A theme that does not fit the type",
                        value={
                            "file": [
                                "sheet “survey”, row 4, column “capdev_theme (M)”: “Leadership” "
                                "is a functional theme, not a technical one."
                            ],
                            "problems": [
                                {
                                    "sheet": "survey",
                                    "row": 4,
                                    "column": "capdev_theme (M)",
                                    "message": "“Leadership” is a functional theme, not a "
                                    "technical one.",
                                }
                            ],
                        },
                    )
                ],
            ),
            403: OpenApiResponse(description="Your role does not maintain instruments."),
        },
    )
    def post(self, request: Request) -> Response:
        if not services.instrument_import_allowed(request.user):
            raise PermissionDenied(_("Your role does not maintain instruments."))
        upload = InstrumentUpload(data=request.data)
        upload.is_valid(raise_exception=True)
        file = upload.validated_data["file"]
        try:
            result = _service(
                services.instrument_import,
                user=request.user,
                data=file.read(),
                source_name=file.name or "",
                publish=upload.validated_data["publish"],
            )
        except XLSFormInvalid as error:
            return Response(
                {
                    "file": [str(problem) for problem in error.problems],
                    "problems": [
                        {
                            "sheet": problem.sheet,
                            "row": problem.row,
                            "column": problem.column,
                            "message": problem.message,
                        }
                        for problem in error.problems
                    ],
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        instrument = selectors.instrument_for_user(request.user, result.version.instrument_id)
        version = next(v for v in instrument.versions.all() if v.pk == result.version.pk)
        return Response(
            InstrumentImportOutput(
                {"outcome": result.outcome, "version": version, "instrument": instrument}
            ).data,
            status=status.HTTP_200_OK if result.outcome == "unchanged" else status.HTTP_201_CREATED,
        )


class InstrumentDetail(APIView):
    @extend_schema(parameters=[VERSION_PARAMETER], responses={200: InstrumentDetailOutput})
    def get(self, request: Request, pk: int) -> Response:
        """The instrument with the areas and items of its latest version (or `?version=N`)."""
        instrument = selectors.instrument_for_user(request.user, pk)
        version = _chosen_version(
            instrument, request.query_params.get("version"), published_only=False
        )
        content = _Content(version, selectors.version_content(version))
        return Response(InstrumentDetailOutput(instrument, context={"content": content}).data)


class _AnyAccept(BaseContentNegotiation):
    """Downloads answer their file whatever the Accept header asks; errors are JSON."""

    def select_parser(self, request: Request, parsers: list) -> Any:
        return parsers[0] if parsers else None

    def select_renderer(
        self, request: Request, renderers: list, format_suffix: Any = None
    ) -> tuple[Any, str]:
        return renderers[0], renderers[0].media_type


class _Download(APIView):
    content_negotiation_class = _AnyAccept
    extension = ""
    content_type = ""

    def content(self, version: InstrumentVersion) -> bytes | str:
        raise NotImplementedError

    def get(self, request: Request, pk: int) -> HttpResponse:
        instrument = selectors.instrument_for_user(request.user, pk)
        version = _chosen_version(
            instrument, request.query_params.get("version"), published_only=True
        )
        response = HttpResponse(self.content(version), content_type=self.content_type)
        filename = f"{instrument.code}-v{version.number}.{self.extension}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class InstrumentXLSForm(_Download):
    extension = "xlsx"
    content_type = XLSX_TYPE

    def content(self, version: InstrumentVersion) -> bytes:
        return export_xlsform(services.spec_of(version), version.number)

    @extend_schema(
        parameters=[PUBLISHED_VERSION_PARAMETER],
        responses={
            (200, XLSX_TYPE): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="The XLSForm workbook, with the assessment header and evidence "
                "fields a field team fills in.",
            ),
            404: OpenApiResponse(description="No such instrument, version or published version."),
        },
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        """The version as an XLSForm workbook, for KoboToolbox, ODK Central or Excel."""
        return super().get(request, pk)


class InstrumentXForm(_Download):
    extension = "xml"
    content_type = XML_TYPE

    def content(self, version: InstrumentVersion) -> str:
        return export_xform(services.spec_of(version), version.number)

    @extend_schema(
        parameters=[PUBLISHED_VERSION_PARAMETER],
        responses={
            (200, XML_TYPE): OpenApiResponse(
                OpenApiTypes.STR, description="The XForm XML that ODK Collect and KoboToolbox use."
            ),
            404: OpenApiResponse(description="No such instrument, version or published version."),
        },
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        """The version as XForm XML, made by pyxform."""
        return super().get(request, pk)


class SubmissionsUpload(serializers.Serializer):
    file = serializers.FileField(help_text="A CSV or JSON export from KoboToolbox or ODK Central.")
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="The version number the form was made from (default: the latest published).",
    )


class SubmissionsOutput(serializers.Serializer):
    created = serializers.IntegerField(help_text="assessments created (submitted)")
    skipped = serializers.IntegerField(help_text="submissions imported before (same instanceID)")
    assessments = serializers.ListField(
        child=serializers.IntegerField(), help_text="the created assessments' ids"
    )


class RowErrorOutput(serializers.Serializer):
    row = serializers.IntegerField(help_text="CSV line (header = 1) or JSON record number")
    field = serializers.CharField()
    message = serializers.CharField()


SubmissionsInvalidOutput = inline_serializer(
    "SubmissionsInvalid",
    {
        "file": serializers.ListField(child=serializers.CharField()),
        "errors": RowErrorOutput(many=True),
    },
)


class InstrumentSubmissions(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": SubmissionsUpload},
        responses={
            201: SubmissionsOutput,
            200: OpenApiResponse(
                SubmissionsOutput, description="Every submission was imported before."
            ),
            400: OpenApiResponse(
                SubmissionsInvalidOutput,
                description="Nothing imported: every bad row, with its field.",
                examples=[
                    OpenApiExample(
                        "A score off the scale",
                        value={
                            "file": ["row 3, lead_vision: “7” is not a score between 1 and 4."],
                            "errors": [
                                {
                                    "row": 3,
                                    "field": "lead_vision",
                                    "message": "“7” is not a score between 1 and 4.",
                                }
                            ],
                        },
                    )
                ],
            ),
            403: OpenApiResponse(description="Your role does not run assessments."),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        """Import the CSV or JSON submissions of the exported form: one submitted
        assessment per new instanceID; one bad row and nothing is written."""
        instrument = selectors.instrument_for_user(request.user, pk)
        if not services.assessment_create_allowed(request.user):
            raise PermissionDenied(_("Your role does not run assessments."))
        upload = SubmissionsUpload(data=request.data)
        upload.is_valid(raise_exception=True)
        version = _chosen_version(
            instrument, upload.validated_data.get("version"), published_only=True
        )
        try:
            report = import_submissions(
                user=request.user, version=version, data=upload.validated_data["file"].read()
            )
        except SubmissionsInvalid as error:
            return Response(
                {
                    "file": [str(row_error) for row_error in error.errors],
                    "errors": [
                        {"row": e.row, "field": e.field, "message": e.message} for e in error.errors
                    ],
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(
            {
                "created": len(report.created),
                "skipped": len(report.skipped),
                "assessments": [assessment.pk for assessment in report.created],
            },
            status=status.HTTP_201_CREATED if report.created else status.HTTP_200_OK,
        )


# --- assessments ------------------------------------------------------------------------


class AssessmentOutput(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    country = serializers.CharField(source="organisation.country.iso_alpha2", read_only=True)
    group = serializers.ChoiceField(
        ConstituentGroup.choices, source="organisation.group", read_only=True
    )
    instrument = serializers.CharField(source="version.instrument.code", read_only=True)
    version_number = serializers.IntegerField(source="version.number", read_only=True)
    status = AssessmentStatusField(read_only=True)
    source = AssessmentSourceField(read_only=True)
    progress_percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "organisation",
            "organisation_name",
            "country",
            "group",
            "instrument",
            "version",
            "version_number",
            "date",
            "mode",
            "office",
            "status",
            "source",
            "notes",
            "item_count",
            "answered",
            "required_missing",
            "progress_percent",
            "score_mean",
            "score_percent",
            "submitted_at",
            "validated_at",
            "validated_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ParticipantOutput(serializers.ModelSerializer):
    class Meta:
        model = Participant
        fields = ["id", "name", "role", "sex", "organisation"]


class AreaScoreOutput(serializers.Serializer):
    area = serializers.CharField(source="area.name")
    label = TranslatedTextField(source="area.label")
    percent = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    mean = serializers.DecimalField(max_digits=6, decimal_places=3, allow_null=True)
    answered = serializers.IntegerField()
    total = serializers.IntegerField()
    previous = serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        allow_null=True,
        help_text="the percent in the organisation's previous assessment with the instrument",
    )


class CellScoreOutput(serializers.Serializer):
    level = serializers.ChoiceField(Level.choices)
    type = serializers.ChoiceField(CapacityType.choices)
    percent = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    answered = serializers.IntegerField()
    total = serializers.IntegerField()


class AssessmentDetailOutput(AssessmentOutput):
    participants = ParticipantOutput(many=True, read_only=True, source="participants.all")
    area_scores = serializers.SerializerMethodField()
    cell_scores = serializers.SerializerMethodField()

    class Meta(AssessmentOutput.Meta):
        fields = [*AssessmentOutput.Meta.fields, "participants", "area_scores", "cell_scores"]
        read_only_fields = fields

    @extend_schema_field(AreaScoreOutput(many=True))
    def get_area_scores(self, assessment: Assessment) -> list[dict[str, Any]]:
        return AreaScoreOutput(self.context["profile"].areas, many=True).data

    @extend_schema_field(CellScoreOutput(many=True))
    def get_cell_scores(self, assessment: Assessment) -> list[dict[str, Any]]:
        return CellScoreOutput(self.context["profile"].cells, many=True).data


def _detail(assessment: Assessment) -> dict[str, Any]:
    profile = selectors.assessment_profile(assessment)
    return AssessmentDetailOutput(assessment, context={"profile": profile}).data


class AssessmentInput(serializers.Serializer):
    """Fields a client may set on a draft; the rules are checked by the service."""

    organisation = ScopedRelatedField(
        queryset=Organisation.objects.none(), lookup=core_selectors.organisation_for_user
    )
    version = ScopedRelatedField(
        queryset=InstrumentVersion.objects.none(),
        lookup=selectors.version_for_user,
        help_text="a published instrument version's id",
    )
    date = serializers.DateField()
    mode = serializers.ChoiceField(Assessment.Mode.choices)
    office = ScopedRelatedField(
        queryset=Office.objects.none(),
        lookup=core_selectors.office_for_user,
        required=False,
        allow_null=True,
        help_text="the facilitating office",
    )
    notes = serializers.CharField(required=False, allow_blank=True)


class AssessmentFilters(serializers.Serializer):
    q = serializers.CharField(required=False, help_text="organisation name or acronym")
    country = serializers.CharField(required=False, help_text="ISO 3166 alpha-2 code")
    region = serializers.CharField(required=False, help_text="region code, e.g. AFRICA")
    group = serializers.ChoiceField(ConstituentGroup.choices, required=False)
    organisation = serializers.IntegerField(required=False, help_text="organisation id")
    instrument = serializers.CharField(required=False, help_text="instrument code")
    status = serializers.ChoiceField(Assessment.Status.choices, required=False)
    mode = serializers.ChoiceField(Assessment.Mode.choices, required=False)
    sort = serializers.ChoiceField(list(selectors.ASSESSMENT_SORTS), required=False)


def _filters(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    """Validated query filters (400 keyed by parameter); empty parameters are ignored."""
    given = {key: value for key, value in request.query_params.items() if value != ""}
    filters = serializer_class(data=given)
    filters.is_valid(raise_exception=True)
    return filters.validated_data


ASSESSMENT_EXAMPLE = OpenApiExample(
    "A self-assessment",
    value={
        "organisation": 12,
        "version": 3,
        "date": "2025-03-14",
        "mode": "self",
        "office": 2,
        "notes": "With the executive board.",
    },
    request_only=True,
)


class AssessmentList(generics.ListAPIView):
    """Assessments in the caller's scope, latest first, with their scores."""

    serializer_class = AssessmentOutput
    filter_backends: list[type] = []

    def get_queryset(self) -> QuerySet[Assessment]:
        return selectors.assessments_for_user(
            self.request.user, **_filters(AssessmentFilters, self.request)
        )

    @extend_schema(parameters=[AssessmentFilters])
    def get(self, request: Request) -> Response:
        return super().get(request)

    @extend_schema(
        request=AssessmentInput,
        responses={201: AssessmentDetailOutput},
        examples=[ASSESSMENT_EXAMPLE],
    )
    def post(self, request: Request) -> Response:
        """Start a draft assessment of an organisation with a published instrument version."""
        if not services.assessment_create_allowed(request.user):
            raise PermissionDenied(_("Your role does not run assessments."))
        data = AssessmentInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        assessment = _service(
            services.assessment_create,
            user=request.user,
            data=data.validated_data,
            source=Assessment.Source.API,
        )
        return Response(_detail(assessment), status=status.HTTP_201_CREATED)


class AssessmentDetail(APIView):
    @extend_schema(responses={200: AssessmentDetailOutput})
    def get(self, request: Request, pk: int) -> Response:
        """The assessment with its participants and its scores per area and grid cell."""
        return Response(_detail(selectors.assessment_for_user(request.user, pk)))

    @extend_schema(request=AssessmentInput, responses={200: AssessmentDetailOutput})
    def patch(self, request: Request, pk: int) -> Response:
        """Change a draft (the instrument version only while no score is recorded)."""
        assessment = selectors.assessment_for_user(request.user, pk)
        data = AssessmentInput(data=request.data, partial=True, context={"request": request})
        data.is_valid(raise_exception=True)
        assessment = _service(
            services.assessment_update,
            user=request.user,
            assessment=assessment,
            data=data.validated_data,
        )
        return Response(_detail(assessment))

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        """Delete a draft."""
        assessment = selectors.assessment_for_user(request.user, pk)
        _service(services.assessment_delete, user=request.user, assessment=assessment)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ItemScoreOutput(serializers.Serializer):
    item = serializers.CharField(source="item.name")
    item_id = serializers.IntegerField(source="item.pk")
    area = serializers.CharField(source="item.area.name")
    score = serializers.IntegerField(allow_null=True)
    evidence = serializers.CharField(allow_blank=True)
    comment = serializers.CharField(allow_blank=True)
    previous = serializers.IntegerField(
        allow_null=True,
        help_text="the score in the organisation's previous assessment with the instrument",
    )


class ScoreInput(serializers.Serializer):
    item = serializers.CharField(help_text="the item's name (as in the XLSForm) or its id")
    score = serializers.IntegerField(allow_null=True, help_text="a point of the scale; null clears")
    evidence = serializers.CharField(
        required=False, allow_blank=True, help_text="left as recorded when absent"
    )
    comment = serializers.CharField(
        required=False, allow_blank=True, help_text="left as recorded when absent"
    )


class AssessmentScores(APIView):
    parser_classes = [JSONParser]

    @extend_schema(responses={200: ItemScoreOutput(many=True)})
    def get(self, request: Request, pk: int) -> Response:
        """Every item of the assessment's instrument version with its score (null if none)."""
        assessment = selectors.assessment_for_user(request.user, pk)
        return Response(ItemScoreOutput(self._results(assessment), many=True).data)

    @staticmethod
    def _results(assessment: Assessment) -> list[selectors.ItemResult]:
        profile = selectors.assessment_profile(assessment)
        return [result for area in profile.areas for result in profile.items[area.area.pk]]

    @extend_schema(
        request=ScoreInput(many=True),
        responses={
            200: ItemScoreOutput(many=True),
            400: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="Nothing saved; messages keyed by item, then by field.",
                examples=[
                    OpenApiExample(
                        "A score off the scale",
                        value={"lead_vision": {"score": ["The score must be between 1 and 4."]}},
                    )
                ],
            ),
        },
        examples=[
            OpenApiExample(
                "Two items",
                value=[
                    {"item": "lead_vision", "score": 3, "evidence": "Strategy 2024–2028"},
                    {"item": "lead_skills", "score": None},
                ],
                request_only=True,
            )
        ],
    )
    def put(self, request: Request, pk: int) -> Response:
        """Record the listed items' scores, evidence and comments, all or none."""
        return self._save(request, pk)

    @extend_schema(
        request=ScoreInput(many=True),
        responses={200: ItemScoreOutput(many=True), 400: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, pk: int) -> Response:
        """The same as PUT."""
        return self._save(request, pk)

    def _save(self, request: Request, pk: int) -> Response:
        assessment = selectors.assessment_for_user(request.user, pk)
        entries = ScoreInput(data=request.data, many=True, allow_empty=False)
        if not entries.is_valid():
            raise ApiValidationError(self._keyed(request.data, entries.errors))
        batch = [
            services.ScoreEntry(
                entry["item"], entry["score"], entry.get("evidence"), entry.get("comment")
            )
            for entry in entries.validated_data
        ]
        try:
            _service(services.scores_save, user=request.user, assessment=assessment, entries=batch)
        except services.ScoresInvalid as error:
            raise ApiValidationError(error.errors) from None
        return Response(ItemScoreOutput(self._results(assessment), many=True).data)

    @staticmethod
    def _keyed(data: Any, errors: Any) -> Any:
        """Entry errors keyed by each entry's item (or its position when it has none)."""
        if not isinstance(data, list):
            return errors  # not a list at all: DRF's own message
        # DRF gives a list aligned with the entries, or (3.16+) a dict by position.
        by_position = errors.items() if isinstance(errors, dict) else enumerate(errors)
        keyed = {}
        for index, error in by_position:
            if not isinstance(index, int) or not error:
                continue
            entry = data[index] if index < len(data) else None
            name = entry.get("item") if isinstance(entry, dict) else None
            keyed[str(name) if name not in (None, "") else str(index)] = error
        return keyed or errors


class _Transition(APIView):
    service: Callable[..., Assessment]

    def post(self, request: Request, pk: int) -> Response:
        assessment = selectors.assessment_for_user(request.user, pk)
        assessment = _service(type(self).service, user=request.user, assessment=assessment)
        return Response(_detail(assessment))


TRANSITION_SCHEMA = {
    "request": None,
    "responses": {
        200: AssessmentDetailOutput,
        400: OpenApiResponse(description="Not in a state that allows it (or incomplete)."),
        403: OpenApiResponse(description="Your role does not allow it."),
    },
}


class AssessmentSubmit(_Transition):
    service = services.assessment_submit

    @extend_schema(**TRANSITION_SCHEMA)
    def post(self, request: Request, pk: int) -> Response:
        """Submit a draft whose required items are all scored."""
        return super().post(request, pk)


class AssessmentValidate(_Transition):
    service = services.assessment_validate

    @extend_schema(**TRANSITION_SCHEMA)
    def post(self, request: Request, pk: int) -> Response:
        """Validate a submitted assessment (the Office; not the organisation's focal point)."""
        return super().post(request, pk)


class AssessmentReopen(_Transition):
    service = services.assessment_reopen

    @extend_schema(**TRANSITION_SCHEMA)
    def post(self, request: Request, pk: int) -> Response:
        """Send a submitted assessment back to draft, for corrections."""
        return super().post(request, pk)


# --- needs ------------------------------------------------------------------------------


class NeedOutput(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    country = serializers.CharField(source="organisation.country.iso_alpha2", read_only=True)
    group = serializers.ChoiceField(
        ConstituentGroup.choices, source="organisation.group", read_only=True
    )
    status = NeedStatusField(read_only=True)
    source = NeedSourceField(read_only=True)

    class Meta:
        model = Need
        fields = [
            "id",
            "organisation",
            "organisation_name",
            "country",
            "group",
            "title",
            "description",
            "level",
            "type",
            "theme",
            "priority",
            "source",
            "status",
            "assessment",
            "item",
            "area",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class NeedInput(serializers.Serializer):
    """Fields a client may set; the grid rules and scope are checked by the service."""

    organisation = ScopedRelatedField(
        queryset=Organisation.objects.none(), lookup=core_selectors.organisation_for_user
    )
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    level = serializers.ChoiceField(Level.choices)
    type = serializers.ChoiceField(CapacityType.choices)
    theme = serializers.ChoiceField(Theme.choices)
    priority = serializers.ChoiceField(Need.Priority.choices, required=False)
    source = NeedSourceField(required=False)
    status = NeedStatusField(required=False)
    assessment = ScopedRelatedField(
        queryset=Assessment.objects.none(),
        lookup=selectors.assessment_for_user,
        required=False,
        allow_null=True,
        help_text="the assessment that found the need (of the same organisation)",
    )


class NeedFilters(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        help_text="words, each found in the title, description, organisation or country",
    )
    country = serializers.CharField(required=False, help_text="ISO 3166 alpha-2 code")
    region = serializers.CharField(required=False, help_text="region code, e.g. AFRICA")
    group = serializers.ChoiceField(ConstituentGroup.choices, required=False)
    organisation = serializers.IntegerField(required=False, help_text="organisation id")
    level = serializers.ChoiceField(Level.choices, required=False)
    type = serializers.ChoiceField(CapacityType.choices, required=False)
    theme = serializers.ChoiceField(Theme.choices, required=False)
    status = serializers.ChoiceField(Need.Status.choices, required=False)
    priority = serializers.ChoiceField(Need.Priority.choices, required=False)
    source = serializers.ChoiceField(Need.Source.choices, required=False)
    sort = serializers.ChoiceField(list(selectors.NEED_SORTS), required=False)


NEED_EXAMPLE = OpenApiExample(
    "A need found by the organisation itself",
    value={
        "organisation": 12,
        "title": "Negotiators trained in collective bargaining",
        "level": "individual",
        "type": "technical",
        "theme": "social_dialogue",
        "priority": 1,
        "source": "request",
    },
    request_only=True,
)


class NeedList(generics.ListAPIView):
    """The needs registry (§16) in the caller's scope, highest priority first."""

    serializer_class = NeedOutput
    filter_backends: list[type] = []

    def get_queryset(self) -> QuerySet[Need]:
        filters = _filters(NeedFilters, self.request)
        if "priority" in filters:
            filters["priority"] = str(filters["priority"])
        return selectors.needs_for_user(self.request.user, **filters)

    @extend_schema(parameters=[NeedFilters])
    def get(self, request: Request) -> Response:
        return super().get(request)

    @extend_schema(request=NeedInput, responses={201: NeedOutput}, examples=[NEED_EXAMPLE])
    def post(self, request: Request) -> Response:
        """Record a need of an organisation."""
        if not services.need_create_allowed(request.user):
            raise PermissionDenied(_("Your role does not record needs."))
        data = NeedInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        need = _service(services.need_create, user=request.user, data=data.validated_data)
        return Response(NeedOutput(need).data, status=status.HTTP_201_CREATED)


class NeedDetail(APIView):
    @extend_schema(responses={200: NeedOutput})
    def get(self, request: Request, pk: int) -> Response:
        return Response(NeedOutput(selectors.need_for_user(request.user, pk)).data)

    @extend_schema(request=NeedInput, responses={200: NeedOutput})
    def patch(self, request: Request, pk: int) -> Response:
        need = selectors.need_for_user(request.user, pk)
        data = NeedInput(data=request.data, partial=True, context={"request": request})
        data.is_valid(raise_exception=True)
        need = _service(
            services.need_update, user=request.user, need=need, data=data.validated_data
        )
        return Response(NeedOutput(need).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        need = selectors.need_for_user(request.user, pk)
        _service(services.need_delete, user=request.user, need=need)
        return Response(status=status.HTTP_204_NO_CONTENT)
