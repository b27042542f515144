"""Searching all knowledge, as one user may see it (capdev.learn.search holds the index).

The index knows nothing of scope: `search()` takes its ranked candidates and keeps, per kind,
only the ids the user's scoped queryset of that kind's model returns (published lessons and
good practices, and drafts only for those who may change them). A hit the user may not see
never reaches a page, the API or the CLI, not even its title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from capdev.core.scoping import Action, scoped
from capdev.learn import search as index

KIND_LABELS = {
    "need": _("Need"),
    "lesson": _("Lesson learned"),
    "good_practice": _("Good practice"),
    "evaluation": _("Evaluation"),
    "recommendation": _("Recommendation"),
    "activity": _("Activity"),
    "plan": _("Plan"),
}
SNIPPET_CHARS = 240


@dataclass
class Hit:
    """One result. Its snippet, highlighted title and link are made when first asked for,
    so that only the page shown pays for them."""

    kind: str
    id: int
    title: str
    body: str
    rank: float
    terms: list[str]

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @cached_property
    def snippet(self) -> SafeString:
        return highlight(self.body, self.terms, window=SNIPPET_CHARS)

    @cached_property
    def title_html(self) -> SafeString:
        return highlight(self.title, self.terms)

    @cached_property
    def url(self) -> str:
        return _url(self.kind, self.id)


def _models():
    from capdev.deliver.models import Activity
    from capdev.diagnose.models import Need
    from capdev.learn.models import Evaluation, Lesson, Recommendation
    from capdev.plan.models import Plan

    return {
        "need": Need,
        "lesson": Lesson,
        "evaluation": Evaluation,
        "recommendation": Recommendation,
        "activity": Activity,
        "plan": Plan,
    }


def visible_ids(user, source: str, ids: set[int]) -> set[int]:
    """Which of `ids` (records of index source `source`) `user` may see."""
    if not ids:
        return set()
    model = _models()[source]
    queryset = model._default_manager.filter(pk__in=ids)
    if source == "lesson":
        published = scoped(user, queryset.filter(status=model.Status.PUBLISHED))
        drafts = scoped(user, queryset.exclude(status=model.Status.PUBLISHED), Action.CHANGE)
        return set(published.values_list("pk", flat=True)) | set(
            drafts.values_list("pk", flat=True)
        )
    return set(scoped(user, queryset).values_list("pk", flat=True))


def _url(kind: str, pk: int) -> str:
    try:
        if kind == "need":
            return reverse("diagnose:need-detail", args=[pk])
        if kind == "activity":
            return reverse("deliver:activity-detail", args=[pk])
        if kind == "plan":
            return reverse("plan:plan-detail", args=[pk])
        if kind == "evaluation":
            return reverse("learn:evaluation-detail", args=[pk])
        if kind in ("lesson", "good_practice"):
            return reverse("learn:lesson-detail", args=[pk])
        if kind == "recommendation":
            from capdev.learn.models import Recommendation

            evaluation = Recommendation.objects.values_list("evaluation_id", flat=True).get(pk=pk)
            url = reverse("learn:evaluation-detail", args=[evaluation])
            return f"{url}#recommendation-{pk}"
    except (NoReverseMatch, LookupError):
        return ""
    return ""


# ---------------------------------------------------------------- highlighting


def _match_spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Where in `text` (original offsets) the query terms match, as the index matches them:
    folded, words by prefix, CJK by substring."""
    folded: list[str] = []
    origin: list[int] = []
    for i, char in enumerate(text):
        for f in index.fold_char(char):
            folded.append(f)
            origin.append(i)
    flat = "".join(folded)
    spans: list[tuple[int, int]] = []
    for term in terms:
        if index.CJK_RUN.fullmatch(term):
            pattern = re.escape(term)
        else:
            pattern = r"(?<!\w)" + re.escape(term) + r"\w*"
        for m in re.finditer(pattern, flat):
            if m.end() > m.start():
                spans.append((origin[m.start()], origin[m.end() - 1] + 1))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, terms: list[str], *, window: int | None = None) -> SafeString:
    """`text` escaped, with the matched words in <mark>; with `window`, only an excerpt of
    about that many characters around the first match (with … where cut)."""
    text = " ".join((text or "").split())
    spans = _match_spans(text, terms)
    start, end = 0, len(text)
    if window and len(text) > window:
        first = spans[0][0] if spans else 0
        start = max(0, first - window // 3)
        end = min(len(text), start + window)
        while start > 0 and not text[start - 1].isspace() and first - start < window // 2:
            start -= 1
    parts: list[str] = ["…" if start > 0 else ""]
    position = start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        parts.append(escape(text[position:s]))
        parts.append(f"<mark>{escape(text[s:e])}</mark>")
        position = e
    parts.append(escape(text[position:end]))
    if end < len(text):
        parts.append("…")
    return mark_safe("".join(parts))  # noqa: S308  (every piece of text is escaped above)


# ---------------------------------------------------------------- search


def search(
    user,
    text: str,
    *,
    kinds: list[str] | tuple[str, ...] = (),
    country: int | None = None,
    region: int | None = None,
    group: str | None = None,
    level: str | None = None,
    type: str | None = None,  # noqa: A002  (the grid's "type", as in the API)
    theme: str | None = None,
    year: int | None = None,
    limit: int | None = None,
) -> list[Hit]:
    """Every record matching `text` and the filters that `user` may see, best first (at most
    `limit`, else the index's default cap). Scope is applied inside the index's paging, before
    any limit and before the AND→OR fallback: hidden records never change the result."""

    def in_scope(page: list[index.Candidate]) -> list[index.Candidate]:
        by_source: dict[str, set[int]] = {}
        for c in page:
            by_source.setdefault(index.SOURCE[c.kind], set()).add(c.object_id)
        visible = {source: visible_ids(user, source, ids) for source, ids in by_source.items()}
        return [c for c in page if c.object_id in visible[index.SOURCE[c.kind]]]

    candidates = index.candidates(
        text,
        kinds=kinds,
        filters={
            "countries": country,
            "regions": region,
            "groups": group,
            "levels": level,
            "types": type,
            "themes": theme,
        },
        year=year,
        visible=in_scope,
        **({"limit": limit} if limit else {}),
    )
    terms = index.query_terms(text)
    return [Hit(c.kind, c.object_id, c.title, c.body, round(c.rank, 6), terms) for c in candidates]


def filter_choices(user) -> dict[str, list[tuple[object, str]]]:
    """The values offered in the search filters (countries and regions in the user's scope)."""
    from capdev.core.models import ConstituentGroup, Country, Region
    from capdev.diagnose.models import CapacityType, Level, Theme

    countries = Country.objects.filter(
        Q(organisations__isnull=False) | Q(activities__isnull=False)
    ).distinct()
    return {
        "kind": [(k, str(v)) for k, v in KIND_LABELS.items()],
        "country": [(c.pk, str(c)) for c in countries.order_by("name")],
        "region": [(r.pk, str(r)) for r in Region.objects.order_by("name")],
        "group": list(ConstituentGroup.choices),
        "level": list(Level.choices),
        "type": list(CapacityType.choices),
        "theme": list(Theme.choices),
    }
