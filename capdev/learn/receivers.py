"""Keep the search index (capdev.learn.search) in step with the records it is built from.

Connected once, from LearnConfig.ready(). A record's entry is rebuilt whenever the record, or
something its entry is made of, is saved, deleted or re-linked: an evaluation's documents
(their extracted text) and recommendations, a plan's results and actions, the many-to-many
links that carry the filter fields (countries, organisations, beneficiaries, needs), and the
organisations whose name, group or country the entries of needs, plans, activities and
evaluations carry. Where a delete removes link rows without m2m_changed (a need's plan and
action links, an action's activity links), the owners are collected in pre_delete and
re-indexed in post_delete.
"""

from __future__ import annotations

from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from capdev.core.models import Organisation
from capdev.deliver.models import Activity
from capdev.diagnose.models import Need
from capdev.learn import search
from capdev.learn.models import Evaluation, EvaluationDocument, Lesson, Recommendation
from capdev.plan.models import Action, Plan, Result

INDEXED = {
    Need: "need",
    Lesson: "lesson",
    Evaluation: "evaluation",
    Recommendation: "recommendation",
    Activity: "activity",
    Plan: "plan",
}


def _need_dependents(need) -> dict[str, list[int]]:
    """The plans and activities whose entries carry `need`'s grid cell and theme."""
    activities = Activity.objects.filter(actions__needs=need).values_list("pk", flat=True)
    plans = Plan.objects.filter(Q(needs=need) | Q(actions__needs=need)).values_list("pk", flat=True)
    return {"plan": list(plans.distinct()), "activity": list(activities.distinct())}


def _reindex(dependents: dict[str, list[int]]) -> None:
    for source, ids in dependents.items():
        search.index(source, ids)


def _indexed_saved(sender, instance, raw=False, **kwargs) -> None:
    if raw:  # loaddata: `capdev search --rebuild` afterwards
        return
    search.index(INDEXED[sender], [instance.pk])
    if sender is Evaluation:
        ids = list(instance.recommendations.values_list("pk", flat=True))
        search.index("recommendation", ids)
    if sender is Need:
        _reindex(_need_dependents(instance))


def _indexed_deleting(sender, instance, **kwargs) -> None:
    """Before a need goes, its plan and action links go with it without m2m_changed."""
    if sender is Need:
        instance._search_dependents = _need_dependents(instance)


def _indexed_deleted(sender, instance, **kwargs) -> None:
    search.unindex(INDEXED[sender], [instance.pk])
    _reindex(getattr(instance, "_search_dependents", {}))


def _part_changed(sender, instance, raw=False, **kwargs) -> None:
    """A document of an evaluation, a result or action of a plan: re-index its owner (and an
    action's activities, whose grid cells come from its needs)."""
    if raw:
        return
    if sender is EvaluationDocument:
        search.index("evaluation", [instance.evaluation_id])
        return
    search.index("plan", [instance.plan_id])
    if sender is Action:
        ids = getattr(instance, "_search_activities", None)
        if ids is None:
            ids = list(instance.activities.values_list("pk", flat=True))
        search.index("activity", ids)


def _action_deleting(sender, instance, **kwargs) -> None:
    instance._search_activities = list(instance.activities.values_list("pk", flat=True))


def _organisation_saved(sender, instance, raw=False, **kwargs) -> None:
    """An organisation's name, group or country is in the entries of its needs, plans,
    activities (as beneficiary or provider) and evaluations."""
    if raw:
        return
    search.index("need", list(instance.needs.values_list("pk", flat=True)))
    search.index("plan", list(instance.plans.values_list("pk", flat=True)))
    activities = Activity.objects.filter(Q(beneficiaries=instance) | Q(provider=instance))
    search.index("activity", list(activities.values_list("pk", flat=True).distinct()))
    evaluations = list(
        Evaluation.objects.filter(organisations=instance).values_list("pk", flat=True)
    )
    search.index("evaluation", evaluations)
    recommendations = Recommendation.objects.filter(evaluation__in=evaluations)
    search.index("recommendation", list(recommendations.values_list("pk", flat=True)))


def _action_needs_changed(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    """Action.needs: the grid cells of the action's activities (and its plan)."""
    if action == "pre_clear" and reverse:  # a need's actions: pk_set is None at post_clear
        instance._search_actions = list(instance.actions.values_list("pk", flat=True))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        actions = [instance.pk]
    elif pk_set:
        actions = list(pk_set)
    else:
        actions = getattr(instance, "_search_actions", [])
    plans = Action.objects.filter(pk__in=actions).values_list("plan_id", flat=True)
    search.index("plan", list(plans.distinct()))
    activities = Activity.objects.filter(actions__in=actions).values_list("pk", flat=True)
    search.index("activity", list(activities.distinct()))


def _links_changed(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    owner = next(m for m, through in LINKS if through is sender)
    if not reverse:
        search.index(INDEXED[owner], [instance.pk])
    elif pk_set:
        search.index(INDEXED[owner], pk_set)
    if owner is Evaluation and not reverse:
        ids = list(instance.recommendations.values_list("pk", flat=True))
        search.index("recommendation", ids)


LINKS = [
    (Evaluation, Evaluation.countries.through),
    (Evaluation, Evaluation.organisations.through),
    (Lesson, Lesson.countries.through),
    (Activity, Activity.countries.through),
    (Activity, Activity.beneficiaries.through),
    (Activity, Activity.actions.through),
    (Plan, Plan.organisations.through),
    (Plan, Plan.needs.through),
]

for model in INDEXED:
    post_save.connect(_indexed_saved, sender=model, dispatch_uid=f"search-save-{model.__name__}")
    pre_delete.connect(
        _indexed_deleting, sender=model, dispatch_uid=f"search-deleting-{model.__name__}"
    )
    post_delete.connect(
        _indexed_deleted, sender=model, dispatch_uid=f"search-delete-{model.__name__}"
    )
for model in (EvaluationDocument, Result, Action):
    post_save.connect(_part_changed, sender=model, dispatch_uid=f"search-part-{model.__name__}")
    post_delete.connect(
        _part_changed, sender=model, dispatch_uid=f"search-part-del-{model.__name__}"
    )
for _owner, through in LINKS:
    m2m_changed.connect(
        _links_changed, sender=through, dispatch_uid=f"search-links-{through.__name__}"
    )
pre_delete.connect(_action_deleting, sender=Action, dispatch_uid="search-action-deleting")
post_save.connect(_organisation_saved, sender=Organisation, dispatch_uid="search-organisation")
m2m_changed.connect(
    _action_needs_changed, sender=Action.needs.through, dispatch_uid="search-action-needs"
)
