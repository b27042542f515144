"""Reads users see. Every one starts from `scoped()`."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from capdev.core.models import (
    TRIPARTITE_GROUPS,
    ConstituentGroup,
    Country,
    Office,
    Organisation,
    Region,
)
from capdev.core.scoping import Action, scoped

User = AbstractBaseUser | AnonymousUser

ORGANISATION_SORTS = {
    "name": ("name",),
    "-name": ("-name",),
    "country": ("country__name", "name"),
    "-country": ("-country__name", "name"),
    "group": ("group", "name"),
    "kind": ("kind", "name"),
}


def _name_search(q: str, *prefixes: str) -> Q:
    """Match q against country names in all four languages and ISO codes."""
    condition = Q()
    for prefix in prefixes:
        for field in ("name", "name_fr", "name_es", "name_zh"):
            condition |= Q(**{f"{prefix}{field}__icontains": q})
        condition |= Q(**{f"{prefix}iso_alpha2__iexact": q}) | Q(
            **{f"{prefix}iso_alpha3__iexact": q}
        )
    return condition


def regions_for_user(user: User) -> QuerySet[Region]:
    return scoped(user, Region.objects.all())


def countries_for_user(user: User, *, q: str = "", region: str = "") -> QuerySet[Country]:
    countries = scoped(user, Country.objects.select_related("region"))
    if q:
        countries = countries.filter(_name_search(q.strip(), ""))
    if region:
        countries = countries.filter(region__code=region)
    return countries


def country_for_user(user: User, code: str) -> Country:
    """The country with this ISO 3166 alpha-2 or alpha-3 code, if the user sees it (404
    otherwise)."""
    field = "iso_alpha3" if len(code) == 3 else "iso_alpha2"
    try:
        return countries_for_user(user).get(**{field: code.upper()})
    except Country.DoesNotExist:
        raise Http404 from None


def organisations_for_user(
    user: User,
    *,
    q: str = "",
    country: str = "",
    region: str = "",
    group: str = "",
    kind: str = "",
    sort: str = "name",
    action: Action = Action.VIEW,
) -> QuerySet[Organisation]:
    organisations = scoped(
        user, Organisation.objects.select_related("country", "country__region", "parent"), action
    )
    if q:
        q = q.strip()
        organisations = organisations.filter(
            Q(name__icontains=q) | Q(acronym__icontains=q) | _name_search(q, "country__")
        )
    if country:
        organisations = organisations.filter(country__iso_alpha2=country.upper())
    if region:
        organisations = organisations.filter(country__region__code=region)
    if group:
        organisations = organisations.filter(group=group)
    if kind:
        organisations = organisations.filter(kind=kind)
    return organisations.order_by(*ORGANISATION_SORTS.get(sort, ORGANISATION_SORTS["name"]))


def organisation_for_user(user: User, pk: int, action: Action = Action.VIEW) -> Organisation:
    try:
        return organisations_for_user(user, action=action).get(pk=pk)
    except Organisation.DoesNotExist:
        raise Http404 from None


def organisation_allows(user: User, organisation: Organisation, action: Action) -> bool:
    """Whether the user may do `action` (change, or create/delete) to this organisation."""
    return scoped(user, Organisation.objects.filter(pk=organisation.pk), action).exists()


@dataclass(frozen=True)
class TripartiteColumn:
    group: ConstituentGroup
    organisations: list[Organisation]


def country_tripartite(user: User, country: Country) -> list[TripartiteColumn]:
    """The country's government, employers' and workers' organisations side by side."""
    organisations = organisations_for_user(user).filter(country=country)
    by_group: dict[str, list[Organisation]] = {g: [] for g in TRIPARTITE_GROUPS}
    for organisation in organisations.filter(group__in=TRIPARTITE_GROUPS):
        by_group[organisation.group].append(organisation)
    return [TripartiteColumn(ConstituentGroup(g), by_group[g]) for g in TRIPARTITE_GROUPS]


def country_other_organisations(user: User, country: Country) -> QuerySet[Organisation]:
    return organisations_for_user(user).filter(country=country, group=ConstituentGroup.OTHER)


def offices_for_user(
    user: User, *, q: str = "", kind: str = "", region: str = ""
) -> QuerySet[Office]:
    coverage = (
        Office.countries.through.objects.filter(office_id=OuterRef("pk"))
        .values("office_id")
        .annotate(n=Count("*"))
        .values("n")
    )
    offices = scoped(user, Office.objects.select_related("region", "parent")).annotate(
        country_count=Coalesce(Subquery(coverage), 0)
    )
    if q:
        offices = offices.filter(Q(name__icontains=q) | Q(acronym__icontains=q))
    if kind:
        offices = offices.filter(kind=kind)
    if region:
        offices = offices.filter(region__code=region)
    return offices


def office_for_user(user: User, pk: int) -> Office:
    offices = scoped(user, Office.objects.select_related("region", "parent")).prefetch_related(
        Prefetch("countries", queryset=Country.objects.order_by("name"))
    )
    try:
        return offices.get(pk=pk)
    except Office.DoesNotExist:
        raise Http404 from None
