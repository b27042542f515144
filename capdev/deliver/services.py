"""Writes of the deliver stage: activities, their participants and what delivery changes in
the plans and needs it serves. Every write checks the writer's scope (see scopes.py);
`user=None` is the command line. Bulk participant lists go through `participants_import`."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from capdev.core.scoping import Action as Do
from capdev.core.scoping import ensure_in_scope, may_administer_some, scoped
from capdev.core.services import _delete, _save
from capdev.deliver.models import Activity, Participation
from capdev.diagnose.models import Need
from capdev.plan.models import Action, Plan

Actor = AbstractBaseUser | None

ACTIVITY_FIELDS = (
    "title",
    "kind",
    "status",
    "start",
    "end",
    "online",
    "place",
    "office",
    "provider",
    "south_south",
    "triangular",
    "peer_exchange",
    "target_groups",
    "drivers",
    "funding_source",
    "cost",
    "currency",
    "advisory_area",
    "description",
)
ACTIVITY_LINKS = ("countries", "co_organisers", "beneficiaries", "actions")
PARTICIPATION_FIELDS = (
    "attendance",
    "pre_test",
    "post_test",
    "satisfaction",
    "applied_3_months",
    "applied_6_months",
)
# Plans whose actions activities deliver: agreed ones (the first activity starts them).
DELIVERING = (Plan.Status.AGREED, Plan.Status.IN_IMPLEMENTATION)


def _check(user: Actor, instance: Any, action: Do) -> None:
    if user is not None:
        ensure_in_scope(user, instance, action)


def activity_create_allowed(user: Actor) -> bool:
    return user is None or may_administer_some(user, Activity)


def _links_errors(links: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if "countries" in links and not list(links["countries"]):
        errors["countries"] = _("An activity takes place in, or is for, at least one country.")
    if any(a.plan.status not in DELIVERING for a in links.get("actions", [])):
        errors["actions"] = _("Link actions of agreed plans only.")
    return errors


def _with_unseen(activity: Activity, user: Actor, name: str, chosen: list[Any]) -> list[Any]:
    """`chosen`, plus what the activity already links to beyond the user's sight: an editor
    who cannot see a country, partner or plan action must not unlink it by saving."""
    if user is None:
        return chosen
    current = getattr(activity, name).all()
    visible = scoped(user, current.model.objects.all()).values("pk")
    return [*chosen, *current.exclude(pk__in=visible)]


def _write_activity(activity: Activity, user: Actor, data: dict[str, Any], action: Do) -> None:
    created = activity.pk is None
    if data.get("currency"):
        data = {**data, "currency": data["currency"].upper()}
    _save(activity, user=user, data=data, fields=ACTIVITY_FIELDS)
    links = {
        name: list(data[name]) if created else _with_unseen(activity, user, name, list(data[name]))
        for name in ACTIVITY_LINKS
        if name in data
    }
    if "countries" not in links and not activity.countries.exists():
        links["countries"] = []
    errors = _links_errors(links)
    if errors:
        raise ValidationError(errors)
    # Delivering an action moves its plan and needs on: only the plan's writers link it.
    added = {a.pk for a in data.get("actions", [])}
    if not created:
        added -= set(activity.actions.values_list("pk", flat=True))
    if user is not None and added:
        writable = scoped(user, Action.objects.filter(pk__in=added), Do.CHANGE).count()
        if writable < len(added):
            raise PermissionDenied(_("You may only deliver actions of plans you work on."))
    for name, values in links.items():
        getattr(activity, name).set(values)
    _check(user, activity, action)  # after the countries are set: they decide the scope
    # A status set by hand stands; otherwise participants who attended make it held.
    record_delivery(activity, user, promote="status" not in data)


@transaction.atomic
def activity_create(*, user: Actor, data: dict[str, Any]) -> Activity:
    if not activity_create_allowed(user):
        raise PermissionDenied(_("Your role does not organise activities."))
    activity = Activity()
    _write_activity(activity, user, data, Do.ADMINISTER)
    return activity


@transaction.atomic
def activity_update(*, user: Actor, activity: Activity, data: dict[str, Any]) -> Activity:
    _check(user, activity, Do.CHANGE)
    _write_activity(activity, user, data, Do.CHANGE)
    return activity


@transaction.atomic
def activity_delete(*, user: Actor, activity: Activity) -> None:
    _check(user, activity, Do.ADMINISTER)
    if activity.participations.exists():
        raise ValidationError(_("This activity has participants; remove them before deleting it."))
    _delete(activity, user=user)


@transaction.atomic
def participation_update(
    *, user: Actor, participation: Participation, data: dict[str, Any]
) -> Participation:
    """Attendance, test scores, satisfaction and the 3- and 6-month follow-up of one person."""
    _check(user, participation, Do.CHANGE)
    _save(participation, user=user, data=data, fields=PARTICIPATION_FIELDS)
    if participation.attendance:
        record_delivery(participation.activity, user)
    return participation


@transaction.atomic
def participation_delete(*, user: Actor, participation: Participation) -> None:
    _check(user, participation, Do.ADMINISTER)
    _delete(participation, user=user)


# --- what delivery changes --------------------------------------------------------------


def action_delivered(action: Action) -> bool:
    """An action is delivered once one of its activities has been held."""
    return action.activities.filter(status=Activity.Status.HELD).exists()


def record_delivery(activity: Activity, user: Actor, *, promote: bool = True) -> None:
    """Carry an activity's delivery into the plans and needs it serves.

    An activity with participants who attended has been held. The first held activity of an
    agreed plan puts the plan in implementation, and a need is addressed once every action
    that serves it has been delivered.
    """
    if (
        promote
        and activity.status == Activity.Status.PLANNED
        and activity.participations.filter(attendance__gt=0).exists()
    ):
        _save(
            activity,
            user=user,
            data={"status": Activity.Status.HELD},
            fields=("status",),
            clean=lambda: None,
        )
    if activity.status != Activity.Status.HELD:
        return
    for action in activity.actions.select_related("plan"):
        plan = action.plan
        if plan.status == Plan.Status.AGREED:
            _save(
                plan,
                user=user,
                data={"status": Plan.Status.IN_IMPLEMENTATION},
                fields=("status",),
                clean=lambda: None,
            )
        for need in action.needs.exclude(status=Need.Status.ADDRESSED):
            if all(action_delivered(a) for a in need.actions.all()):
                _save(
                    need,
                    user=user,
                    data={"status": Need.Status.ADDRESSED},
                    fields=("status",),
                    clean=lambda: None,
                )
