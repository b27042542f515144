"""One full-text index over everything the Office knows (§16): needs, lessons and good
practices, evaluations (with their documents' extracted text), recommendations, activities
and plans.

Design
------
The index is a derived table, `learn_searchentry`, with one row per indexed record: its kind
and id, the title and body shown in results, the same two texts *folded* for matching
(`title_idx`, `body_idx`), and the filter fields (countries, regions, constituent groups,
grid levels and types, themes — stored as `|a|b|` strings so that one `LIKE '%|a|%'` works on
both backends — and a year). It is created by migration 0002 with raw SQL per vendor and is
not a Django model: nothing but this module reads or writes it.

* SQLite: an external-content FTS5 table over `title_idx, body_idx` kept in step by
  triggers; ranked with `bm25()` weighting the title ten times the body.
* PostgreSQL: a generated `tsvector` column (title weight A, body weight B, configuration
  'simple') with a GIN index; ranked with `ts_rank` with the title weighted far above.

Folding (done here in Python, identically for the index and for queries, so both backends
behave alike and no database extension such as unaccent is needed): Unicode compatibility
decomposition, combining marks dropped (é = e, ñ = n), case folded. Chinese (and Japanese,
Korean) is written without spaces, and neither FTS5's unicode61 tokenizer nor PostgreSQL's
'simple' parser split it into words; so each run of CJK characters is indexed as its
overlapping character bigrams ("能力建设" → "能力 力建 建设"), and a query is folded the same
way: a 2-character query is one bigram and finds every word containing it; a longer one
must contain all its bigrams; a 1-character query matches as a prefix of the bigrams.
The 'simple' configuration does not stem (texts are in four languages), so every query term
matches as a prefix ("train" finds "training"). Terms are ANDed; when that finds nothing the
user may see, the terms are ORed, ranked by how much they match (the decision is made on
visible entries only, so a hidden record never changes what a user finds).

Query terms are reduced to runs of word characters before they reach the query languages
(FTS5 MATCH, to_tsquery — rather than websearch_to_tsquery, which cannot say "prefix"), and
are passed as parameters: no user input is ever interpreted as query syntax.

Snippets and highlighted titles are made in Python (capdev.learn.selectors.search.highlight),
not with FTS5 snippet() or ts_headline: the indexed text is folded and would show without
its accents and with Chinese cut into bigrams. The highlighter finds the matches the way the
index does (folded, by prefix, CJK by substring) in the original text, marks them with
<mark> and escapes everything else; the same on both backends.

Labels (themes, kinds) and country names in the four UI languages are indexed with each
entry (`Document.extra`) but not shown, so "santé au travail" or "泰国" find English records.

Upkeep: capdev.learn.receivers re-indexes a record when it (or what its entry is built from:
an evaluation's documents, a plan's results, many-to-many links) is saved or deleted;
`rebuild()` (`capdev search --rebuild`) rebuilds the whole index, e.g. after bulk loads that
send no signals. Scoping is not in the index: `candidates()` pages through the ranked
entries and keeps those capdev.learn.selectors.search's scope callback lets through (each
model's scoped queryset), before any limit is applied.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.utils import translation

TABLE = "learn_searchentry"
FTS_TABLE = "learn_searchentry_fts"

KINDS = ("need", "lesson", "good_practice", "evaluation", "recommendation", "activity", "plan")
FILTER_FIELDS = ("countries", "regions", "groups", "levels", "types", "themes")

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
CJK_RUN = re.compile(f"[{_CJK}]+")
WORD = re.compile(r"\w+")


# ---------------------------------------------------------------- folding


def fold_char(char: str) -> str:
    decomposed = unicodedata.normalize("NFKD", char)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _bigrams(run: str) -> str:
    if len(run) == 1:
        return f" {run} "
    return " " + " ".join(run[i : i + 2] for i in range(len(run) - 1)) + " "


def fold(text: str) -> str:
    """`text` as it is indexed and matched: no accents, no case, CJK runs as bigrams."""
    folded = "".join(fold_char(c) for c in text or "")
    return CJK_RUN.sub(lambda m: _bigrams(m.group()), folded)


def query_terms(text: str) -> list[str]:
    """The terms of a query (word-character runs of its folded form), each once."""
    seen: dict[str, None] = {}
    for term in WORD.findall(fold(text)):
        seen.setdefault(term, None)
    return list(seen)[:32]


# ---------------------------------------------------------------- documents


@dataclass
class Document:
    kind: str
    object_id: int
    title: str
    body: str
    countries: set[int] = field(default_factory=set)
    regions: set[int] = field(default_factory=set)
    groups: set[str] = field(default_factory=set)
    levels: set[str] = field(default_factory=set)
    types: set[str] = field(default_factory=set)
    themes: set[str] = field(default_factory=set)
    year: int | None = None
    # Words matched but not shown: labels and country names in the four languages.
    extra: str = ""


def _labels(choices: type, values: Iterable[str]) -> str:
    """The choice labels of `values` in every UI language (so a French word finds them)."""
    labels = dict(choices.choices)
    words: list[str] = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            words.extend(str(labels[v]) for v in values if v in labels)
    return " ".join(dict.fromkeys(words))


def _places(countries: Iterable) -> str:
    """Country names in the four languages."""
    names = (n for c in countries for n in (c.name, c.name_fr, c.name_es, c.name_zh))
    return " ".join(dict.fromkeys(n for n in names if n))


def _join(*parts: object) -> str:
    return "\n".join(str(p) for p in parts if p)


def _need_documents(ids: Iterable[int] | None) -> Iterable[Document]:
    from capdev.diagnose.models import Need, Theme

    needs = Need.objects.select_related("organisation__country")
    if ids is not None:
        needs = needs.filter(pk__in=ids)
    for need in needs:
        org = need.organisation
        yield Document(
            "need",
            need.pk,
            need.title,
            _join(need.description, org.name, org.acronym),
            countries={org.country_id},
            regions={org.country.region_id} - {None},
            groups={org.group},
            levels={need.level},
            types={need.type},
            themes={need.theme},
            year=need.created_at.year if need.created_at else None,
            extra=_join(_labels(Theme, [need.theme]), _places([org.country])),
        )


def _lesson_documents(ids: Iterable[int] | None) -> Iterable[Document]:
    from capdev.diagnose.models import Theme
    from capdev.learn.models import Lesson

    lessons = Lesson.objects.prefetch_related("countries")
    if ids is not None:
        lessons = lessons.filter(pk__in=ids)
    for lesson in lessons:
        countries = list(lesson.countries.all())
        when = lesson.published_at or lesson.created_at
        yield Document(
            lesson.kind,
            lesson.pk,
            lesson.title,
            _join(
                lesson.context,
                lesson.challenge,
                lesson.what_worked,
                lesson.conditions,
            ),
            countries={c.pk for c in countries},
            regions={c.region_id for c in countries} - {None},
            groups=set(lesson.groups),
            levels=set(lesson.levels),
            types=set(lesson.types),
            themes=set(lesson.themes),
            year=when.year if when else None,
            extra=_join(
                _labels(Lesson.Kind, [lesson.kind]),
                _labels(Theme, lesson.themes),
                _places(countries),
            ),
        )


def _evaluation_filters(evaluation) -> dict:
    countries = list(evaluation.countries.all())
    return {
        "countries": {c.pk for c in countries},
        "regions": {c.region_id for c in countries} - {None},
        "groups": {o.group for o in evaluation.organisations.all()},
        "themes": set(evaluation.themes),
        "year": evaluation.start.year if evaluation.start else None,
    }


def _evaluation_documents(ids: Iterable[int] | None) -> Iterable[Document]:
    from capdev.diagnose.models import Theme
    from capdev.learn.models import Evaluation

    evaluations = Evaluation.objects.prefetch_related("countries", "organisations", "documents")
    if ids is not None:
        evaluations = evaluations.filter(pk__in=ids)
    for evaluation in evaluations:
        documents = list(evaluation.documents.all())
        yield Document(
            "evaluation",
            evaluation.pk,
            evaluation.title,
            _join(
                evaluation.summary,
                evaluation.evaluator,
                *(d.title for d in documents),
                *(d.text for d in documents),
            ),
            **_evaluation_filters(evaluation),
            extra=_join(
                _labels(Evaluation.Kind, [evaluation.kind]),
                _labels(Theme, evaluation.themes),
                _places(evaluation.countries.all()),
            ),
        )


def recommendation_title(text: str) -> str:
    first = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    return first if len(first) <= 160 else first[:159].rstrip() + "…"


def _recommendation_documents(ids: Iterable[int] | None) -> Iterable[Document]:
    from capdev.learn.models import Recommendation

    recommendations = Recommendation.objects.select_related("evaluation").prefetch_related(
        "evaluation__countries", "evaluation__organisations"
    )
    if ids is not None:
        recommendations = recommendations.filter(pk__in=ids)
    for rec in recommendations:
        yield Document(
            "recommendation",
            rec.pk,
            recommendation_title(rec.text),
            _join(rec.text, rec.evaluation.title),
            **_evaluation_filters(rec.evaluation),
        )


def _grid(needs: Iterable) -> dict:
    needs = list(needs)
    return {
        "levels": {n.level for n in needs},
        "types": {n.type for n in needs},
        "themes": {n.theme for n in needs},
    }


def _activity_documents(ids: Iterable[int] | None) -> Iterable[Document]:
    from capdev.deliver.models import Activity

    activities = Activity.objects.select_related("provider").prefetch_related(
        "countries", "beneficiaries", "actions__needs"
    )
    if ids is not None:
        activities = activities.filter(pk__in=ids)
    for activity in activities:
        countries = list(activity.countries.all())
        needs = {need for action in activity.actions.all() for need in action.needs.all()}
        yield Document(
            "activity",
            activity.pk,
            activity.title,
            _join(
                activity.description,
                activity.place,
                activity.provider.name if activity.provider else "",
            ),
            countries={c.pk for c in countries},
            regions={c.region_id for c in countries} - {None},
            groups={o.group for o in activity.beneficiaries.all()},
            year=activity.start.year if activity.start else None,
            **_grid(needs),
            extra=_join(_labels(Activity.Kind, [activity.kind]), _places(countries)),
        )


def _plan_documents(ids: Iterable[int] | None) -> Iterable[Document]:
    from capdev.plan.models import Plan

    plans = Plan.objects.select_related("country").prefetch_related(
        "organisations", "needs", "results", "actions"
    )
    if ids is not None:
        plans = plans.filter(pk__in=ids)
    for plan in plans:
        organisations = list(plan.organisations.all())
        yield Document(
            "plan",
            plan.pk,
            plan.title,
            _join(
                plan.notes,
                plan.unsdcf_outcome,
                *(o.name for o in organisations),
                *(r.statement for r in plan.results.all()),
                *(a.title for a in plan.actions.all()),
            ),
            countries={plan.country_id},
            regions={plan.country.region_id} - {None},
            groups={o.group for o in organisations},
            year=plan.start.year if plan.start else None,
            **_grid(plan.needs.all()),
            extra=_places([plan.country]),
        )


BUILDERS = {
    "need": _need_documents,
    "lesson": _lesson_documents,
    "evaluation": _evaluation_documents,
    "recommendation": _recommendation_documents,
    "activity": _activity_documents,
    "plan": _plan_documents,
}
# Lessons and good practices are one model, indexed under two kinds.
SOURCE = {kind: kind for kind in BUILDERS} | {"good_practice": "lesson"}


# ---------------------------------------------------------------- upkeep


def _packed(values: Iterable[object]) -> str:
    values = sorted(str(v) for v in values if v not in (None, ""))
    return "|" + "|".join(values) + "|" if values else ""


_COLUMNS = ("kind", "object_id", "title", "body", "title_idx", "body_idx", *FILTER_FIELDS, "year")


def _write(cursor, documents: Iterable[Document]) -> int:
    sql = f"INSERT INTO {TABLE} ({', '.join(_COLUMNS)}) VALUES ({', '.join(['%s'] * 13)})"
    rows = [
        (
            d.kind,
            d.object_id,
            d.title,
            d.body,
            fold(d.title),
            fold(_join(d.body, d.extra)),
            *(_packed(getattr(d, name)) for name in FILTER_FIELDS),
            d.year,
        )
        for d in documents
    ]
    if rows:
        cursor.executemany(sql, rows)
    return len(rows)


def index(source: str, ids: Iterable[int]) -> None:
    """Re-index the records `ids` of `source` ("need", "lesson", "evaluation", …): entries
    of records that no longer exist disappear."""
    ids = list(ids)
    if not ids:
        return
    kinds = [k for k, s in SOURCE.items() if s == source]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {TABLE} WHERE kind IN ({', '.join(['%s'] * len(kinds))})"
            f" AND object_id IN ({', '.join(['%s'] * len(ids))})",
            [*kinds, *ids],
        )
        _write(cursor, BUILDERS[source](ids))


def unindex(source: str, ids: Iterable[int]) -> None:
    ids = list(ids)
    if not ids:
        return
    kinds = [k for k, s in SOURCE.items() if s == source]
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {TABLE} WHERE kind IN ({', '.join(['%s'] * len(kinds))})"
            f" AND object_id IN ({', '.join(['%s'] * len(ids))})",
            [*kinds, *ids],
        )


def rebuild() -> dict[str, int]:
    """Rebuild the whole index; the number of entries of each kind."""
    counts: dict[str, int] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")
        for build in BUILDERS.values():
            documents = list(build(None))
            _write(cursor, documents)
            for d in documents:
                counts[d.kind] = counts.get(d.kind, 0) + 1
        if connection.vendor == "sqlite":
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")
    return counts


def entry_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {TABLE}")
        return cursor.fetchone()[0]


# ---------------------------------------------------------------- querying


@dataclass(frozen=True)
class Candidate:
    kind: str
    object_id: int
    title: str
    body: str
    rank: float


def _match_expression(terms: list[str], any_term: bool) -> str:
    if connection.vendor == "postgresql":
        return (" | " if any_term else " & ").join(f"'{t}':*" for t in terms)
    return (" OR " if any_term else " ").join(f'"{t}"*' for t in terms)


PAGE = 500


def candidates(
    text: str,
    *,
    kinds: Iterable[str] = (),
    filters: dict[str, object] | None = None,
    year: int | None = None,
    limit: int = 2000,
    visible: Callable[[list[Candidate]], list[Candidate]] | None = None,
) -> list[Candidate]:
    """The entries matching `text` and the filters, best first; at most `limit` of them.

    `filters` maps a filter field (countries, regions, groups, levels, types, themes) to one
    value the entry must carry. `visible` (the caller's scope) keeps the candidates of one
    page the user may see: it is applied before the limit and before the AND→OR fallback
    (terms are ORed only when no *visible* entry has them all), so the result never depends
    on entries the user cannot see. Without it, the entries are unscoped."""
    terms = query_terms(text)
    if not terms:
        return []
    where: list[str] = []
    params: list[object] = []
    kinds = [k for k in kinds if k in KINDS]
    if kinds:
        where.append(f"e.kind IN ({', '.join(['%s'] * len(kinds))})")
        params.extend(kinds)
    for name, value in (filters or {}).items():
        if name in FILTER_FIELDS and value not in (None, ""):
            where.append(f"e.{name} LIKE %s")
            params.append(f"%|{value}|%")
    if year:
        where.append("e.year = %s")
        params.append(int(year))
    extra = "".join(f" AND {w}" for w in where)
    columns = "e.kind, e.object_id, e.title, e.body"
    if connection.vendor == "postgresql":
        sql = (
            f"SELECT {columns}, ts_rank('{{0.01, 0.02, 0.1, 1.0}}', e.tsv, q) AS rank"
            f" FROM {TABLE} e, to_tsquery('simple', %s) q WHERE e.tsv @@ q{extra}"
            " ORDER BY rank DESC, e.id LIMIT %s OFFSET %s"
        )
    else:
        sql = (
            f"SELECT {columns}, -bm25({FTS_TABLE}, 10.0, 1.0) AS rank"
            f" FROM {FTS_TABLE} JOIN {TABLE} e ON e.id = {FTS_TABLE}.rowid"
            f" WHERE {FTS_TABLE} MATCH %s{extra} ORDER BY rank DESC, e.id LIMIT %s OFFSET %s"
        )
    found: list[Candidate] = []
    with connection.cursor() as cursor:
        for any_term in (False, True) if len(terms) > 1 else (False,):
            expression = _match_expression(terms, any_term)
            offset = 0
            while len(found) < limit:
                cursor.execute(sql, [expression, *params, PAGE, offset])
                rows = cursor.fetchall()
                page = [Candidate(k, int(i), t, b, float(r)) for k, i, t, b, r in rows]
                found.extend(visible(page) if visible else page)
                if len(rows) < PAGE:
                    break
                offset += PAGE
            if found:
                break
    return found[:limit]
