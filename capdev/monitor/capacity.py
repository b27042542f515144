"""Dashboard facts of capacity change, kept in step with assessments as they are written.

Every submitted or validated assessment contributes one CapacityFact per figure it has:
overall, each grid cell, each theme (its weighted position on the scale, in %, from the
diagnose summaries). An organisation's facts are rewritten as a whole whenever one of its
assessments, their summaries or the organisation itself changes — a few dozen rows, in the
writer's transaction — so dashboards are never stale and never re-aggregate item scores.
`rebuild_all` rewrites every fact (after a bulk load, or with `capdev refresh-dashboards`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction

from capdev.core.models import Organisation
from capdev.diagnose.models import Assessment, CellScore, ThemeScore
from capdev.lib.bulk import insert_rows
from capdev.monitor.models import CapacityFact, cell_dimension, theme_dimension

CHUNK = 500  # organisations rebuilt per round trip by rebuild_all
COMPLETE_SHARE = 0.8  # an assessment with fewer of its items scored is flagged incomplete


def is_complete(answered: int, total: int) -> bool:
    return answered >= COMPLETE_SHARE * total


@dataclass(frozen=True)
class _Assessed:
    pk: int
    organisation_id: int
    date: object
    percent: object
    complete: bool


def _counted(organisation_ids: Iterable[int]):  # type: ignore[no-untyped-def]
    """The assessments dashboards count: submitted or validated, in date order."""
    return (
        Assessment.objects.filter(organisation_id__in=organisation_ids)
        .exclude(status=Assessment.Status.DRAFT)
        .order_by("organisation_id", "date", "pk")
    )


def _fact_rows(organisation_ids: list[int]) -> list[tuple]:
    """The fact rows of these organisations, as tuples in FACT_COLUMNS order."""
    places = {
        pk: (country, region, group)
        for pk, country, region, group in Organisation.objects.filter(
            pk__in=organisation_ids
        ).values_list("pk", "country_id", "country__region_id", "group")
    }
    assessed = [
        _Assessed(pk, organisation, day, percent, is_complete(answered, total))
        for pk, organisation, day, percent, answered, total in _counted(
            organisation_ids
        ).values_list("pk", "organisation_id", "date", "score_percent", "answered", "item_count")
    ]
    figures: dict[int, list[tuple[str, object, bool]]] = defaultdict(list)
    ids = [a.pk for a in assessed]
    for assessment, level, kind, percent, answered, total in CellScore.objects.filter(
        assessment_id__in=ids, percent__isnull=False
    ).values_list("assessment_id", "level", "type", "percent", "answered", "total"):
        figures[assessment].append(
            (cell_dimension(level, kind), percent, is_complete(answered, total))
        )
    for assessment, theme, percent, answered, total in ThemeScore.objects.filter(
        assessment_id__in=ids, percent__isnull=False
    ).values_list("assessment_id", "theme", "percent", "answered", "total"):
        figures[assessment].append((theme_dimension(theme), percent, is_complete(answered, total)))
    by_organisation: dict[int, list[_Assessed]] = defaultdict(list)
    for assessment in assessed:
        by_organisation[assessment.organisation_id].append(assessment)
    rows = []
    for organisation, assessments in by_organisation.items():
        country, region, group = places[organisation]
        sequences: dict[str, int] = defaultdict(int)
        last: dict[str, int] = {}
        for assessment in assessments:
            own = [(CapacityFact.OVERALL, assessment.percent, assessment.complete)]
            for dimension, percent, complete in own + figures[assessment.pk]:
                if percent is None:
                    continue
                sequences[dimension] += 1
                last[dimension] = len(rows)
                rows.append(
                    [
                        assessment.pk,
                        organisation,
                        country,
                        region,
                        group,
                        assessment.date,
                        assessment.date.year,
                        dimension,
                        percent,
                        complete,
                        sequences[dimension],
                        False,
                    ]
                )
        for index in last.values():
            rows[index][-1] = True
    return [tuple(row) for row in rows]


FACT_COLUMNS = (
    "assessment_id",
    "organisation_id",
    "country_id",
    "region_id",
    "group",
    "date",
    "year",
    "dimension",
    "percent",
    "complete",
    "sequence",
    "latest",
)


def _insert(rows: list[tuple]) -> None:
    if rows:
        insert_rows(CapacityFact._meta.db_table, FACT_COLUMNS, rows)


def refresh(organisation_ids: Iterable[int]) -> None:
    """Rewrite the facts of these organisations from their assessments."""
    ids = sorted(set(organisation_ids))
    if not ids:
        return
    with transaction.atomic():
        # Two writers refreshing one organisation at once would each insert the rows the
        # other's delete did not see: the second waits here instead (PostgreSQL; SQLite
        # writes one at a time anyway).
        list(Organisation.objects.select_for_update().filter(pk__in=ids).values_list("pk"))
        CapacityFact.objects.filter(organisation_id__in=ids).delete()
        _insert(_fact_rows(ids))


def rebuild_all(progress: Callable[[int, int], None] | None = None) -> int:
    """Rewrite every fact; returns how many there are. `progress(done, total)` is told about
    each chunk of organisations."""
    assessed = list(
        Assessment.objects.exclude(status=Assessment.Status.DRAFT)
        .order_by("organisation_id")
        .values_list("organisation_id", flat=True)
        .distinct()
    )
    with transaction.atomic():
        facts = CapacityFact.objects.all()
        facts._raw_delete(facts.db)
        for start in range(0, len(assessed), CHUNK):
            _insert(_fact_rows(assessed[start : start + CHUNK]))
            if progress:
                progress(min(start + CHUNK, len(assessed)), len(assessed))
    return CapacityFact.objects.count()
