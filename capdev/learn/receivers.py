"""Keep the search index (capdev.learn.search) in step with the records it is built from.

Connected once, from LearnConfig.ready(). A record's entry is rebuilt whenever the record, or
something its entry is made of, is saved, deleted or re-linked: an evaluation's documents
(their extracted text) and recommendations, a plan's results and actions, the many-to-many
links that carry the filter fields (countries, organisations, beneficiaries, needs).
"""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save

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


def _indexed_saved(sender, instance, raw=False, **kwargs) -> None:
    if raw:  # loaddata: `capdev search --rebuild` afterwards
        return
    search.index(INDEXED[sender], [instance.pk])
    if sender is Evaluation:
        ids = list(instance.recommendations.values_list("pk", flat=True))
        search.index("recommendation", ids)
    if sender is Need:  # the grid cell and theme of the plans and activities addressing it
        search.index("plan", list(instance.plans.values_list("pk", flat=True)))
        activities = Activity.objects.filter(actions__needs=instance).values_list("pk", flat=True)
        search.index("activity", list(activities.distinct()))


def _indexed_deleted(sender, instance, **kwargs) -> None:
    search.unindex(INDEXED[sender], [instance.pk])


def _part_changed(sender, instance, raw=False, **kwargs) -> None:
    """A document of an evaluation, a result or action of a plan: re-index its owner."""
    if raw:
        return
    if sender is EvaluationDocument:
        search.index("evaluation", [instance.evaluation_id])
    else:
        search.index("plan", [instance.plan_id])


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
