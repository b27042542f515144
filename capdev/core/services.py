"""Writes to organisations and their figures, each checked against the writer's scope."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from capdev.core.models import Contact, LoginFailure, Membership, Organisation, Role
from capdev.core.scoping import Action, ensure_in_scope, user_has_role

ORGANISATION_FIELDS = ("name", "acronym", "country", "group", "kind", "parent", "website", "notes")
# A focal point's scope is one existing organisation, so a new organisation always lies outside
# it: focal points change their own organisation but create none.
ORGANISATION_CREATORS = (Role.ADMIN, Role.HQ, Role.OFFICE, Role.SPECIALIST)
ORGANISATION_NAME_TAKEN = _("%(country)s already has an organisation of this name.")


def _apply(instance: Any, data: dict[str, Any], fields: tuple[str, ...]) -> None:
    for name in fields:
        if name in data:
            setattr(instance, name, data[name])


def _organisation_full_clean(organisation: Organisation) -> None:
    """`full_clean()`, with a name already used in the country reported next to the name.

    The database constraint reports it for the (country, name) pair, as a non-field error that
    the API would return under "__all__"; the name is what the user has to change.
    """
    try:
        organisation.full_clean()
    except ValidationError as error:
        errors = error.update_error_dict({})
        general = errors.pop(NON_FIELD_ERRORS, [])
        others = [e for e in general if e.code != "unique_together"]
        if len(others) < len(general):
            taken = ORGANISATION_NAME_TAKEN % {"country": organisation.country}
            errors.setdefault("name", []).append(ValidationError(taken, code="unique"))
        if others:
            errors[NON_FIELD_ERRORS] = others
        raise ValidationError(errors) from None


def organisation_create_allowed(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Whether any of the user's grants could hold a new organisation (pages offer the form)."""
    return user_has_role(user, *ORGANISATION_CREATORS)


@transaction.atomic
def organisation_create(*, user: AbstractBaseUser, data: dict[str, Any]) -> Organisation:
    if not organisation_create_allowed(user):
        raise PermissionDenied(_("Your role does not create organisations."))
    organisation = Organisation()
    _apply(organisation, data, ORGANISATION_FIELDS)
    _organisation_full_clean(organisation)
    organisation._history_user = user
    organisation.save()
    ensure_in_scope(user, organisation, Action.CHANGE)
    return organisation


@transaction.atomic
def organisation_update(
    *, user: AbstractBaseUser, organisation: Organisation, data: dict[str, Any]
) -> Organisation:
    ensure_in_scope(user, organisation, Action.CHANGE)
    _apply(organisation, data, ORGANISATION_FIELDS)
    _organisation_full_clean(organisation)
    organisation._history_user = user
    organisation.save()
    ensure_in_scope(user, organisation, Action.CHANGE)  # the change must not leave the scope
    return organisation


@transaction.atomic
def organisation_delete(*, user: AbstractBaseUser, organisation: Organisation) -> None:
    ensure_in_scope(user, organisation, Action.CHANGE)
    organisation._history_user = user
    organisation.delete()


@transaction.atomic
def membership_record(
    *, user: AbstractBaseUser, organisation: Organisation, data: dict[str, Any]
) -> Membership:
    """Set one year's membership figures, replacing that year's earlier figures if any."""
    ensure_in_scope(user, organisation, Action.CHANGE)
    membership = Membership.objects.filter(
        organisation=organisation, year=data.get("year")
    ).first() or Membership(organisation=organisation)
    _apply(membership, data, ("year", "members", "women_members", "potential_members"))
    membership.full_clean()
    membership._history_user = user
    membership.save()
    return membership


@transaction.atomic
def contact_add(
    *, user: AbstractBaseUser, organisation: Organisation, data: dict[str, Any]
) -> Contact:
    ensure_in_scope(user, organisation, Action.CHANGE)
    contact = Contact(organisation=organisation)
    _apply(contact, data, ("name", "position", "email", "phone"))
    contact.full_clean()
    contact._history_user = user
    contact.save()
    return contact


@transaction.atomic
def child_delete(*, user: AbstractBaseUser, record: Membership | Contact) -> None:
    """Delete a membership figure or contact of an organisation in the user's scope."""
    ensure_in_scope(user, record, Action.CHANGE)
    record._history_user = user
    record.delete()


def login_blocked(*, username: str, address: str | None) -> bool:
    """True while too many recent failures name this user or come from this address."""
    since = timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    recent = LoginFailure.objects.filter(at__gte=since)
    by_name = recent.filter(username__iexact=username).count()
    by_address = recent.filter(address=address).count() if address else 0
    limit = settings.LOGIN_FAILURE_LIMIT
    # An address may try a few names (a shared office connection), a name only `limit` times.
    return by_name >= limit or by_address >= limit * 4


def login_failure_record(*, username: str, address: str | None) -> None:
    LoginFailure.objects.create(username=username[:150], address=address)


def login_failures_clear(*, username: str) -> None:
    LoginFailure.objects.filter(Q(username__iexact=username)).delete()
