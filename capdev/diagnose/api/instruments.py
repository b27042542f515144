"""API of instruments: list, XLSForm upload, content, XLSForm and XForm downloads, and
submissions from ODK Central and KoboToolbox."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import (
    QuerySet,
)
from django.http import HttpResponse
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
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from capdev.core.models import ConstituentGroup
from capdev.diagnose import selectors, services
from capdev.diagnose.api.common import (
    XML_TYPE,
    TranslatedTextField,
    VersionStatusField,
    call_service,
)
from capdev.diagnose.models import (
    Instrument,
    InstrumentVersion,
    Item,
)
from capdev.diagnose.submissions import SubmissionsInvalid, import_submissions
from capdev.diagnose.xlsform import XLSX_TYPE, XLSFormInvalid, export_xform, export_xlsform

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
            result = call_service(
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
