"""Ten years of synthetic data (2016–2025) for `capdev seed --scale large`: the volume the
dashboards, the needs registry and the progress report are measured on (bench/).

Called once by `capdev.core.demo.seed` after the normal demo dataset, on its ≈3,000
organisations, it adds:

* assessments of most tripartite constituents (95 %) with their group's built-in instrument
  (the one the small seed used for them, if any), from 2016 to mid-2025 — about 50,000,
  so about every five months per organisation, since the large seed has ≈2,250 tripartite
  constituents — their item scores (≈40 items each, ≈2 million) and their summaries
  (assessment totals, area, grid-cell and theme scores, from `summaries.summary_rows` as
  the app writes them). Each organisation's latent capacity drifts upward over the years,
  through the scores the small seed gave it, with noise and setbacks; joint and external
  validated assessments raise needs from their lowest items;
* about 20,000 activities over the ten years and the countries, with about 1,000,000
  participations of about 600,000 invented people (e-mail at example.org);
* membership figures for 2016–2018 of the workers' and employers' organisations (the small
  seed writes 2019–2025), going back from its 2019 figure;

then rebuilds the dashboard facts (`capdev.monitor.capacity.rebuild_all`).

For speed these rows are generated as tuples in streams and written with raw `executemany`
on SQLite (inside the seed's one transaction) and `COPY` on PostgreSQL, with ids assigned
here so that children can point at their parents without a round trip. They carry no
django-simple-history rows: they are bulk synthetic data, marked as such (source "demo",
"Synthetic demo data."), and never edited by anyone. Everything is drawn from the seed's
`random.Random` with its fixed seed, so the dataset is the same on every run.
"""

from __future__ import annotations

import dataclasses
import random
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import translation

from capdev.core.models import (
    ConstituentGroup,
    Country,
    Membership,
    Office,
    Organisation,
    OrganisationKind,
)
from capdev.lib.bulk import insert_rows

Progress = Callable[[int, int], None]
G = ConstituentGroup
K = OrganisationKind
TRIPARTITE = (G.GOVERNMENT, G.WORKERS, G.EMPLOYERS)
FIRST_DAY = date(2016, 1, 1)
LAST_DAY = date(2025, 6, 30)  # the demo's "today", as in capdev.diagnose.demo
ACTIVITIES_END = date(2025, 12, 31)  # activities are planned up to the end of 2025
RECENT = date(2024, 7, 1)  # the latest assessment since then may still be a draft
NOTES = "Synthetic demo data."
SERIES = "Synthetic demo data (ten-year series)."  # the activities reset() knows as its own
FLUSH_ROWS = 100_000  # item scores or participations buffered before a write
SQLITE_CACHE_KIB = 256 * 1024


@dataclass(frozen=True)
class Volume:
    """How much to generate; the defaults are the large scale, tests pass small ones."""

    assessed_share: float = 0.95  # of the tripartite organisations
    assessments: int = 51_000  # aimed at, with the small seed's: sets the interval between them
    needs_share: float = 0.5  # of the validated joint and external assessments
    activities: int = 20_000
    participations: int = 1_000_000  # aimed at: the activities' sizes follow from it
    new_person_share: float = 0.48  # of the places; a person met before is sometimes taken twice


LARGE = Volume()


@dataclass(frozen=True)
class LargeResult:
    assessments: int
    drafts: int
    item_scores: int
    summaries: int  # area, grid-cell and theme rows
    needs: int
    activities: int
    people: int
    participations: int
    memberships: int
    capacity_facts: int
    seconds: dict[str, float] = field(default_factory=dict)  # by step

    @property
    def mean_items(self) -> float:
        return self.item_scores / self.assessments if self.assessments else 0.0


# --- writing ------------------------------------------------------------------------------


class _Writer:
    """Inserts tuples into a model's table: one executemany on SQLite, COPY on PostgreSQL."""

    def __init__(self) -> None:
        connection.ensure_connection()
        self.vendor = connection.vendor
        self.raw = connection.connection

    def insert(
        self, table: str, columns: Iterable[str | None], rows: Iterable[tuple[Any, ...]]
    ) -> None:
        insert_rows(table, [str(c) for c in columns], rows)

    def next_id(self, model: type[models.Model]) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX(id) FROM {connection.ops.quote_name(model._meta.db_table)}")
            (last,) = cursor.fetchone()
        return (last or 0) + 1

    def reset_sequences(self, models_: list[type[models.Model]]) -> None:
        """After rows were written with their ids (PostgreSQL only: SQLite keeps up)."""
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models_):
                cursor.execute(sql)


class _Rows:
    """Turns unsaved model instances into tuples of their table's columns, as the ORM would
    write them (JSON encoded, datetimes in UTC on SQLite)."""

    def __init__(self, model: type[models.Model], with_pk: bool = False) -> None:
        self.table = model._meta.db_table
        fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
        self.columns = [f.column for f in fields]
        self.getters: list[tuple[str, Callable[[Any], Any] | None]] = []
        for f in fields:
            prepare = None
            if isinstance(f, models.DateTimeField | models.JSONField):
                prepare = _prepare(f)
            self.getters.append((f.attname, prepare))

    def __call__(self, obj: models.Model) -> tuple[Any, ...]:
        return tuple(
            getattr(obj, name) if prepare is None else prepare(getattr(obj, name))
            for name, prepare in self.getters
        )


def _prepare(f: models.Field) -> Callable[[Any], Any]:
    return lambda value: f.get_db_prep_save(value, connection)


@contextmanager
def _large_cache() -> Iterator[None]:
    """On SQLite, a page cache big enough for the indexes millions of rows go into."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (previous,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = {-SQLITE_CACHE_KIB}")
        try:
            yield
        finally:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


@contextmanager
def _foreign_keys_checked_at_the_end(models_: list[type[models.Model]]) -> Iterator[None]:
    """On PostgreSQL, drop the foreign keys of these tables while millions of rows are copied
    in, and add them back after: one validating join per key instead of a deferred trigger
    per row and key, about 15 million of them, that the commit would otherwise run."""
    if connection.vendor != "postgresql":
        yield
        return
    tables = [m._meta.db_table for m in models_]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' "
            "AND conrelid IN (SELECT to_regclass(t) FROM unnest(%s::text[]) AS t) "
            "ORDER BY 1, 2",
            [tables],
        )
        keys = cursor.fetchall()
        quote = connection.ops.quote_name
        # Rows written earlier in the transaction wait for their deferred checks, and a table
        # with pending checks cannot be altered: run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, name, _ in keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
    yield
    with connection.cursor() as cursor:
        for table, name, definition in keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _moment(day: date, days_later: int = 0, hour: int = 10) -> datetime:
    return datetime.combine(day + timedelta(days=days_later), clock(hour), tzinfo=UTC)


def _years(day: date) -> float:
    return day.year + (day.timetuple().tm_yday - 1) / 365.25


def _clamp(value: float) -> float:
    return min(1.0, max(0.0, value))


class _Bar:
    """Progress over the steps, each given a share of the bar."""

    def __init__(self, progress: Progress | None, shares: dict[str, int]) -> None:
        self.progress = progress
        self.shares = shares
        self.total = sum(shares.values())
        self.offset = 0
        self.step = ""

    def start(self, step: str) -> None:
        if self.step:
            self.offset += self.shares[self.step]
        self.step = step
        self(0, 1)

    def __call__(self, done: int, total: int) -> None:
        if self.progress is not None:
            share = self.shares[self.step] * done // max(total, 1)
            self.progress(self.offset + share, self.total)


# --- assessments ----------------------------------------------------------------------------


@dataclass
class _Instrument:
    version_id: int
    code: str
    items: list[Any]  # Item rows, in position order, for summary_rows
    asked: dict[str, list[tuple[Any, ...]]]  # group → (item, optional, theme, lowest, span)


def _instruments() -> dict[int, _Instrument]:
    """The built-in instruments' published versions, by version id."""
    from capdev.diagnose.models import InstrumentVersion, Item

    versions = InstrumentVersion.objects.filter(
        instrument__builtin=True, status=InstrumentVersion.Status.PUBLISHED
    ).select_related("instrument")
    items = list(Item.objects.filter(version__in=versions).order_by("version", "position"))
    found = {}
    for version in versions:
        own = [i for i in items if i.version_id == version.pk]
        asked = {
            str(group): [
                (i, not i.required, i.theme, i.scale_min, i.scale_max - i.scale_min)
                for i in own
                # as capdev.diagnose.demo: required items are always scored
                if i.required or i.applies_to(group)
            ]
            for group in TRIPARTITE
        }
        found[version.pk] = _Instrument(version.pk, version.instrument.code, own, asked)
    return found


@dataclass
class _Trajectory:
    """An organisation's latent capacity (0–1) over time: a drift upward through the
    positions its earlier (small-seed) assessments scored, if any."""

    start: float  # years
    base: float
    drift: float  # per year
    anchors: list[tuple[float, float]]  # (years, level)

    def level(self, t: float) -> float:
        anchors = self.anchors
        if not anchors:
            return self.base + self.drift * (t - self.start)
        if t <= anchors[0][0]:
            return anchors[0][1] - self.drift * (anchors[0][0] - t)
        if t >= anchors[-1][0]:
            return anchors[-1][1] + self.drift * (t - anchors[-1][0])
        for (t0, l0), (t1, l1) in zip(anchors, anchors[1:], strict=False):
            if t0 <= t <= t1:
                return l0 + (l1 - l0) * (t - t0) / (t1 - t0) if t1 > t0 else l1
        return anchors[-1][1]


@dataclass
class _Planned:
    organisation: Organisation
    instrument: _Instrument
    start: date
    trajectory: _Trajectory
    taken: list[date]  # dates of its existing assessments, kept clear


@dataclass
class _Done:
    """An assessment written, kept while its organisation's needs are drawn."""

    assessment: Any
    scores: dict[int, int | None]


class _Assessments:
    def __init__(
        self, rng: random.Random, writer: _Writer, offices: dict[int, int], volume: Volume
    ) -> None:
        from capdev.diagnose.models import (
            AreaScore,
            Assessment,
            CellScore,
            ItemScore,
            Need,
            ThemeScore,
        )

        self.rng = rng
        self.writer = writer
        self.offices = offices
        self.volume = volume
        self.Assessment = Assessment
        self.Need = Need
        self.next_id = writer.next_id(Assessment)
        self.assessment_rows = _Rows(Assessment, with_pk=True)
        self.need_rows = _Rows(Need)
        self.summary_rows = {m: _Rows(m) for m in (AreaScore, CellScore, ThemeScore)}
        self.score_table = ItemScore._meta.db_table
        self.score_columns = ("assessment_id", "item_id", "score", "evidence", "comment")
        self.buffers: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        self.counts: dict[str, int] = defaultdict(int)
        self.descriptions: dict[tuple[int, int | None], str] = {}

    # planning: who is assessed with what, from when

    def plan(self, organisations: list[Organisation]) -> list[_Planned]:
        from capdev.diagnose.demo import INSTITUTIONAL_SHARE, instrument_codes_for

        rng = self.rng
        instruments = _instruments()
        by_code = {i.code: i for i in instruments.values()}
        self.instruments = instruments
        existing: dict[int, list[tuple[date, int, Decimal | None]]] = defaultdict(list)
        for organisation, version, day, percent in (
            self.Assessment.objects.exclude(status=self.Assessment.Status.DRAFT)
            .order_by("date")
            .values_list("organisation_id", "version_id", "date", "score_percent")
        ):
            existing[organisation].append((day, version, percent))
        self.existing = sum(len(v) for v in existing.values())
        planned = []
        for organisation in organisations:
            if organisation.group not in TRIPARTITE or rng.random() >= self.volume.assessed_share:
                continue
            earlier = existing.get(organisation.pk, [])
            if earlier and earlier[0][1] in instruments:
                instrument = instruments[earlier[0][1]]
            else:
                fitting = [
                    by_code[code]
                    for code in instrument_codes_for(organisation)
                    if code in by_code and by_code[code].asked[organisation.group]
                ]
                if not fitting:
                    continue
                own = len(fitting) > 1 and rng.random() < INSTITUTIONAL_SHARE
                instrument = fitting[1] if own else fitting[0]
            # Most were first assessed in 2016, the others joined later.
            if rng.random() < 0.75:
                start = FIRST_DAY + timedelta(days=rng.randint(0, 365))
            else:
                start = date(2017, 1, 1) + timedelta(days=rng.randint(0, 5 * 365))
            anchors = [
                (_years(day), float(percent) / 100)
                for day, version, percent in earlier
                if version == instrument.version_id and percent is not None
            ]
            trajectory = _Trajectory(
                start=_years(start),
                base=min(0.75, max(0.08, rng.gauss(0.33, 0.12))),
                drift=max(-0.01, rng.gauss(0.035, 0.02)),
                anchors=anchors,
            )
            planned.append(
                _Planned(organisation, instrument, start, trajectory, [e[0] for e in earlier])
            )
        return planned

    # writing

    def write_all(self, planned: list[_Planned], bar: _Bar) -> None:
        days = sum((LAST_DAY - p.start).days for p in planned)
        wanted = max(1, self.volume.assessments - self.existing)
        interval = max(30, days / wanted)  # days between two assessments, on average
        for n, plan in enumerate(planned):
            self._organisation(plan, interval)
            if sum(len(v) for v in self.buffers.values()) >= FLUSH_ROWS:
                self.flush()
            bar(n + 1, len(planned))
        self.flush()

    def _organisation(self, plan: _Planned, interval: float) -> None:
        rng = self.rng
        days: list[date] = []
        day = plan.start
        while day <= LAST_DAY:
            if all(abs((day - taken).days) > 45 for taken in plan.taken):
                days.append(day)
            day += timedelta(days=round(interval * rng.uniform(0.6, 1.4)))
        themes: dict[str, float] = {}
        setback = 0.0
        done: list[_Done] = []
        for n, day in enumerate(days):
            if rng.random() < 0.05:  # a bad year: a change of leadership, a split, a crisis
                setback -= rng.uniform(0.03, 0.1)
            setback *= 0.8
            for theme in themes:
                themes[theme] += rng.gauss(0, 0.02)
            level = plan.trajectory.level(_years(day)) + setback
            last = n == len(days) - 1
            draft = last and day >= RECENT and rng.random() < 0.15
            done.append(self._assessment(plan, day, level, themes, draft))
        self._needs(plan, done)

    def _assessment(
        self, plan: _Planned, day: date, level: float, themes: dict[str, float], draft: bool
    ) -> _Done:
        from capdev.diagnose.demo import EVIDENCE
        from capdev.diagnose.summaries import summary_rows

        rng = self.rng
        A = self.Assessment
        organisation = plan.organisation
        mode = rng.choices([A.Mode.SELF, A.Mode.JOINT, A.Mode.EXTERNAL], weights=[5, 3, 2])[0]
        bias = {A.Mode.SELF: 0.05, A.Mode.JOINT: 0.0, A.Mode.EXTERNAL: -0.03}[mode]
        status = (
            A.Status.DRAFT
            if draft
            else A.Status.SUBMITTED
            if rng.random() < 0.12
            else A.Status.VALIDATED
        )
        office = self.offices.get(organisation.country_id)
        if mode == A.Mode.SELF and rng.random() < 0.5:
            office = None
        created = _moment(day)
        submitted = _moment(day, rng.randint(1, 20)) if status != A.Status.DRAFT else None
        validated = _moment(day, rng.randint(21, 60)) if status == A.Status.VALIDATED else None
        assessment = A(
            id=self.next_id,
            organisation_id=organisation.pk,
            version_id=plan.instrument.version_id,
            date=day,
            mode=mode,
            office_id=office,
            status=status,
            notes=NOTES,
            source=A.Source.DEMO,
            submitted_at=submitted,
            validated_at=validated,
            created_at=created,
            updated_at=validated or submitted or created,
        )
        self.next_id += 1
        asked = plan.instrument.asked[organisation.group]
        filled = rng.randint(len(asked) // 4, len(asked) - 1) if draft else len(asked)
        scores: dict[int, int | None] = {}
        item_scores = self.buffers[self.score_table]
        gauss, uniform = rng.gauss, rng.random
        for index, (item, optional, theme, lowest, span) in enumerate(asked):
            if index >= filled or (optional and uniform() < 0.08):
                continue
            offset = themes.get(theme)
            if offset is None:
                offset = themes[theme] = gauss(0, 0.12)
            position = _clamp(level + offset + bias + gauss(0, 0.1))
            score = lowest + round(position * span)
            scores[item.pk] = score
            evidence = EVIDENCE[int(uniform() * len(EVIDENCE))] if uniform() < 0.1 else ""
            item_scores.append((assessment.pk, item.pk, score, evidence, ""))
        rows = summary_rows(assessment, plan.instrument.items, scores, organisation.group)
        for kind in dataclasses.fields(rows):
            for row in getattr(rows, kind.name):
                convert = self.summary_rows[type(row)]
                self.buffers[convert.table].append(convert(row))
        self.buffers[self.assessment_rows.table].append(self.assessment_rows(assessment))
        self.counts["assessments"] += 1
        self.counts["drafts"] += draft
        self.counts["item_scores"] += len(scores)
        return _Done(assessment, scores)

    def _needs(self, plan: _Planned, done: list[_Done]) -> None:
        """2–3 needs from the lowest-scoring items of some validated joint or external
        assessments; a need is addressed or planned when a later assessment scored the
        item higher."""
        from capdev.diagnose.services import _need_description

        rng = self.rng
        A, Need = self.Assessment, self.Need
        source = Need.Source.ASSESSMENT
        if plan.instrument.code == "labour_administration_audit":
            source = Need.Source.LABOUR_ADMIN_AUDIT
        items = {item.pk: item for item in plan.instrument.items}
        table = self.need_rows.table
        for n, this in enumerate(done):
            assessment = this.assessment
            if (
                assessment.status != A.Status.VALIDATED
                or assessment.mode == A.Mode.SELF
                or rng.random() >= self.volume.needs_share
            ):
                continue
            later = next(
                (d for d in done[n + 1 :] if d.assessment.status == A.Status.VALIDATED), None
            )
            lowest = sorted(
                this.scores,
                key=lambda pk: (
                    (this.scores[pk] - items[pk].scale_min)
                    / (items[pk].scale_max - items[pk].scale_min),
                    rng.random(),
                ),
            )
            for rank, pk in enumerate(lowest[: rng.randint(2, 3)]):
                item, score = items[pk], this.scores[pk]
                draw = rng.random()
                after = later.scores.get(pk) if later else None
                if after is not None and score is not None and after > score:
                    status = Need.Status.ADDRESSED if draw < 0.6 else Need.Status.PLANNED
                elif assessment.date < date(2023, 1, 1):
                    status = (
                        Need.Status.OPEN
                        if draw < 0.5
                        else Need.Status.PLANNED
                        if draw < 0.8
                        else Need.Status.ADDRESSED
                    )
                else:
                    status = Need.Status.OPEN if draw < 0.85 else Need.Status.PLANNED
                key = (pk, score)
                if key not in self.descriptions:
                    self.descriptions[key] = _need_description(item, score)
                need = Need(
                    organisation_id=assessment.organisation_id,
                    title=item.label.get("en", item.name)[:200],
                    description=self.descriptions[key],
                    level=item.level,
                    type=item.type,
                    theme=item.theme,
                    priority=Need.Priority.HIGH if rank == 0 else Need.Priority.MEDIUM,
                    source=source,
                    status=status,
                    assessment_id=assessment.pk,
                    item_id=pk,
                    area_id=item.area_id,
                    created_at=assessment.validated_at,
                    updated_at=assessment.validated_at,
                )
                self.buffers[table].append(self.need_rows(need))
                self.counts["needs"] += 1

    def flush(self) -> None:
        """Write the buffered rows, parents first."""
        order = [
            (self.assessment_rows.table, self.assessment_rows.columns),
            *[(rows.table, rows.columns) for rows in self.summary_rows.values()],
            (self.score_table, self.score_columns),
            (self.need_rows.table, self.need_rows.columns),
        ]
        for table, columns in order:
            rows = self.buffers.pop(table, [])
            if rows:
                self.writer.insert(table, columns, rows)
                if table in {r.table for r in self.summary_rows.values()}:
                    self.counts["summaries"] += len(rows)
        self.buffers.clear()


# --- activities and their participants -------------------------------------------------------


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


class _Activities:
    """Activities spread over the years and the countries, each for a few organisations of
    its country, with participants drawn from pools of people per organisation: a new person
    for about `new_person_share` of the places, someone met at an earlier activity for the
    rest."""

    def __init__(
        self,
        rng: random.Random,
        writer: _Writer,
        organisations: list[Organisation],
        offices: list[Office],
        volume: Volume,
    ) -> None:
        from capdev.deliver.demo import FEMALE_NAMES, MALE_NAMES, SURNAMES, TESTED
        from capdev.deliver.models import Activity, Participation, Person
        from capdev.diagnose.demo import PARTICIPANT_ROLES
        from capdev.plan.models import CrossCuttingDriver, FundingSource

        self.rng = rng
        self.writer = writer
        self.volume = volume
        self.Activity = Activity
        A = Activity.Kind
        # kind, weight, (fewest, most) participants before scaling, (shortest, longest) days
        self.kinds = [
            (A.COURSE, 30, (15, 35), (3, 10)),
            (A.WORKSHOP, 30, (20, 50), (1, 3)),
            (A.ADVISORY, 8, (3, 10), (20, 90)),
            (A.STUDY_VISIT, 5, (6, 15), (3, 7)),
            (A.PEER_EXCHANGE, 5, (8, 20), (2, 4)),
            (A.E_LEARNING, 12, (40, 200), (30, 75)),
            (A.CONFERENCE, 10, (80, 250), (2, 3)),
        ]
        weights = sum(k[1] for k in self.kinds)
        mean_size = sum(w * (lo + hi) / 2 for _, w, (lo, hi), _ in self.kinds) / weights
        held = 0.97 * (LAST_DAY - FIRST_DAY).days / (ACTIVITIES_END - FIRST_DAY).days
        self.scale = volume.participations / max(1.0, volume.activities * held * mean_size)
        self.tested = TESTED
        self.drivers = list(CrossCuttingDriver.values)
        self.funding = list(FundingSource.objects.order_by("pk").values_list("pk", flat=True))
        self.names = (FEMALE_NAMES, MALE_NAMES, SURNAMES)
        self.roles = PARTICIPANT_ROLES
        self.activity_rows = _Rows(Activity, with_pk=True)
        self.person_table = Person._meta.db_table
        self.person_columns = [f.column for f in Person._meta.concrete_fields]
        self.participation_table = Participation._meta.db_table
        self.participation_columns = [
            f.column for f in Participation._meta.concrete_fields if not f.primary_key
        ]
        self.links = {
            name: getattr(Activity, name).through for name in ("countries", "beneficiaries")
        }
        self.next_activity = writer.next_id(Activity)
        self.next_person = writer.next_id(Person)
        self.buffers: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        self.counts: dict[str, int] = defaultdict(int)
        self.pools: dict[int, list[int]] = defaultdict(list)
        self.name_keys: set[str] = set()
        self.ascii: dict[str, str] = {}

        self.by_country: dict[int, list[Organisation]] = defaultdict(list)
        for organisation in organisations:
            self.by_country[organisation.country_id].append(organisation)
        self.countries = list(
            Country.objects.filter(pk__in=self.by_country).order_by("name").select_related()
        )
        self.country_office = _country_offices(offices)
        self.regional = {
            o.region_id: o.pk for o in offices if o.kind == Office.Kind.REGIONAL_OFFICE
        }
        self.hq = {o.acronym: o.pk for o in offices if o.acronym}

    def write_all(self, bar: _Bar) -> None:
        with translation.override("en"):
            for n in range(self.volume.activities):
                self._activity()
                if len(self.buffers[self.participation_table]) >= FLUSH_ROWS:
                    self.flush()
                bar(n + 1, self.volume.activities)
        self.flush()

    def _activity(self) -> None:
        from capdev.diagnose.models import Theme

        rng = self.rng
        Activity = self.Activity
        kind, _, (fewest, most), (shortest, longest) = rng.choices(
            self.kinds, weights=[k[1] for k in self.kinds]
        )[0]
        country = rng.choice(self.countries)
        members = self.by_country[country.pk]
        constituents = [o for o in members if o.group in TRIPARTITE] or members
        beneficiaries = rng.sample(constituents, min(len(constituents), rng.randint(1, 3)))
        others = [o for o in members if o.group not in TRIPARTITE]
        if others and rng.random() < 0.1:
            beneficiaries.append(rng.choice(others))
        start = FIRST_DAY + timedelta(days=rng.randint(0, (ACTIVITIES_END - FIRST_DAY).days))
        end = start + timedelta(days=rng.randint(shortest, longest) - 1)
        if rng.random() < 0.03:
            status = Activity.Status.CANCELLED
        else:
            status = Activity.Status.HELD if end <= LAST_DAY else Activity.Status.PLANNED
        draw = rng.random()
        groups = {o.group for o in beneficiaries}
        office = self.country_office.get(country.pk)
        if draw >= 0.65 or office is None:
            office = self.regional.get(country.region_id, office)
        if draw >= 0.85:
            if kind in (Activity.Kind.COURSE, Activity.Kind.E_LEARNING):
                office = self.hq.get("ITCILO", office)
            elif G.WORKERS in groups:
                office = self.hq.get("ACTRAV", office)
            elif G.EMPLOYERS in groups:
                office = self.hq.get("ACT/EMP", office)
        online = kind == Activity.Kind.E_LEARNING
        theme = rng.choice(list(Theme))
        activity = Activity(
            id=self.next_activity,
            title=f"{Activity.Kind(kind).label}: {theme.label}, {country.name} (demo)"[:300],
            kind=kind,
            status=status,
            start=start,
            end=end,
            online=online,
            place="" if online else country.name,
            office_id=office,
            south_south=kind == Activity.Kind.STUDY_VISIT and rng.random() < 0.4,
            peer_exchange=kind == Activity.Kind.PEER_EXCHANGE,
            target_groups=sorted(groups),
            drivers=sorted(rng.sample(self.drivers, rng.randint(0, 2))),
            funding_source_id=rng.choice(self.funding) if self.funding else None,
            cost=Decimal(rng.randrange(3_000, 80_000, 500)),
            currency="USD",
            advisory_area=(
                rng.choice(list(Activity.AdvisoryArea)) if kind == Activity.Kind.ADVISORY else ""
            ),
            description=SERIES,
            created_at=_moment(start, -rng.randint(30, 120), hour=9),
        )
        self.next_activity += 1
        self.buffers[self.activity_rows.table].append(self.activity_rows(activity))
        self.buffers["countries"].append((activity.pk, country.pk))
        for organisation in beneficiaries:
            self.buffers["beneficiaries"].append((activity.pk, organisation.pk))
        self.counts["activities"] += 1
        if status != Activity.Status.HELD:
            return
        size = max(1, round(rng.randint(fewest, most) * self.scale))
        chosen: set[int] = set()
        for _ in range(size):
            organisation = beneficiaries[int(rng.random() * len(beneficiaries))]
            pool = self.pools[organisation.pk]
            person = None
            if pool and rng.random() >= self.volume.new_person_share:
                person = pool[int(rng.random() * len(pool))]
                if person in chosen:
                    person = None
            if person is None:
                person = self._person(organisation)
            chosen.add(person)
            self._participation(activity, person)

    def _person(self, organisation: Organisation) -> int:
        rng = self.rng
        female, male, surnames = self.names
        draw = rng.random()
        sex = "female" if draw < 0.46 else "male" if draw < 0.97 else "other"
        first = rng.choice(female if sex == "female" else male if sex == "male" else female + male)
        last = rng.choice(surnames)
        name = f"{first} {last}"
        pk = self.next_person
        self.next_person += 1
        email = ""
        key = ""
        if rng.random() < 0.2:  # known by name within the organisation, as imports do
            from capdev.deliver.participants_import import person_key

            key = person_key(name=name, organisation_id=organisation.pk)
            if key in self.name_keys:
                key = ""
            else:
                self.name_keys.add(key)
        if not key:
            if name not in self.ascii:
                self.ascii[name] = _ascii(name).replace(" ", ".")
            email = key = f"{self.ascii[name]}.p{pk}@example.org"
        roles = self.roles.get(organisation.group) or ["Training officer", "Director"]
        self.buffers[self.person_table].append(
            (
                pk,
                key,
                name,
                sex,
                organisation.pk,
                organisation.country_id,
                roles[int(rng.random() * len(roles))],
                email,
                "",
            )
        )
        self.pools[organisation.pk].append(pk)
        self.counts["people"] += 1
        return pk

    def _participation(self, activity: Any, person: int) -> None:
        """Kirkpatrick levels 1–3, as capdev.deliver.demo draws them."""
        rng = self.rng
        random_ = rng.random
        buffer = self.buffers[self.participation_table]
        self.counts["participations"] += 1
        if random_() < 0.03:
            buffer.append((activity.pk, person, 0, None, None, None, "", ""))
            return
        attendance = (60, 75, 80, 90, 100, 100, 100)[int(random_() * 7)]
        satisfaction = rng.choices((2, 3, 4, 5), weights=(1, 3, 8, 6))[0]
        pre = post = None
        if activity.kind in self.tested:
            first = rng.randint(25, 70)
            pre, post = Decimal(first), Decimal(min(100, first + rng.randint(0, 35)))
        applied_3 = applied_6 = ""
        if activity.end + timedelta(days=90) <= LAST_DAY:
            applied_3 = rng.choices(("none", "partly", "fully"), weights=(3, 5, 2))[0]
            if activity.end + timedelta(days=180) <= LAST_DAY:
                better = {"none": ("none", "partly"), "partly": ("partly", "fully")}
                applied_6 = rng.choice(better.get(applied_3, ("fully",)))
        buffer.append(
            (activity.pk, person, attendance, pre, post, satisfaction, applied_3, applied_6)
        )

    def flush(self) -> None:
        writer = self.writer
        writer.insert(
            self.activity_rows.table,
            self.activity_rows.columns,
            self.buffers.pop(self.activity_rows.table, []),
        )
        for name, through in self.links.items():
            target = "country" if name == "countries" else "organisation"
            columns = [
                through._meta.get_field("activity").column,
                through._meta.get_field(target).column,
            ]
            writer.insert(through._meta.db_table, columns, self.buffers.pop(name, []))
        writer.insert(
            self.person_table, self.person_columns, self.buffers.pop(self.person_table, [])
        )
        writer.insert(
            self.participation_table,
            self.participation_columns,
            self.buffers.pop(self.participation_table, []),
        )


def _country_offices(offices: list[Office]) -> dict[int, int]:
    """country id → id of the country office that covers it."""
    ids = [o.pk for o in offices if o.kind == Office.Kind.COUNTRY_OFFICE]
    coverage = Office.countries.through.objects.filter(office_id__in=ids)
    return dict(coverage.values_list("country_id", "office_id"))


# --- membership -------------------------------------------------------------------------------


def _memberships(rng: random.Random, writer: _Writer, organisations: list[Organisation]) -> int:
    """2016–2018 figures of the workers' and employers' organisations, back from the first
    year the demo gives them (2019)."""
    from capdev.core.demo import MEMBERSHIP_YEARS

    first = MEMBERSHIP_YEARS.start
    ids = [o.pk for o in organisations if o.group in (G.WORKERS, G.EMPLOYERS)]
    known = set(
        Membership.objects.filter(organisation_id__in=ids, year__lt=first).values_list(
            "organisation_id", "year"
        )
    )
    rows = []
    for organisation, members, women, potential in (
        Membership.objects.filter(organisation_id__in=ids, year=first)
        .order_by("organisation_id")
        .values_list("organisation_id", "members", "women_members", "potential_members")
    ):
        share = (women or 0) / members if members else 0.3
        for year in range(first - 1, FIRST_DAY.year - 1, -1):
            members = max(1, int(members / rng.uniform(0.95, 1.08)))
            share = min(0.7, max(0.05, share - rng.uniform(-0.01, 0.02)))
            if (organisation, year) not in known:
                rows.append((organisation, year, members, int(members * share), potential))
    columns = ["organisation_id", "year", "members", "women_members", "potential_members"]
    writer.insert(Membership._meta.db_table, columns, rows)
    return len(rows)


# --- the whole ------------------------------------------------------------------------------


def add_ten_years(
    rng: random.Random,
    organisations: list[Organisation],
    offices: list[Office],
    progress: Progress | None = None,
    *,
    volume: Volume = LARGE,
) -> LargeResult:
    """Add the ten-year series to the seeded `organisations` and `offices` (see the module's
    docstring); `progress(done, total)` hears about it as it goes."""
    from capdev.deliver.models import Activity, Participation, Person
    from capdev.diagnose.models import AreaScore, Assessment, CellScore, ItemScore, Need, ThemeScore
    from capdev.monitor.capacity import rebuild_all
    from capdev.monitor.models import CapacityFact

    seconds: dict[str, float] = {}
    bar = _Bar(progress, {"assessments": 50, "activities": 35, "memberships": 1, "dashboards": 14})
    writer = _Writer()
    bulk: list[type[models.Model]] = [
        *(Assessment, ItemScore, AreaScore, CellScore, ThemeScore, Need),
        *(Activity, Activity.countries.through, Activity.beneficiaries.through, Person),
        *(Participation, Membership, CapacityFact),
    ]
    with transaction.atomic(), _large_cache():
        with _foreign_keys_checked_at_the_end(bulk):
            started = time.perf_counter()
            bar.start("assessments")
            assessments = _Assessments(rng, writer, _country_offices(offices), volume)
            assessments.write_all(assessments.plan(organisations), bar)
            seconds["assessments"] = time.perf_counter() - started

            started = time.perf_counter()
            bar.start("activities")
            activities = _Activities(rng, writer, organisations, offices, volume)
            activities.write_all(bar)
            seconds["activities"] = time.perf_counter() - started

            started = time.perf_counter()
            bar.start("memberships")
            memberships = _memberships(rng, writer, organisations)
            writer.reset_sequences([Assessment, Activity, Person])
            seconds["memberships"] = time.perf_counter() - started

            started = time.perf_counter()
            bar.start("dashboards")
            facts = rebuild_all(progress=bar)
            seconds["dashboards"] = time.perf_counter() - started
            started = time.perf_counter()
        seconds["foreign keys"] = time.perf_counter() - started  # PostgreSQL's

        # The query planners' statistics, or they choose plans for the tables as they were:
        # SQLite has none until ANALYZE, PostgreSQL's autovacuum runs only later.
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        seconds["statistics"] = time.perf_counter() - started
        bar(1, 1)

    counts = {**assessments.counts, **activities.counts}
    return LargeResult(
        assessments=counts["assessments"],
        drafts=counts["drafts"],
        item_scores=counts["item_scores"],
        summaries=counts["summaries"],
        needs=counts["needs"],
        activities=counts["activities"],
        people=counts["people"],
        participations=counts["participations"],
        memberships=memberships,
        capacity_facts=facts,
        seconds=seconds,
    )


def reset() -> None:
    """Delete, in a few statements, the bulk rows `add_ten_years` wrote; runs before the demo's
    own reset, which goes through the ORM and would load every one of a million
    participations and write a history row for it. Deletes every participation, person and
    dashboard fact (the demo's reset deletes them all too, and the facts are rebuilt from the
    assessments), the ten-year series' activities and the membership figures before 2019."""
    from capdev.core.demo import MEMBERSHIP_YEARS
    from capdev.deliver.models import Activity, Participation, Person
    from capdev.monitor.models import CapacityFact

    with transaction.atomic():
        for model in (CapacityFact, Participation, Person):
            history = getattr(model, "history", None)
            for table in [model] + ([history.model] if history is not None else []):
                rows = table._default_manager.all()
                rows._raw_delete(rows.db)
        series = Activity.objects.filter(description=SERIES)
        for link in Activity._meta.many_to_many:
            rows = getattr(Activity, link.name).through.objects.filter(activity__in=series)
            rows._raw_delete(rows.db)
        series._raw_delete(series.db)
        early = Membership.objects.filter(year__lt=MEMBERSHIP_YEARS.start)
        early._raw_delete(early.db)
