"""Writes of the plan stage: plans, their theory of change and actions, and the sign-offs.

Every write checks the writer's scope with the rules that filter lists (see scopes.py);
`user=None` is the command line.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from capdev.core.models import Role
from capdev.core.scoping import Action as Do
from capdev.core.scoping import ensure_in_scope, may_administer_some, scoped, user_grants
from capdev.core.services import _delete, _save
from capdev.diagnose.models import Need
from capdev.plan.models import Action, FundingSource, Plan, Result, ResultIndicator

Actor = AbstractBaseUser | None

PLAN_FIELDS = ("title", "country", "office", "start", "end", "unsdcf_outcome", "drivers", "notes")
PLAN_LINKS = ("organisations", "needs", "programme_outcomes", "pb_outcomes", "sdg_targets")
RESULT_FIELDS = ("level", "kind", "statement", "position")
INDICATOR_FIELDS = ("name", "unit", "baseline", "target")
ACTION_FIELDS = (
    "title",
    "responsible_organisation",
    "responsible_office",
    "start",
    "end",
    "budget",
    "currency",
    "funding_source",
)


def _check(user: Actor, instance: Any, action: Do) -> None:
    if user is not None:
        ensure_in_scope(user, instance, action)


def plan_create_allowed(user: Actor) -> bool:
    return user is None or may_administer_some(user, Plan)


def _links_errors(plan: Plan, links: dict[str, Any]) -> dict[str, str]:
    """Organisations of the plan's country, needs of those organisations."""
    errors: dict[str, str] = {}
    organisations = list(links.get("organisations", plan.organisations.all()))
    if not organisations:
        errors["organisations"] = _("A plan is for at least one organisation.")
    elif any(o.country_id != plan.country_id for o in organisations):
        errors["organisations"] = _("Every organisation of a plan is of the plan's country.")
    ids = {o.pk for o in organisations}
    if any(need.organisation_id not in ids for need in links.get("needs", [])):
        errors["needs"] = _("A plan addresses needs of its own organisations only.")
    outcomes = links.get("programme_outcomes", [])
    if any(o.programme.country_id != plan.country_id for o in outcomes):
        errors["programme_outcomes"] = _("Country programme outcomes of the plan's country only.")
    return errors


def _write_plan(plan: Plan, user: Actor, data: dict[str, Any], action: Do) -> Plan:
    _save(plan, user=user, data=data, fields=PLAN_FIELDS)
    links = {name: data[name] for name in PLAN_LINKS if name in data}
    errors = _links_errors(plan, links)
    if errors:
        raise ValidationError(errors)
    for name, values in links.items():
        getattr(plan, name).set(values)
    _check(user, plan, action)  # after the organisations are set: they decide the scope
    return plan


@transaction.atomic
def plan_create(*, user: Actor, data: dict[str, Any]) -> Plan:
    """A draft plan for one organisation, or a country's tripartite plan over several, built
    from their selected needs."""
    if not plan_create_allowed(user):
        raise PermissionDenied(_("Your role does not start plans."))
    return _write_plan(Plan(), user, data, Do.ADMINISTER)


def _ensure_draft(plan: Plan) -> None:
    if plan.status != Plan.Status.DRAFT:
        raise ValidationError(
            _("This plan is %(status)s; its terms change only while it is a draft.")
            % {"status": plan.get_status_display().lower()}
        )


@transaction.atomic
def plan_update(*, user: Actor, plan: Plan, data: dict[str, Any]) -> Plan:
    _check(user, plan, Do.CHANGE)
    _ensure_draft(plan)
    return _write_plan(plan, user, data, Do.CHANGE)


@transaction.atomic
def plan_delete(*, user: Actor, plan: Plan) -> None:
    _check(user, plan, Do.ADMINISTER)
    _ensure_draft(plan)
    _delete(plan, user=user)


def signs_for_constituents(user: Actor, plan: Plan) -> bool:
    """A focal point of one of the plan's organisations signs for the constituents."""
    if user is None:
        return True
    members = set(plan.organisations.values_list("pk", flat=True))
    return any(
        grant.role == Role.FOCAL_POINT and grant.organisation_id in members
        for grant in user_grants(user)
    )


@transaction.atomic
def plan_sign(*, user: Actor, plan: Plan, side: str) -> Plan:
    """Record the constituents' or the Office's sign-off ("constituents" or "office"); with
    both, the plan is agreed and the needs it addresses are planned."""
    _check(user, plan, Do.VIEW)
    _ensure_draft(plan)
    now = timezone.now()
    if side == "constituents":
        if not signs_for_constituents(user, plan):
            raise PermissionDenied(_("The focal point of a constituent in the plan signs for it."))
        data = {"constituent_signed_by": user, "constituent_signed_at": now}
    elif side == "office":
        if (
            user is not None
            and not scoped(user, Plan.objects.filter(pk=plan.pk), Do.VALIDATE).exists()
        ):
            raise PermissionDenied(_("The Office signs plans; your role does not."))
        data = {"office_signed_by": user, "office_signed_at": now}
    else:
        raise ValidationError(_("Sign for the constituents or for the Office."))
    _save(plan, user=user, data=data, fields=tuple(data), clean=lambda: None)
    if plan.constituent_signed_at and plan.office_signed_at:
        _save(
            plan,
            user=user,
            data={"status": Plan.Status.AGREED},
            fields=("status",),
            clean=lambda: None,
        )
        _mark_needs(plan, user, Need.Status.PLANNED)
    return plan


def _mark_needs(plan: Plan, user: Actor, status: str) -> None:
    for need in plan.needs.exclude(status=Need.Status.ADDRESSED):
        _save(need, user=user, data={"status": status}, fields=("status",), clean=lambda: None)


@transaction.atomic
def plan_advance(*, user: Actor, plan: Plan) -> Plan:
    """Agreed → in implementation → closed (closing marks its needs addressed)."""
    _check(user, plan, Do.VALIDATE)
    following = {
        Plan.Status.AGREED: Plan.Status.IN_IMPLEMENTATION,
        Plan.Status.IN_IMPLEMENTATION: Plan.Status.CLOSED,
    }.get(plan.status)
    if following is None:
        raise ValidationError(
            _("Only an agreed plan starts, and only one in implementation closes.")
        )
    _save(plan, user=user, data={"status": following}, fields=("status",), clean=lambda: None)
    if following == Plan.Status.CLOSED:
        _mark_needs(plan, user, Need.Status.ADDRESSED)
    return plan


# --- theory of change and actions -------------------------------------------------------


@transaction.atomic
def result_add(*, user: Actor, plan: Plan, data: dict[str, Any]) -> Result:
    _check(user, plan, Do.CHANGE)
    _ensure_draft(plan)
    result = Result(plan=plan)
    _save(result, user=user, data=data, fields=RESULT_FIELDS)
    for outcome in data.get("contributes_to", []):
        result_link(user=user, output=result, outcome=outcome)
    return result


@transaction.atomic
def result_link(*, user: Actor, output: Result, outcome: Result) -> None:
    """Chain an output to the outcome it contributes to, in the same plan."""
    _check(user, output.plan, Do.CHANGE)
    _ensure_draft(output.plan)
    if output.plan_id != outcome.plan_id:
        raise ValidationError(_("Results of different plans cannot be chained."))
    if output.kind != Result.Kind.OUTPUT or outcome.kind != Result.Kind.OUTCOME:
        raise ValidationError(_("An output contributes to an outcome, not the other way round."))
    output._history_user = user  # type: ignore[attr-defined]  (read by simple-history)
    output.contributes_to.add(outcome)


@transaction.atomic
def indicator_add(*, user: Actor, result: Result, data: dict[str, Any]) -> ResultIndicator:
    _check(user, result.plan, Do.CHANGE)
    _ensure_draft(result.plan)
    indicator = ResultIndicator(result=result)
    _save(indicator, user=user, data=data, fields=INDICATOR_FIELDS)
    return indicator


@transaction.atomic
def action_add(*, user: Actor, plan: Plan, data: dict[str, Any]) -> Action:
    """An action of the plan, linked to the needs and results it serves (of the same plan)."""
    _check(user, plan, Do.CHANGE)
    _ensure_draft(plan)
    action = Action(plan=plan)
    if "currency" in data:
        data = {**data, "currency": data["currency"].upper()}
    _save(action, user=user, data=data, fields=ACTION_FIELDS)
    needs, results = list(data.get("needs", [])), list(data.get("results", []))
    if any(not plan.needs.filter(pk=need.pk).exists() for need in needs):
        raise ValidationError({"needs": _("Link needs the plan addresses.")})
    if any(result.plan_id != plan.pk for result in results):
        raise ValidationError({"results": _("Link results of this plan.")})
    action.needs.set(needs)
    action.results.set(results)
    return action


# --- funding sources (§25) --------------------------------------------------------------

FUNDING_SOURCE_FIELDS = ("name", "kind", "earmarking", "donor")


def funding_source_create_allowed(user: Actor) -> bool:
    return user is None or may_administer_some(user, FundingSource)


@transaction.atomic
def funding_source_create(*, user: Actor, data: dict[str, Any]) -> FundingSource:
    """A funding source (reference data, recorded by HQ and administrators)."""
    if not funding_source_create_allowed(user):
        raise PermissionDenied(_("Your role does not record funding sources."))
    source = FundingSource()
    _save(source, user=user, data=data, fields=FUNDING_SOURCE_FIELDS)
    _check(user, source, Do.ADMINISTER)
    return source


@transaction.atomic
def funding_source_update(
    *, user: Actor, source: FundingSource, data: dict[str, Any]
) -> FundingSource:
    _check(user, source, Do.CHANGE)
    _save(source, user=user, data=data, fields=FUNDING_SOURCE_FIELDS)
    return source
