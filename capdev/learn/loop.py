"""The loop closes (§5, §16, §21): what was learned elsewhere comes back to a new diagnosis
or plan, and a need meets the activities, providers and partners that met similar needs.

Both functions rank with a simple additive score and say why each row is there, in words
the user can check ("same theme: Occupational safety and health; same group: Workers"):

related_knowledge — published lessons and good practices
    same theme            3 per theme shared
    same grid cell        2 per (level, type) cell shared
    same level            1 per level shared (when no cell of that level is shared)
    same group            2 (the organisation's constituent group)
    same country          3, or same region 1
  and open recommendations (no management response yet, or accepted — fully or partly —
  with follow-up actions not all done, or none recorded) of evaluations covering the
  organisation or its country.

similar_support — activities linked through plan actions to needs of the same theme in
other countries:
    same theme 3, same level 1, same type 1 (both: "same grid cell"), same group 2;
  an activity scores its best need; a provider or partner scores its best activity, and
  the number of its similar activities breaks ties.

Everything shown passes through `scoped()`: lessons the user may read, recommendations and
activities in the user's scope. The needs used to match are never shown themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from capdev.core.models import ConstituentGroup, Organisation
from capdev.core.scoping import scoped
from capdev.deliver.models import Activity
from capdev.diagnose.models import CapacityType, Level, Need, Theme
from capdev.learn.models import FollowUpAction, Lesson, ManagementResponse, Recommendation
from capdev.learn.selectors.lessons import lessons_for_user

LIMIT = 10
NOT_DONE = (FollowUpAction.Status.PLANNED, FollowUpAction.Status.IN_PROGRESS)
OPEN_NEEDS = (Need.Status.OPEN, Need.Status.PLANNED)


def _label(choices: Any, value: str) -> str:
    return str(dict(choices.choices).get(value, value))


@dataclass
class RelatedLesson:
    lesson: Lesson
    score: int
    reasons: list[str]

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


@dataclass
class OpenRecommendation:
    recommendation: Recommendation
    state: str  # why it is open, e.g. "no management response yet"
    reasons: list[str]  # why it concerns the organisation

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


@dataclass
class Related:
    organisation: Organisation
    themes: tuple[str, ...]
    levels: tuple[str, ...]
    lessons: list[RelatedLesson] = field(default_factory=list)
    recommendations: list[OpenRecommendation] = field(default_factory=list)

    @property
    def learned(self) -> list[RelatedLesson]:
        return [r for r in self.lessons if r.lesson.kind == Lesson.Kind.LESSON]

    @property
    def good_practices(self) -> list[RelatedLesson]:
        return [r for r in self.lessons if r.lesson.kind == Lesson.Kind.GOOD_PRACTICE]

    @property
    def empty(self) -> bool:
        return not self.lessons and not self.recommendations


def _needs_grid(organisation: Organisation) -> tuple[list[str], list[str], set[tuple[str, str]]]:
    """Themes, levels and grid cells of the organisation's open or planned needs."""
    rows = Need.objects.filter(organisation=organisation, status__in=OPEN_NEEDS).values_list(
        "theme", "level", "type"
    )
    themes = list(dict.fromkeys(theme for theme, _level, _type in rows))
    levels = list(dict.fromkeys(level for _theme, level, _type in rows))
    cells = {(level, type_) for _theme, level, type_ in rows}
    return themes, levels, cells


def _lesson_reasons(
    lesson: Lesson,
    *,
    themes: Iterable[str],
    levels: Iterable[str],
    cells: set[tuple[str, str]],
    organisation: Organisation,
) -> tuple[int, list[str]]:
    score, reasons = 0, []
    for theme in themes:
        if theme in lesson.themes:
            score += 3
            reasons.append(_("same theme: %(theme)s") % {"theme": _label(Theme, theme)})
    cell_levels = set()
    for level, type_ in sorted(cells):
        if level in lesson.levels and type_ in lesson.types:
            score += 2
            cell_levels.add(level)
            reasons.append(
                _("same grid cell: %(level)s · %(type)s")
                % {"level": _label(Level, level), "type": _label(CapacityType, type_)}
            )
    for level in levels:
        if level in lesson.levels and level not in cell_levels:
            score += 1
            reasons.append(_("same level: %(level)s") % {"level": _label(Level, level)})
    if organisation.group and organisation.group in lesson.groups:
        score += 2
        reasons.append(
            _("same group: %(group)s") % {"group": _label(ConstituentGroup, organisation.group)}
        )
    countries = list(lesson.countries.all())
    if any(c.pk == organisation.country_id for c in countries):
        score += 3
        reasons.append(_("same country: %(country)s") % {"country": organisation.country})
    elif any(c.region_id == organisation.country.region_id for c in countries):
        score += 1
        reasons.append(_("same region: %(region)s") % {"region": organisation.country.region})
    return score, reasons


def related_knowledge(
    user: Any,
    organisation: Organisation,
    *,
    themes: Iterable[str] = (),
    levels: Iterable[str] = (),
    limit: int = LIMIT,
) -> Related:
    """Published lessons and good practices relevant to `organisation`, ranked with the
    reason shown, and the open recommendations of evaluations covering it or its country.

    `themes` and `levels` are what the new diagnosis or plan is about; when not given, the
    themes and levels of the organisation's open and planned needs are used. Grid cells
    always come from those needs.
    """
    need_themes, need_levels, cells = _needs_grid(organisation)
    themes = tuple(themes) or tuple(need_themes)
    levels = tuple(levels) or tuple(need_levels)
    if levels and cells:
        cells = {cell for cell in cells if cell[0] in levels}
    related = Related(organisation=organisation, themes=themes, levels=levels)

    published = (
        lessons_for_user(user)
        .filter(status=Lesson.Status.PUBLISHED)
        .prefetch_related("countries")
        .select_related("evaluation")
    )
    ranked = []
    for lesson in published:
        score, reasons = _lesson_reasons(
            lesson, themes=themes, levels=levels, cells=cells, organisation=organisation
        )
        if score:
            ranked.append(RelatedLesson(lesson, score, reasons))
    ranked.sort(
        key=lambda r: (
            -r.score,
            -(r.lesson.published_at.timestamp() if r.lesson.published_at else 0),
            -r.lesson.pk,
        )
    )
    related.lessons = ranked[:limit]
    related.recommendations = open_recommendations(user, organisation)[:limit]
    return related


def open_recommendations(user: Any, organisation: Organisation) -> list[OpenRecommendation]:
    """Recommendations not yet acted upon, of evaluations covering `organisation` (first)
    or its country; each with why it is open and why it concerns the organisation."""
    covering = Q(evaluation__organisations=organisation) | Q(
        evaluation__countries=organisation.country_id
    )
    not_done = FollowUpAction.objects.filter(status__in=NOT_DONE)
    candidates = (
        scoped(user, Recommendation.objects.filter(covering))
        .filter(
            Q(response__isnull=True)
            | Q(
                response__decision__in=(
                    ManagementResponse.Decision.ACCEPTED,
                    ManagementResponse.Decision.PARTIALLY,
                )
            )
            & (Q(actions__isnull=True) | Q(actions__in=not_done))
        )
        .distinct()
        .select_related("evaluation", "response")
        .prefetch_related("evaluation__organisations", "actions")
    )
    rows = []
    for rec in candidates:
        on_org = any(o.pk == organisation.pk for o in rec.evaluation.organisations.all())
        reasons = [
            _("the evaluation covers %(organisation)s") % {"organisation": organisation}
            if on_org
            else _("the evaluation covers %(country)s") % {"country": organisation.country}
        ]
        response = getattr(rec, "response", None)
        if response is None:
            state = _("no management response yet")
        else:
            pending = sum(1 for a in rec.actions.all() if a.status in NOT_DONE)
            state = (
                ngettext(
                    "%(decision)s; %(count)d follow-up action not done",
                    "%(decision)s; %(count)d follow-up actions not done",
                    pending,
                )
                % {"decision": response.get_decision_display(), "count": pending}
                if pending
                else _("%(decision)s; no follow-up action recorded")
                % {"decision": response.get_decision_display()}
            )
        rows.append(
            (
                not on_org,
                rec.priority,
                -rec.evaluation.start.toordinal(),
                rec.number,
                OpenRecommendation(rec, state, reasons),
            )
        )
    rows.sort(key=lambda row: row[:4])
    return [row[4] for row in rows]


# --- a need meets what met similar needs elsewhere ---------------------------------------


@dataclass
class Match:
    kind: str  # "activity", "provider" or "partner"
    obj: Any  # the Activity or Organisation
    score: int
    reasons: list[str]
    activities: int = 1  # how many similar activities (for providers and partners)

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)

    @property
    def kind_label(self) -> str:
        return {
            "activity": _("Activity"),
            "provider": _("Provider"),
            "partner": _("Partner"),
        }[self.kind]


KIND_ORDER = {"activity": 0, "provider": 1, "partner": 2}


def _need_reasons(need: Need, other: Need) -> tuple[int, list[str]]:
    score, reasons = 3, [_("same theme: %(theme)s") % {"theme": _label(Theme, need.theme)}]
    if other.level == need.level and other.type == need.type:
        score += 2
        reasons.append(
            _("same grid cell: %(level)s · %(type)s")
            % {"level": _label(Level, need.level), "type": _label(CapacityType, need.type)}
        )
    elif other.level == need.level:
        score += 1
        reasons.append(_("same level: %(level)s") % {"level": _label(Level, need.level)})
    elif other.type == need.type:
        score += 1
        reasons.append(_("same type: %(type)s") % {"type": _label(CapacityType, need.type)})
    group = need.organisation.group
    if group and other.organisation.group == group:
        score += 2
        reasons.append(_("same group: %(group)s") % {"group": _label(ConstituentGroup, group)})
    reasons.append(_("in %(country)s") % {"country": other.organisation.country})
    return score, reasons


def similar_support(user: Any, need: Need, *, limit: int = LIMIT) -> list[Match]:
    """Activities (not cancelled), their providers and partners (co-organisers) that
    addressed needs of the same theme in other countries, best first, with the reason."""
    country = need.organisation.country_id
    similar = (
        Need.objects.filter(theme=need.theme)
        .exclude(organisation__country=country)
        .exclude(pk=need.pk)
        .select_related("organisation__country")
    )
    activities = (
        scoped(user, Activity.objects.filter(actions__needs__in=similar))
        .exclude(status=Activity.Status.CANCELLED)
        .distinct()
        .select_related("provider")
        .prefetch_related("co_organisers")
    )
    activities = list(activities)
    needs_of: dict[int, list[Need]] = {}
    links = Activity.actions.through.objects.filter(activity__in=[a.pk for a in activities])
    action_ids: dict[int, set[int]] = {}
    for activity_id, action_id in links.values_list("activity_id", "action_id"):
        action_ids.setdefault(action_id, set()).add(activity_id)
    from capdev.plan.models import Action

    need_links = Action.needs.through.objects.filter(
        action_id__in=action_ids, need__in=similar
    ).values_list("action_id", "need_id")
    by_pk = {n.pk: n for n in similar.filter(pk__in=[n for _a, n in need_links])}
    for action_id, need_id in need_links:
        for activity_id in action_ids[action_id]:
            needs_of.setdefault(activity_id, []).append(by_pk[need_id])

    matches: list[Match] = []
    best_for: dict[tuple[str, int], Match] = {}
    for activity in activities:
        scored = [_need_reasons(need, other) for other in needs_of.get(activity.pk, [])]
        if not scored:
            continue
        score, reasons = max(scored, key=lambda s: s[0])
        matches.append(Match("activity", activity, score, reasons))
        orgs = [("provider", activity.provider)] if activity.provider else []
        orgs += [("partner", org) for org in activity.co_organisers.all()]
        for kind, org in orgs:
            key = (kind, org.pk)
            current = best_for.get(key)
            via = [*reasons, _("through: %(activity)s") % {"activity": activity.title}]
            if current is None:
                best_for[key] = Match(kind, org, score, via)
            else:
                current.activities += 1
                if score > current.score:
                    current.score, current.reasons = score, via
    matches.extend(best_for.values())
    matches.sort(
        key=lambda m: (-m.score, -m.activities, KIND_ORDER[m.kind], str(m.obj).lower(), m.obj.pk)
    )
    return matches[:limit]
