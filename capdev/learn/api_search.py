"""`/api/search/?q=…`: the one search over all knowledge, scoped, ranked, paginated."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from capdev.core.api_pagination import Pagination
from capdev.learn.selectors import search as selectors
from capdev.learn.views_search import SearchForm


class SearchHitSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=list(selectors.KIND_LABELS))
    id = serializers.IntegerField()
    title = serializers.CharField(
        help_text="Plain text, not escaped: escape it when rendering it as HTML."
    )
    snippet = serializers.CharField(
        help_text="HTML: escaped text whose only tags are <mark> around the matches."
    )
    url = serializers.CharField()
    rank = serializers.FloatField(help_text="Higher is better.")


PARAMETERS = [
    OpenApiParameter("q", OpenApiTypes.STR, required=True, description="Words to find."),
    OpenApiParameter("kind", OpenApiTypes.STR, enum=list(selectors.KIND_LABELS)),
    OpenApiParameter("country", OpenApiTypes.INT),
    OpenApiParameter("region", OpenApiTypes.INT),
    OpenApiParameter("group", OpenApiTypes.STR),
    OpenApiParameter("level", OpenApiTypes.STR),
    OpenApiParameter("type", OpenApiTypes.STR),
    OpenApiParameter("theme", OpenApiTypes.STR),
    OpenApiParameter("year", OpenApiTypes.INT),
]


class SearchView(generics.ListAPIView):
    """Ranked hits of every kind the caller may see; `snippet` is HTML with matches marked."""

    pagination_class = Pagination
    serializer_class = SearchHitSerializer
    filter_backends: list = []

    def get_queryset(self):  # the hits are a list, made in list()
        return []

    @extend_schema(parameters=PARAMETERS)
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    def list(self, request: Request, *args, **kwargs) -> Response:
        form = SearchForm(request.query_params, user=request.user)
        if not form.is_valid():
            raise ValidationError(form.errors.get_json_data())
        text = (form.cleaned_data.get("q") or "").strip()
        if not text:
            raise ValidationError({"q": ["Give something to search for."]})
        hits = selectors.search(request.user, text, **form.search_arguments())
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(hits, request, view=self)
        rows = [
            {
                "kind": h.kind,
                "id": h.id,
                "title": h.title,
                "snippet": str(h.snippet),
                "url": request.build_absolute_uri(h.url) if h.url else "",
                "rank": h.rank,
            }
            for h in page
        ]
        return paginator.get_paginated_response(rows)
