"""Writes of the diagnose stage: instruments, assessments, scores, participants and needs.

Every write checks the writer's scope with the same rules that filter lists. `user=None` is
the command line, run by whoever operates the server.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from capdev.core.models import ConstituentGroup, Organisation
from capdev.core.scoping import Action, ensure_in_scope, may_administer_some, scoped
from capdev.core.services import _delete, _save
from capdev.diagnose.models import (
    Area,
    Assessment,
    Instrument,
    InstrumentVersion,
    Item,
    ItemScore,
    Need,
    Participant,
)
from capdev.diagnose.summaries import summarise
from capdev.diagnose.xlsform import AreaSpec, InstrumentSpec, ItemSpec, ScalePoint, parse_xlsform
from capdev.lib.translated import localized

User = AbstractBaseUser | None

ASSESSMENT_FIELDS = ("organisation", "version", "date", "mode", "office", "notes")
PARTICIPANT_FIELDS = ("name", "role", "sex", "organisation")
NEED_FIELDS = (
    "organisation",
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
)
ITEM_FIELDS = ("label", "hint", "weight", "required")
ONLY_SELF_ASSESSMENTS = gettext_lazy(
    "As the organisation's focal point you run self-assessments; joint and external "
    "assessments are arranged with the Office."
)


def _check(user: User, instance: Any, action: Action) -> None:
    if user is not None:
        ensure_in_scope(user, instance, action)


# --- instruments ------------------------------------------------------------------------


def spec_of(version: InstrumentVersion) -> InstrumentSpec:
    """The instrument version as the XLSForm reader would give it back."""
    items_by_area: dict[int, list[ItemSpec]] = {}
    for item in version.items.order_by("position"):
        items_by_area.setdefault(item.area_id, []).append(
            ItemSpec(
                name=item.name,
                label=item.label,
                hint=item.hint,
                required=item.required,
                level=item.level,
                type=item.type,
                theme=item.theme,
                weight=item.weight,
                groups=tuple(item.groups),
                scale_list=item.scale_list,
                scale=tuple(ScalePoint(p["value"], p["label"]) for p in item.scale),
            )
        )
    return InstrumentSpec(
        code=version.instrument.code,
        title=version.title,
        description=version.description,
        groups=tuple(version.groups),
        areas=tuple(
            AreaSpec(area.name, area.label, tuple(items_by_area.get(area.pk, [])))
            for area in version.areas.order_by("position")
        ),
    )


@dataclass(frozen=True)
class InstrumentImport:
    version: InstrumentVersion
    outcome: str  # "created", "replaced" (the draft), "new version" or "unchanged"


def instrument_import_allowed(user: User) -> bool:
    return user is None or may_administer_some(user, Instrument)


@transaction.atomic
def instrument_import(
    *, user: User, data: bytes, source_name: str = "", publish: bool = False, builtin: bool = False
) -> InstrumentImport:
    """Import an XLSForm workbook as a version of the instrument its form_id names.

    Raises XLSFormInvalid (every problem, located) and changes nothing if the workbook is
    not a valid instrument.
    """
    if not instrument_import_allowed(user):
        raise PermissionDenied(_("Your role does not maintain instruments."))
    spec = parse_xlsform(data)
    instrument = Instrument.objects.filter(code=spec.code).first()
    latest = instrument.versions.order_by("-number").first() if instrument else None
    if latest is not None and spec_of(latest) == spec:
        if publish and not latest.is_published:
            version_publish(user=user, version=latest)
        return InstrumentImport(latest, "unchanged")
    if instrument is None:
        instrument = Instrument(code=spec.code, builtin=builtin)
        outcome = "created"
    else:
        outcome = "new version"
        if builtin and not instrument.builtin:
            _save(instrument, user=user, data={"builtin": True}, fields=("builtin",))
    if latest is not None and not latest.is_published:
        version = latest
        version.areas.all().delete()
        outcome = "replaced"
    else:
        version = InstrumentVersion(
            instrument=instrument, number=(latest.number + 1) if latest else 1
        )
    if (
        not instrument.pk
        or not instrument.versions.filter(status=InstrumentVersion.Status.PUBLISHED).exists()
    ):
        # Until a version is published, the instrument is listed as its draft describes it.
        _describe(instrument, spec, user=user)
    version.instrument = instrument
    version.source_name = source_name[:255]
    _write_content(version, spec, user=user)
    if publish:
        version_publish(user=user, version=version)
    return InstrumentImport(version, outcome)


def _describe(target: Instrument | InstrumentVersion, spec: InstrumentSpec, *, user: User) -> None:
    """Set the title, description and groups (saving, and so recording history, only when a
    saved row's values change)."""
    data = {"title": spec.title, "description": spec.description, "groups": list(spec.groups)}
    if target.pk and all(getattr(target, name) == value for name, value in data.items()):
        return
    _save(target, user=user, data=data, fields=tuple(data))


def _write_content(version: InstrumentVersion, spec: InstrumentSpec, *, user: User) -> None:
    """Save the version with the spec's description, areas and items (a draft's old areas
    and items are deleted by the caller)."""
    _describe(version, spec, user=user)
    position = 0
    for area_position, area_spec in enumerate(spec.areas, start=1):
        area = Area(version=version, name=area_spec.name, position=area_position)
        _save(area, user=user, data={"label": area_spec.label}, fields=("label",))
        for item_spec in area_spec.items:
            position += 1
            item = Item(version=version, area=area, position=position)
            _save(
                item,
                user=user,
                data={
                    "name": item_spec.name,
                    "label": item_spec.label,
                    "hint": item_spec.hint,
                    "required": item_spec.required,
                    "level": item_spec.level,
                    "type": item_spec.type,
                    "theme": item_spec.theme,
                    "weight": item_spec.weight,
                    "groups": list(item_spec.groups),
                    "scale_list": item_spec.scale_list,
                    "scale": [{"value": p.value, "label": p.label} for p in item_spec.scale],
                },
                fields=(
                    "name",
                    "label",
                    "hint",
                    "required",
                    "level",
                    "type",
                    "theme",
                    "weight",
                    "groups",
                    "scale_list",
                    "scale",
                ),
            )


@transaction.atomic
def version_publish(*, user: User, version: InstrumentVersion) -> InstrumentVersion:
    """Freeze a draft: from now on assessments may use it and nothing in it changes."""
    _check(user, version, Action.CHANGE)
    if version.is_published:
        raise ValidationError(_("This version is already published."))
    if not version.items.exists():
        raise ValidationError(_("A version without items cannot be published."))
    _save(
        version,
        user=user,
        data={"status": InstrumentVersion.Status.PUBLISHED, "published_at": timezone.now()},
        fields=("status", "published_at"),
    )
    _describe(version.instrument, spec_of(version), user=user)
    return version


@transaction.atomic
def version_new_draft(*, user: User, instrument: Instrument) -> InstrumentVersion:
    """A new draft copied from the latest version (or that draft, if there is one already)."""
    latest = instrument.versions.order_by("-number").first()
    _check(user, instrument, Action.CHANGE)
    if latest is not None and not latest.is_published:
        return latest
    if latest is None:
        raise ValidationError(_("This instrument has no version to start a draft from."))
    draft = InstrumentVersion(instrument=instrument, number=latest.number + 1)
    draft.source_name = _("copy of version %(n)d") % {"n": latest.number}
    _write_content(draft, spec_of(latest), user=user)
    return draft


@transaction.atomic
def item_update(*, user: User, item: Item, data: dict[str, Any]) -> Item:
    """Edit an item of a draft version; a published version never changes."""
    _check(user, item, Action.CHANGE)
    if item.version.is_published:
        raise ValidationError(
            _("Version %(n)d is published and cannot change; start a new draft to edit it.")
            % {"n": item.version.number}
        )
    _save(item, user=user, data=data, fields=ITEM_FIELDS)
    return item


# --- assessments ------------------------------------------------------------------------


def _may_validate(user: User, assessment: Assessment) -> bool:
    if user is None:
        return True
    return scoped(user, Assessment.objects.filter(pk=assessment.pk), Action.VALIDATE).exists()


def _assessment_clean(assessment: Assessment, user: User) -> None:
    assessment.full_clean()
    errors: dict[str, str] = {}
    version = assessment.version
    if not version.is_published:
        errors["version"] = _("Only published instrument versions can be used for assessments.")
    groups = version.groups
    if groups and assessment.organisation.group not in groups:
        errors["version"] = _(
            "This instrument is for these constituent groups only: %(groups)s."
        ) % {"groups": ", ".join(str(ConstituentGroup(g).label) for g in groups)}
    if errors:
        raise ValidationError(errors)


def _ensure_mode_allowed(user: User, assessment: Assessment) -> None:
    """Checked on the saved row (the transaction rolls it back): only those who validate an
    organisation's assessments arrange joint and external ones."""
    if assessment.mode != Assessment.Mode.SELF and not _may_validate(user, assessment):
        raise ValidationError({"mode": ONLY_SELF_ASSESSMENTS})


def assessment_create_allowed(user: User) -> bool:
    return user is None or may_administer_some(user, Assessment)


@transaction.atomic
def assessment_create(
    *, user: User, data: dict[str, Any], source: str = Assessment.Source.BROWSER
) -> Assessment:
    if not assessment_create_allowed(user):
        raise PermissionDenied(_("Your role does not run assessments."))
    return _write_assessment(Assessment(source=source), user, data, Action.ADMINISTER)


def _write_assessment(
    assessment: Assessment, user: User, data: dict[str, Any], action: Action
) -> Assessment:
    """Save the assessment's details, then check scope and mode on the saved row (inside the
    caller's transaction, so a refusal rolls the write back) and refresh its summary."""
    _save(
        assessment,
        user=user,
        data=data,
        fields=ASSESSMENT_FIELDS,
        clean=lambda: _assessment_clean(assessment, user),
    )
    _check(user, assessment, action)
    _ensure_mode_allowed(user, assessment)
    summarise(assessment)
    return assessment


def _ensure_draft(assessment: Assessment) -> None:
    if assessment.status != Assessment.Status.DRAFT:
        raise ValidationError(
            _("This assessment is %(status)s; only a draft can change.")
            % {"status": assessment.get_status_display().lower()}
        )


@transaction.atomic
def assessment_update(*, user: User, assessment: Assessment, data: dict[str, Any]) -> Assessment:
    _check(user, assessment, Action.CHANGE)
    _ensure_draft(assessment)
    if "version" in data and data["version"] != assessment.version and assessment.scores.exists():
        raise ValidationError({"version": _("Scores are recorded: the instrument cannot change.")})
    moved = "organisation" in data and data["organisation"] != assessment.organisation
    if moved and (assessment.scores.exists() or assessment.needs.exists()):
        raise ValidationError(
            {
                "organisation": _(
                    "Scores or needs are recorded for this organisation: start a new "
                    "assessment for the other one."
                )
            }
        )
    return _write_assessment(assessment, user, data, Action.CHANGE)


@transaction.atomic
def assessment_delete(*, user: User, assessment: Assessment) -> None:
    _check(user, assessment, Action.ADMINISTER)
    _ensure_draft(assessment)
    _delete(assessment, user=user)  # needs marked from it stay, without it (SET_NULL)


def _write_score(
    user: User,
    assessment: Assessment,
    item: Item,
    score: int | None,
    evidence: str | None,
    comment: str | None,
) -> ItemScore:
    """Validate and save one item's score; evidence or comment None keeps what is recorded."""
    if item.version_id != assessment.version_id:
        raise ValidationError({"item": _("This item belongs to another instrument version.")})
    if not item.applies_to(assessment.organisation.group):
        raise ValidationError(
            {"item": _("This item is not asked of this organisation's constituent group.")}
        )
    if score is not None and not item.scale_min <= score <= item.scale_max:
        raise ValidationError(
            {
                "score": _("The score must be between %(min)d and %(max)d.")
                % {"min": item.scale_min, "max": item.scale_max}
            }
        )
    recorded = ItemScore.objects.select_for_update().filter(assessment=assessment, item=item)
    row = recorded.first() or ItemScore(assessment=assessment, item=item)
    data = {"score": score, "evidence": evidence, "comment": comment}
    data = {name: value for name, value in data.items() if name == "score" or value is not None}
    try:
        with transaction.atomic():
            _save(row, user=user, data=data, fields=tuple(data))
    except IntegrityError:
        # Another save created the item's row first (two tabs, a double click): update it.
        row = recorded.get()
        _save(row, user=user, data=data, fields=tuple(data))
    return row


@transaction.atomic
def score_save(
    *,
    user: User,
    assessment: Assessment,
    item: Item,
    score: int | None,
    evidence: str | None = None,
    comment: str | None = None,
) -> ItemScore:
    """Record one item's score (None clears it) and refresh the assessment's summaries."""
    _check(user, assessment, Action.CHANGE)
    _ensure_draft(assessment)
    row = _write_score(user, assessment, item, score, evidence, comment)
    summarise(assessment)
    return row


@dataclass(frozen=True)
class ScoreEntry:
    item: str  # the item's name in the XLSForm, or its id
    score: int | None
    evidence: str | None = None  # None keeps what is recorded
    comment: str | None = None


class ScoresInvalid(ValueError):
    """Errors of a batch of scores, keyed by the item as given, then by field."""

    def __init__(self, errors: dict[str, dict[str, list[str]]]):
        self.errors = errors
        super().__init__(str(errors))


@transaction.atomic
def scores_save(*, user: User, assessment: Assessment, entries: list[ScoreEntry]) -> None:
    """Record several items' scores, all or none, then refresh the summaries once."""
    _check(user, assessment, Action.CHANGE)
    _ensure_draft(assessment)
    items: dict[str, Item] = {}
    for item in Item.objects.filter(version_id=assessment.version_id):
        items[item.name] = items[str(item.pk)] = item
    errors: dict[str, dict[str, list[str]]] = {}
    for entry in entries:
        key = entry.item.strip()
        item = items.get(key)
        if item is None:
            errors[key] = {"item": [_("No item of this name or id in the instrument version.")]}
            continue
        try:
            _write_score(user, assessment, item, entry.score, entry.evidence, entry.comment)
        except ValidationError as error:
            errors[key] = error.message_dict
    if errors:
        raise ScoresInvalid(errors)  # leaving the atomic block rolls back what was written
    summarise(assessment)


def _ensure_complete(assessment: Assessment) -> None:
    if assessment.required_missing:
        raise ValidationError(
            ngettext(
                "%(n)d required item has no score yet.",
                "%(n)d required items have no score yet.",
                assessment.required_missing,
            )
            % {"n": assessment.required_missing}
        )


@transaction.atomic
def assessment_submit(*, user: User, assessment: Assessment) -> Assessment:
    _check(user, assessment, Action.CHANGE)
    _ensure_draft(assessment)
    summarise(assessment)
    _ensure_complete(assessment)
    _save(
        assessment,
        user=user,
        data={"status": Assessment.Status.SUBMITTED, "submitted_at": timezone.now()},
        fields=("status", "submitted_at"),
        clean=lambda: None,
    )
    return assessment


def _ensure_validator(user: User, assessment: Assessment) -> None:
    _check(user, assessment, Action.VIEW)
    if not _may_validate(user, assessment):
        raise PermissionDenied(_("The Office validates assessments; your role does not."))


@transaction.atomic
def assessment_validate(*, user: User, assessment: Assessment) -> Assessment:
    _ensure_validator(user, assessment)
    if assessment.status != Assessment.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted assessment can be validated."))
    summarise(assessment)
    _ensure_complete(assessment)
    _save(
        assessment,
        user=user,
        data={
            "status": Assessment.Status.VALIDATED,
            "validated_at": timezone.now(),
            "validated_by": user,
        },
        fields=("status", "validated_at", "validated_by"),
        clean=lambda: None,
    )
    return assessment


@transaction.atomic
def assessment_reopen(*, user: User, assessment: Assessment) -> Assessment:
    """Send a submitted assessment back to draft, for corrections."""
    _ensure_validator(user, assessment)
    if assessment.status != Assessment.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted assessment can be sent back to draft."))
    _save(
        assessment,
        user=user,
        data={"status": Assessment.Status.DRAFT, "submitted_at": None},
        fields=("status", "submitted_at"),
        clean=lambda: None,
    )
    return assessment


@transaction.atomic
def participant_add(*, user: User, assessment: Assessment, data: dict[str, Any]) -> Participant:
    _check(user, assessment, Action.CHANGE)
    organisation = data.get("organisation")
    if user is not None and organisation is not None:
        visible = scoped(user, Organisation.objects.filter(pk=organisation.pk)).exists()
        if not visible:
            raise ValidationError({"organisation": _("Choose an organisation you can see.")})
    participant = Participant(assessment=assessment)
    _save(participant, user=user, data=data, fields=PARTICIPANT_FIELDS)
    return participant


@transaction.atomic
def participant_remove(*, user: User, participant: Participant) -> None:
    _check(user, participant.assessment, Action.CHANGE)
    _delete(participant, user=user)


# --- needs ------------------------------------------------------------------------------


def need_create_allowed(user: User) -> bool:
    return user is None or may_administer_some(user, Need)


def _need_clean(need: Need) -> None:
    need.full_clean()
    if need.assessment_id and need.assessment.organisation_id != need.organisation_id:
        raise ValidationError({"assessment": _("This assessment is of another organisation.")})


@transaction.atomic
def need_create(*, user: User, data: dict[str, Any]) -> Need:
    if not need_create_allowed(user):
        raise PermissionDenied(_("Your role does not record needs."))
    need = Need()
    _save(need, user=user, data=data, fields=NEED_FIELDS, clean=lambda: _need_clean(need))
    _check(user, need, Action.ADMINISTER)
    return need


@transaction.atomic
def need_update(*, user: User, need: Need, data: dict[str, Any]) -> Need:
    _check(user, need, Action.CHANGE)
    _save(need, user=user, data=data, fields=NEED_FIELDS, clean=lambda: _need_clean(need))
    _check(user, need, Action.CHANGE)
    return need


@transaction.atomic
def need_delete(*, user: User, need: Need) -> None:
    _check(user, need, Action.ADMINISTER)
    _delete(need, user=user)


def _area_position(area: Area) -> tuple[str, str, str]:
    """The grid cell and theme carrying most of an area's weight, for a need on the area."""
    items = list(area.items.all())
    cells: Counter[tuple[str, str]] = Counter()
    for item in items:
        cells[(item.level, item.type)] += item.weight
    (level, kind), _weight = cells.most_common(1)[0]
    themes: Counter[str] = Counter()
    for item in items:
        if item.type == kind:
            themes[item.theme] += item.weight
    return level, kind, themes.most_common(1)[0][0]


@transaction.atomic
def need_from_assessment(
    *,
    user: User,
    assessment: Assessment,
    item: Item | None = None,
    area: Area | None = None,
    priority: int = Need.Priority.HIGH,
) -> Need:
    """Mark an item or an area of an assessment as a priority need (once: marking again
    returns the need already recorded)."""
    _check(user, assessment, Action.CHANGE)
    target = item or area
    if target is None or target.version_id != assessment.version_id:
        raise ValidationError(_("Choose an item or an area of this assessment's instrument."))
    marked = Need.objects.filter(assessment=assessment)
    marked = marked.filter(item=item) if item is not None else marked.filter(item=None, area=area)
    existing = marked.first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return _need_from(user, assessment, item, area, priority)
    except IntegrityError:  # marked at the same moment by someone else (a unique constraint)
        return marked.get()


def _need_from(
    user: User, assessment: Assessment, item: Item | None, area: Area | None, priority: int
) -> Need:
    target = item or area
    if item is not None:
        level, kind, theme = item.level, item.type, item.theme
        score = ItemScore.objects.filter(assessment=assessment, item=item).first()
        description = _need_description(item, score.score if score else None)
    else:
        level, kind, theme = _area_position(area)
        description = ""
    source = Need.Source.ASSESSMENT
    if assessment.version.instrument.code == "labour_administration_audit":
        source = Need.Source.LABOUR_ADMIN_AUDIT
    return need_create(
        user=user,
        data={
            "organisation": assessment.organisation,
            "title": localized(target.label)[:200],
            "description": description,
            "level": level,
            "type": kind,
            "theme": theme,
            "priority": priority,
            "source": source,
            "assessment": assessment,
            "item": item,
            "area": area if item is None else item.area,
        },
    )


def _need_description(item: Item, score: int | None) -> str:
    if score is None:
        return ""
    points = {p["value"]: localized(p["label"]) for p in item.scale}
    return _("Scored %(score)d of %(max)d: %(descriptor)s") % {
        "score": score,
        "max": item.scale_max,
        "descriptor": points.get(score, ""),
    }
