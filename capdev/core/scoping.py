"""The one place that decides what a user may see and change.

Every queryset that reaches a user (pages, exports, API) passes through `scoped()`. A user's
grants each describe a slice of the world (all of it, the countries an office covers, a
constituent group worldwide or in a region, one country, one organisation); the user sees the
union of the slices of all grants and changes the union of those whose role may write.

Models opt in by registering the lookups that lead from a row to its country, region,
constituent group and organisation (`register`). A model that is not registered cannot be
scoped, and `scoped()` refuses it loudly rather than leak it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from capdev.core.models import Grant, Office, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

M = TypeVar("M", bound=models.Model)


class Action(Enum):
    VIEW = "view"
    CHANGE = "change"  # edit an existing row
    ADMINISTER = "administer"  # create or delete a row
    VALIDATE = "validate"  # approve a row someone else wrote (e.g. validate an assessment)


GLOBAL_ROLES = {Role.ADMIN, Role.HQ, Role.EVALUATOR}
WRITING_ROLES = {Role.ADMIN, Role.HQ, Role.OFFICE, Role.SPECIALIST, Role.FOCAL_POINT}
SCOPE_FIELDS = ("office", "region", "country", "group", "organisation")

# Which scope fields each role needs and which it may carry.
ROLE_SHAPES: dict[str, tuple[set[str], set[str]]] = {
    Role.ADMIN: (set(), set()),
    Role.HQ: (set(), set()),
    Role.EVALUATOR: (set(), set()),
    Role.OFFICE: ({"office"}, {"office"}),
    Role.SPECIALIST: ({"group"}, {"group", "region"}),
    Role.FOCAL_POINT: ({"organisation"}, {"organisation"}),
    Role.VIEWER: (set(), {"office", "region", "country", "group", "organisation"}),
}


@dataclass(frozen=True)
class ScopePaths:
    """Lookups from a model's rows to the dimensions grants are expressed in.

    `administrators` may create and delete rows; by default the writers, but a focal point,
    whose scope is one existing organisation, edits it without creating or deleting any.
    `validators` approve rows (by default the writers): a focal point runs a self-assessment
    of their organisation, the Office validates it.
    `public` rows are visible to every user holding a grant (e.g. HQ departments, which cover no
    country). `writers` are the roles that may change rows of this model at all; reference
    data is changed by administrators only. `many` says a path crosses a to-many relation,
    so results need de-duplicating. `office_internal` rows are about the Office's own staff:
    a constituent's grant (one organisation) reaches none of them.
    """

    country: str | None = None
    region: str | None = None
    group: str | None = None
    organisation: str | None = None
    public: Q | None = None
    writers: frozenset[str] = field(default_factory=lambda: frozenset(WRITING_ROLES))
    administrators: frozenset[str] | None = None
    validators: frozenset[str] | None = None
    many: bool = False
    office_internal: bool = False

    def roles_for(self, action: Action) -> frozenset[str] | None:
        """The roles whose grants count for `action`; None means every role (viewing)."""
        if action is Action.VIEW:
            return None
        if action is Action.ADMINISTER and self.administrators is not None:
            return self.administrators
        if action is Action.VALIDATE and self.validators is not None:
            return self.validators
        return self.writers


_REGISTRY: dict[type[models.Model], ScopePaths] = {}


def register(model: type[models.Model], paths: ScopePaths) -> None:
    _REGISTRY[model] = paths


def user_grants(user: AbstractBaseUser | AnonymousUser) -> list[Grant]:
    """The user's grants, read once per request and kept on the user object."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_capdev_grants", None)
    if cached is None:
        cached = list(Grant.objects.filter(user=user).select_related("organisation"))
        if user.is_superuser:
            cached.append(Grant(user=user, role=Role.ADMIN))
        user._capdev_grants = cached  # type: ignore[union-attr]
    return cached


def _grant_q(grant: Grant, paths: ScopePaths) -> Q | None:
    """The rows of a model one grant reaches, or None when it reaches none."""
    if grant.role in GLOBAL_ROLES:
        return Q()
    q = Q()
    if grant.office_id:
        if not paths.country:
            return None
        covered = Office.countries.through.objects.filter(office_id=grant.office_id)
        q &= Q(**{f"{paths.country}__in": covered.values("country_id")})
    if grant.region_id:
        if not paths.region:
            return None
        q &= Q(**{paths.region: grant.region_id})
    if grant.country_id:
        if not paths.country:
            return None
        q &= Q(**{paths.country: grant.country_id})
    if grant.group and paths.group:
        q &= Q(**{paths.group: grant.group})
    if grant.organisation_id:
        if paths.office_internal:
            return None
        if paths.organisation:
            q &= Q(**{paths.organisation: grant.organisation_id})
        elif paths.country:
            q &= Q(**{paths.country: grant.organisation.country_id})
        else:
            return None
    return q


def scoped(
    user: AbstractBaseUser | AnonymousUser,
    queryset: models.QuerySet[M],
    action: Action = Action.VIEW,
) -> models.QuerySet[M]:
    """`queryset` narrowed to the rows `user` may see (or, with Action.CHANGE, change)."""
    paths = _REGISTRY.get(queryset.model)
    if paths is None:
        raise LookupError(f"{queryset.model.__name__} is not registered with capdev scoping")
    combined: Q | None = None
    roles = paths.roles_for(action)
    grants = user_grants(user)
    for grant in grants:
        if roles is not None and grant.role not in roles:
            continue
        grant_q = _grant_q(grant, paths)
        if grant_q is None:
            continue
        if not grant_q:  # an empty Q: this grant reaches every row
            return queryset.all()
        combined = grant_q if combined is None else combined | grant_q
    # Public rows are for people the organisation has given a role: an account without any
    # grant (not yet given one, or with all taken away) sees nothing at all.
    if action is Action.VIEW and paths.public is not None and _reaches_public(grants, paths):
        combined = paths.public if combined is None else combined | paths.public
    if combined is None:
        return queryset.none()
    narrowed = queryset.filter(combined)
    return narrowed.distinct() if paths.many else narrowed


def _reaches_public(grants: list[Grant], paths: ScopePaths) -> bool:
    if paths.office_internal:
        return any(not grant.organisation_id for grant in grants)
    return bool(grants)


def may_administer_some(user: AbstractBaseUser | AnonymousUser, model: type[models.Model]) -> bool:
    """Whether any of the user's grants may create rows of `model` somewhere (to offer a form)."""
    roles = _REGISTRY[model].roles_for(Action.ADMINISTER) or frozenset()
    return any(grant.role in roles for grant in user_grants(user))


def ensure_in_scope(
    user: AbstractBaseUser | AnonymousUser, instance: models.Model, action: Action
) -> None:
    """Raise PermissionDenied unless the saved `instance` lies in the user's scope.

    Services call this inside their transaction after writing, so a write that would move a
    row out of the writer's scope (or create one outside it) is refused and rolled back by
    the same rules that filter lists.
    """
    model = type(instance)
    if not scoped(user, model._default_manager.filter(pk=instance.pk), action).exists():
        raise PermissionDenied(_("This is outside your scope."))


def grant_shape_errors(grant: Grant) -> dict[str, str]:
    """Field errors for a grant whose scope fields do not fit its role."""
    if not grant.role:
        return {}
    required, allowed = ROLE_SHAPES[grant.role]
    present = {
        name
        for name in SCOPE_FIELDS
        if getattr(grant, f"{name}_id" if name != "group" else name, None)
    }
    errors: dict[str, str] = {}
    for name in sorted(required - present):
        errors[name] = str(_("This role needs this field."))
    for name in sorted(present - allowed):
        errors[name] = str(_("This role does not take this field."))
    if grant.role == Role.VIEWER and len(present - {"group"}) > 1:
        errors["role"] = str(_("A viewer's scope is one office, region, country or organisation."))
    return errors
