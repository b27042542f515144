"""What the all-or-nothing list imports (participants, delegations) share: the upload form's
checks, and the API's 400 that lists every problem with its row and column."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePath
from typing import Any, Protocol

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import status
from rest_framework.response import Response

LIST_SUFFIXES = (".csv", ".xlsx")
MB = 1024 * 1024


class ListFileForm(forms.Form):
    """A list to import: a .csv file or an .xlsx workbook of at most `max_bytes`.

    A subclass sets `file_label`, `max_bytes` and `too_large`, the message for a larger file
    (it may name `%(size)d`, the limit in MB).
    """

    file_label: str | Promise
    max_bytes: int
    too_large: str | Promise

    file = forms.FileField(
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(LIST_SUFFIXES)}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].label = self.file_label

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        if PurePath(upload.name or "").suffix.lower() not in LIST_SUFFIXES:
            raise forms.ValidationError(_("Send a .csv file or an .xlsx workbook."))
        if upload.size > self.max_bytes:
            raise forms.ValidationError(self.too_large % {"size": self.max_bytes // MB})
        return upload


class Problem(Protocol):
    """One problem of a refused list (e.g. capdev.deliver.participants_import.Problem)."""

    row: int | None
    column: str | None
    message: str

    def as_dict(self) -> dict[str, Any]: ...


def problems_response(problems: Sequence[Problem]) -> Response:
    """The 400 of a refused import: each problem as a sentence and as row, column, message."""
    # A Response, not a ValidationError: that would turn row numbers into strings.
    return Response(
        {
            "file": [str(problem) for problem in problems],
            "problems": [problem.as_dict() for problem in problems],
        },
        status=status.HTTP_400_BAD_REQUEST,
    )


def problems_schema(example: str, row: int, column: str, message: str) -> OpenApiResponse:
    """The schema of `problems_response`, with one problem as its example."""
    return OpenApiResponse(
        OpenApiTypes.OBJECT,
        description="Nothing imported; every problem with its row (header = 1) and column.",
        examples=[
            OpenApiExample(
                example,
                value={
                    "file": [f"row {row}, column “{column}”: {message}"],
                    "problems": [{"row": row, "column": column, "message": message}],
                },
            )
        ],
    )
