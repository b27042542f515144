"""Writes to organisations and their figures, each checked against the writer's scope."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from capdev.core.models import Contact, LoginFailure, Membership, Organisation
from capdev.core.scoping import Action, ensure_in_scope, may_administer_some

ORGANISATION_FIELDS = ("name", "acronym", "country", "group", "kind", "parent", "website", "notes")
ORGANISATION_NAME_TAKEN = _("%(country)s already has an organisation of this name.")


def _save(
    instance: Model,
    *,
    user: AbstractBaseUser,
    data: dict[str, Any],
    fields: tuple[str, ...],
    clean: Callable[[], None] | None = None,
) -> None:
    """Set `fields` from `data`, validate, and save with `user` recorded in the history."""
    for name in fields:
        if name in data:
            setattr(instance, name, data[name])
    (clean or instance.full_clean)()
    instance._history_user = user  # type: ignore[attr-defined]  (read by simple-history)
    instance.save()


def _delete(instance: Model, *, user: AbstractBaseUser) -> None:
    instance._history_user = user  # type: ignore[attr-defined]
    instance.delete()


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


def _save_organisation(
    organisation: Organisation, *, user: AbstractBaseUser, data: dict[str, Any]
) -> None:
    _save(
        organisation,
        user=user,
        data=data,
        fields=ORGANISATION_FIELDS,
        clean=lambda: _organisation_full_clean(organisation),
    )


def organisation_create_allowed(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Whether any of the user's grants may hold a new organisation (pages offer the form)."""
    return may_administer_some(user, Organisation)


@transaction.atomic
def organisation_create(*, user: AbstractBaseUser, data: dict[str, Any]) -> Organisation:
    if not organisation_create_allowed(user):
        raise PermissionDenied(_("Your role does not create organisations."))
    organisation = Organisation()
    _save_organisation(organisation, user=user, data=data)
    ensure_in_scope(user, organisation, Action.ADMINISTER)
    return organisation


@transaction.atomic
def organisation_update(
    *, user: AbstractBaseUser, organisation: Organisation, data: dict[str, Any]
) -> Organisation:
    ensure_in_scope(user, organisation, Action.CHANGE)
    _save_organisation(organisation, user=user, data=data)
    ensure_in_scope(user, organisation, Action.CHANGE)  # the change must not leave the scope
    return organisation


@transaction.atomic
def organisation_delete(*, user: AbstractBaseUser, organisation: Organisation) -> None:
    ensure_in_scope(user, organisation, Action.ADMINISTER)
    _delete(organisation, user=user)


@transaction.atomic
def membership_record(
    *, user: AbstractBaseUser, organisation: Organisation, data: dict[str, Any]
) -> Membership:
    """Set one year's membership figures, replacing that year's earlier figures if any."""
    ensure_in_scope(user, organisation, Action.CHANGE)
    membership = Membership.objects.filter(
        organisation=organisation, year=data.get("year")
    ).first() or Membership(organisation=organisation)
    _save(
        membership,
        user=user,
        data=data,
        fields=("year", "members", "women_members", "potential_members"),
    )
    return membership


@transaction.atomic
def contact_add(
    *, user: AbstractBaseUser, organisation: Organisation, data: dict[str, Any]
) -> Contact:
    ensure_in_scope(user, organisation, Action.CHANGE)
    contact = Contact(organisation=organisation)
    _save(contact, user=user, data=data, fields=("name", "position", "email", "phone"))
    return contact


@transaction.atomic
def child_delete(*, user: AbstractBaseUser, record: Membership | Contact) -> None:
    """Delete a membership figure or contact of an organisation in the user's scope."""
    ensure_in_scope(user, record, Action.CHANGE)
    _delete(record, user=user)


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
