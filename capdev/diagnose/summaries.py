"""Area and grid-cell scores of an assessment, written whenever its scores change.

Dashboards read these rows instead of re-aggregating item scores. Each summary holds the
weighted mean of the scored items on their own scale and, so that items on different
scales can be combined, the weighted mean of their position on the scale as a percentage
((score − lowest point) / (highest − lowest)). Unscored items count in `total`, not in the
means.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from capdev.core.models import Organisation
from capdev.diagnose.models import (
    AreaScore,
    Assessment,
    CellScore,
    Item,
    ItemScore,
    ThemeScore,
)
from capdev.diagnose.signals import summaries_written

SUMMARY_FIELDS = ("item_count", "answered", "required_missing", "score_mean", "score_percent")


@dataclass
class _Tally:
    total: int = 0
    answered: int = 0
    weight: Decimal = Decimal(0)
    weighted_score: Decimal = Decimal(0)
    weighted_percent: Decimal = Decimal(0)
    required_missing: int = field(default=0)

    def add(self, item: Item, score: int | None) -> None:
        self.total += 1
        if score is None:
            self.required_missing += item.required
            return
        self.answered += 1
        self.weight += item.weight
        self.weighted_score += item.weight * score
        span = item.scale_max - item.scale_min
        self.weighted_percent += item.weight * Decimal(100 * (score - item.scale_min)) / span

    @property
    def mean(self) -> Decimal | None:
        if not self.weight:
            return None
        return (self.weighted_score / self.weight).quantize(Decimal("0.001"), ROUND_HALF_UP)

    @property
    def percent(self) -> Decimal | None:
        if not self.weight:
            return None
        return (self.weighted_percent / self.weight).quantize(Decimal("0.01"), ROUND_HALF_UP)


@dataclass
class _Tallies:
    overall: _Tally = field(default_factory=_Tally)
    areas: dict[int, _Tally] = field(default_factory=lambda: defaultdict(_Tally))
    cells: dict[tuple[str, str], _Tally] = field(default_factory=lambda: defaultdict(_Tally))
    themes: dict[str, _Tally] = field(default_factory=lambda: defaultdict(_Tally))


def tally(items: Iterable[Item], scores: dict[int, int | None], group: str) -> _Tallies:
    """Overall, per-area, per-cell and per-theme tallies of `scores` (item id → score) over
    the `items` that apply to organisations of constituent `group` (the others are not
    asked)."""
    tallies = _Tallies()
    for item in items:
        if not item.applies_to(group):
            continue
        score = scores.get(item.pk)
        tallies.overall.add(item, score)
        tallies.areas[item.area_id].add(item, score)
        tallies.cells[(item.level, item.type)].add(item, score)
        tallies.themes[item.theme].add(item, score)
    return tallies


@dataclass
class SummaryRows:
    """The unsaved summary rows of one or more assessments."""

    areas: list[AreaScore] = field(default_factory=list)
    cells: list[CellScore] = field(default_factory=list)
    themes: list[ThemeScore] = field(default_factory=list)

    def extend(self, other: SummaryRows) -> None:
        self.areas += other.areas
        self.cells += other.cells
        self.themes += other.themes

    def save(self, batch_size: int = 2000) -> None:
        AreaScore.objects.bulk_create(self.areas, batch_size=batch_size)
        CellScore.objects.bulk_create(self.cells, batch_size=batch_size)
        ThemeScore.objects.bulk_create(self.themes, batch_size=batch_size)

    def write(self) -> None:
        """Save the rows of assessments already saved with their totals, and say so."""
        self.save()
        organisations = {row.assessment.organisation_id for row in self.cells}
        summaries_written.send(Assessment, organisation_ids=organisations)


def summary_rows(
    assessment: Assessment, items: Iterable[Item], scores: dict[int, int | None], group: str
) -> SummaryRows:
    """Set the assessment's totals from `scores` and return its unsaved summary rows;
    `group` is the assessed organisation's constituent group."""
    tallies = tally(items, scores, group)
    overall, areas, cells = tallies.overall, tallies.areas, tallies.cells
    assessment.item_count = overall.total
    assessment.answered = overall.answered
    assessment.required_missing = overall.required_missing
    assessment.score_mean = overall.mean
    assessment.score_percent = overall.percent
    area_rows = [
        AreaScore(
            assessment=assessment,
            area_id=area_id,
            answered=t.answered,
            total=t.total,
            mean=t.mean,
            percent=t.percent,
        )
        for area_id, t in areas.items()
    ]
    cell_rows = [
        CellScore(
            assessment=assessment,
            level=level,
            type=kind,
            answered=t.answered,
            total=t.total,
            mean=t.mean,
            percent=t.percent,
        )
        for (level, kind), t in cells.items()
    ]
    theme_rows = [
        ThemeScore(
            assessment=assessment,
            theme=theme,
            answered=t.answered,
            total=t.total,
            mean=t.mean,
            percent=t.percent,
        )
        for theme, t in tallies.themes.items()
    ]
    return SummaryRows(area_rows, cell_rows, theme_rows)


def summarise(assessment: Assessment) -> None:
    """Rewrite the assessment's summary rows and totals from its item scores."""
    items = Item.objects.filter(version_id=assessment.version_id)
    scores = dict(ItemScore.objects.filter(assessment=assessment).values_list("item_id", "score"))
    group = Organisation.objects.values_list("group", flat=True).get(pk=assessment.organisation_id)
    rows = summary_rows(assessment, items, scores, group)
    for model in (AreaScore, CellScore, ThemeScore):
        model.objects.filter(assessment=assessment).delete()
    rows.save()
    Assessment.objects.filter(pk=assessment.pk).update(
        **{name: getattr(assessment, name) for name in SUMMARY_FIELDS}
    )
    if assessment.status != Assessment.Status.DRAFT:  # a draft's summary counts nowhere yet
        summaries_written.send(Assessment, organisation_ids={assessment.organisation_id})
