"""Assessments from the submissions ODK Central and KoboToolbox export for a capdev form.

Both tools export CSV and JSON. Column names carry the group path in different spellings
(Kobo `area/item`, ODK Central CSV `area-item`, ODK Central OData nested objects); capdev
names are unique and hold no `/` or `-`, so each field is read by the last segment of its
path. A submission is keyed by its instanceID: importing a file twice creates nothing new.
The import is all-or-nothing: one bad row and nothing is written, with every bad row
reported.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from capdev.core.models import Office, Organisation
from capdev.core.scoping import Action, scoped
from capdev.diagnose.models import (
    Assessment,
    InstrumentVersion,
    Item,
    ItemScore,
)
from capdev.diagnose.services import ONLY_SELF_ASSESSMENTS
from capdev.diagnose.summaries import SummaryRows, summary_rows
from capdev.diagnose.xlsform import EVIDENCE_SUFFIX

MAX_BYTES = 200 * 1024 * 1024
INSTANCE_ID_LENGTH = Assessment._meta.get_field("instance_id").max_length
OUTSIDE_SCOPE = gettext_lazy("This organisation is outside what you may assess.")
INSTANCE_KEYS = ("instanceID", "KEY", "__id", "_uuid")
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RowError:
    row: int  # 1-based: the CSV line (header = 1) or the JSON record number
    field: str
    message: str

    def __str__(self) -> str:
        return _("row %(row)d, %(field)s: %(message)s") % {
            "row": self.row,
            "field": self.field or "—",
            "message": self.message,
        }


@dataclass
class SubmissionReport:
    created: list[Assessment] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # instanceIDs already imported
    errors: list[RowError] = field(default_factory=list)


class SubmissionsInvalid(ValueError):
    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("; ".join(str(error) for error in errors[:20]))


def _leaf(key: str) -> str:
    return re.split(r"[/\-.]", key)[-1] if key not in INSTANCE_KEYS else key


def _flatten(record: dict[str, Any], into: dict[str, str] | None = None) -> dict[str, str]:
    into = {} if into is None else into
    for key, value in record.items():
        if isinstance(value, dict):
            _flatten(value, into)
        elif not isinstance(value, list):
            into[_leaf(key)] = "" if value is None else str(value).strip()
    return into


def read_records(data: bytes) -> list[tuple[int, dict[str, str]]]:
    """(row number, leaf field → value) for each submission in a CSV or JSON export."""
    if len(data) > MAX_BYTES:
        raise SubmissionsInvalid([RowError(0, "", _("The file is larger than 200 MB."))])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SubmissionsInvalid(
            [RowError(0, "", _("The file is not UTF-8 text (a CSV or JSON export)."))]
        ) from None
    if text.lstrip()[:1] in "[{" and text.strip():
        return _json_records(text)
    return _csv_records(text)


def _json_records(text: str) -> list[tuple[int, dict[str, str]]]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise SubmissionsInvalid(
            [
                RowError(
                    error.lineno, "", _("This JSON is not valid: %(error)s") % {"error": error.msg}
                )
            ]
        ) from None
    if isinstance(document, dict):
        document = next(
            (document[key] for key in ("results", "value", "submissions") if key in document),
            None,
        )
    if not isinstance(document, list) or not all(isinstance(r, dict) for r in document):
        raise SubmissionsInvalid(
            [
                RowError(
                    0,
                    "",
                    _(
                        "Expected a list of submissions (or an object with “results” or "
                        "“value”), as KoboToolbox and ODK Central export them."
                    ),
                )
            ]
        )
    return [(number, _flatten(record)) for number, record in enumerate(document, start=1)]


def _csv_records(text: str) -> list[tuple[int, dict[str, str]]]:
    sample = text[:10_000]
    first_line = sample.splitlines()[0] if sample else ""
    # KoboToolbox exports use ";" by default, ODK Central ",".
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, None)
    if not header:
        raise SubmissionsInvalid([RowError(1, "", _("The file is empty."))])
    keys = [_leaf(name.strip()) for name in header]
    records = []
    for values in reader:
        if not any(value.strip() for value in values):
            continue
        records.append(
            (reader.line_num, {k: v.strip() for k, v in zip(keys, values, strict=False)})
        )
    return records


def _instance_id(values: dict[str, str]) -> str:
    raw = next((values[key] for key in INSTANCE_KEYS if values.get(key)), "")
    if not raw:
        return ""
    return raw if raw.startswith("uuid:") else f"uuid:{raw}"


@dataclass
class _Parsed:
    row: int
    instance_id: str
    organisation_id: int
    office_id: int | None
    day: date
    mode: str
    scores: dict[int, tuple[int | None, str]]
    group: str


class _Checker:
    def __init__(self, version: InstrumentVersion, user: AbstractBaseUser | None):
        self.version = version
        self.items = list(Item.objects.filter(version=version).order_by("position"))
        organisations = Organisation.objects.all()
        if user is not None:
            organisations = scoped(user, organisations, Action.CHANGE)
        self.organisations = dict(organisations.values_list("pk", "group"))
        self.offices = set(Office.objects.values_list("pk", flat=True))
        self.groups = version.groups
        self.errors: list[RowError] = []

    def error(self, row: int, field_name: str, message: str) -> None:
        self.errors.append(RowError(row, field_name, message))

    def _integer(self, row: int, name: str, text: str) -> int | None:
        try:
            return int(text)
        except ValueError:
            self.error(row, name, _("“%(value)s” is not a number.") % {"value": text})
            return None

    def parse(self, row: int, values: dict[str, str]) -> _Parsed | None:
        before = len(self.errors)
        instance_id = _instance_id(values)
        if not instance_id:
            self.error(row, "instanceID", _("The submission has no instanceID."))
        elif len(instance_id) > INSTANCE_ID_LENGTH:
            self.error(row, "instanceID", _("This instanceID is too long to be one."))
        organisation_id = self._integer(
            row, "capdev_organisation", values.get("capdev_organisation", "")
        )
        if organisation_id is not None:
            group = self.organisations.get(organisation_id)
            if group is None:
                self.error(
                    row,
                    "capdev_organisation",
                    _("No organisation number %(n)d in your scope.") % {"n": organisation_id},
                )
            elif self.groups and group not in self.groups:
                self.error(
                    row,
                    "capdev_organisation",
                    _("This instrument is not for this organisation's constituent group."),
                )
        office_id = None
        if values.get("capdev_office"):
            office_id = self._integer(row, "capdev_office", values["capdev_office"])
            if office_id is not None and office_id not in self.offices:
                self.error(row, "capdev_office", _("No office number %(n)d.") % {"n": office_id})
        day = _parse_day(values.get("capdev_date", ""))
        if day is None:
            self.error(
                row,
                "capdev_date",
                _("“%(value)s” is not a date (YYYY-MM-DD).")
                % {"value": values.get("capdev_date", "")},
            )
        elif day > timezone.localdate():
            self.error(row, "capdev_date", _("The date is in the future."))
        mode = values.get("capdev_mode", "")
        if mode not in Assessment.Mode.values:
            self.error(
                row,
                "capdev_mode",
                _("“%(value)s” is not one of self, joint, external.") % {"value": mode},
            )
        group = self.organisations.get(organisation_id, "")
        scores = self._scores(row, values, group)
        if len(self.errors) > before:
            return None
        return _Parsed(row, instance_id, organisation_id, office_id, day, mode, scores, group)

    def _scores(
        self, row: int, values: dict[str, str], group: str
    ) -> dict[int, tuple[int | None, str]]:
        scores: dict[int, tuple[int | None, str]] = {}
        for item in self.items:
            if not item.applies_to(group):
                continue
            text = values.get(item.name, "")
            evidence = values.get(f"{item.name}{EVIDENCE_SUFFIX}", "")
            if not text:
                if item.required:
                    self.error(row, item.name, _("This required item has no score."))
                scores[item.pk] = (None, evidence)
                continue
            score = _whole_number(text)
            if score is None or not item.scale_min <= score <= item.scale_max:
                self.error(
                    row,
                    item.name,
                    _("“%(value)s” is not a score between %(min)d and %(max)d.")
                    % {"value": text, "min": item.scale_min, "max": item.scale_max},
                )
                continue
            scores[item.pk] = (score, evidence)
        return scores


def _whole_number(text: str) -> int | None:
    """A scale point: "3", or "3.0" where a tool wrote the choice as a number."""
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if number.is_integer() else None  # not "2.5", "inf" or "nan"


def _parse_day(text: str) -> date | None:
    """The date of a `date` field, also when a tool wrote it as a date-time."""
    try:
        return parse_date(text.strip()[:10])
    except ValueError:
        return None


def import_submissions(
    *,
    user: AbstractBaseUser | None,
    version: InstrumentVersion,
    data: bytes,
    progress: Progress | None = None,
) -> SubmissionReport:
    """Create one submitted assessment per new submission; raise SubmissionsInvalid on any
    bad row, writing nothing."""
    if not version.is_published:
        raise SubmissionsInvalid(
            [RowError(0, "", _("Only a published instrument version takes submissions."))]
        )
    records = read_records(data)
    checker = _Checker(version, user)
    report = SubmissionReport()
    existing = Assessment.objects.filter(
        instance_id__in=[_instance_id(values) for _row, values in records]
    )
    known = set(existing.values_list("instance_id", flat=True))
    # Skipping a submission imported before must not tell whether one exists outside the
    # uploader's scope: only those the uploader may administer count as imported.
    mine = (
        known
        if user is None
        else set(scoped(user, existing, Action.ADMINISTER).values_list("instance_id", flat=True))
    )
    parsed: list[_Parsed] = []
    seen: set[str] = set()
    for done, (row, values) in enumerate(records, start=1):
        instance_id = _instance_id(values)
        if instance_id and instance_id in seen:
            checker.error(row, "instanceID", _("This instanceID appears twice in the file."))
        else:
            seen.add(instance_id)
            # Every row is checked, also one imported before: one row outside the scope
            # refuses the file, as it would the first time.
            result = checker.parse(row, values)
            if instance_id in mine:
                report.skipped.append(instance_id)
            elif result is not None and instance_id in known:
                checker.error(
                    row, "instanceID", _("This instanceID is already used by another submission.")
                )
            elif result is not None:
                parsed.append(result)
        if progress:
            progress(done, len(records) * 2)
    if checker.errors:
        raise SubmissionsInvalid(checker.errors)
    report.created = _write(user, version, checker.items, parsed, len(records), progress)
    return report


def _ensure_allowed(
    user: AbstractBaseUser | None, assessments: list[Assessment], parsed: list[_Parsed]
) -> None:
    """The written rows checked by the rules services apply to one assessment (scope, and
    only those who validate arrange joint and external ones); any refusal rolls all back."""
    if user is None:
        return
    rows = {a.pk: (a, s.row) for a, s in zip(assessments, parsed, strict=True)}
    written = Assessment.objects.filter(pk__in=rows)
    in_scope = set(scoped(user, written, Action.ADMINISTER).values_list("pk", flat=True))
    validates = set(scoped(user, written, Action.VALIDATE).values_list("pk", flat=True))
    refused = []
    for pk, (assessment, row) in rows.items():
        if pk not in in_scope:
            refused.append(RowError(row, "capdev_organisation", str(OUTSIDE_SCOPE)))
        elif assessment.mode != Assessment.Mode.SELF and pk not in validates:
            refused.append(RowError(row, "capdev_mode", str(ONLY_SELF_ASSESSMENTS)))
    if refused:
        raise SubmissionsInvalid(refused)


@transaction.atomic
def _write(
    user: AbstractBaseUser | None,
    version: InstrumentVersion,
    items: list[Item],
    parsed: list[_Parsed],
    total: int,
    progress: Progress | None,
) -> list[Assessment]:
    now = timezone.now()
    assessments, summaries = [], SummaryRows()
    # Submissions already imported count as written, so that progress reaches the total.
    skipped = total - len(parsed)
    if progress and skipped:
        progress(total + skipped, total * 2)
    for done, submission in enumerate(parsed, start=1):
        assessment = Assessment(
            organisation_id=submission.organisation_id,
            version=version,
            date=submission.day,
            mode=submission.mode,
            office_id=submission.office_id,
            status=Assessment.Status.SUBMITTED,
            submitted_at=now,
            source=Assessment.Source.SUBMISSION,
            instance_id=submission.instance_id,
        )
        summaries.extend(
            summary_rows(
                assessment,
                items,
                {k: v[0] for k, v in submission.scores.items()},
                submission.group,
            )
        )
        assessments.append(assessment)
        if progress:
            progress(total + skipped + done, total * 2)
    bulk_create_with_history(assessments, Assessment, default_user=user)
    # Primary keys are read back: not every backend returns them from a bulk insert.
    ids = dict(
        Assessment.objects.filter(instance_id__in=[s.instance_id for s in parsed]).values_list(
            "instance_id", "pk"
        )
    )
    for assessment, submission in zip(assessments, parsed, strict=True):
        assessment.pk = ids[submission.instance_id]
    _ensure_allowed(user, assessments, parsed)
    score_rows = []
    for assessment, submission in zip(assessments, parsed, strict=True):
        score_rows += [
            ItemScore(assessment=assessment, item_id=item_id, score=score, evidence=evidence)
            for item_id, (score, evidence) in submission.scores.items()
        ]
    bulk_create_with_history(score_rows, ItemScore, default_user=user, batch_size=2000)
    summaries.write()
    return assessments
