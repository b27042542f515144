"""Shared test personas: a small world with two offices, tripartite constituents and every role.

hq           HQ staff: everything
office_a     office staff of the Country Office for Kenya and Uganda
office_b     office staff of the Country Office for France and Germany
workers      specialist for workers' organisations worldwide
employers_af specialist for employers' organisations in Africa
focal        focal point of the Kenyan ministry of labour
evaluator    reads everything, writes nothing (yet)
viewer       reads the Asia and the Pacific region
admin        administrator (superuser)
outsider     signed in, no grant: sees nothing
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.management import call_command
from django.core.management.base import CommandError

from capdev.core.models import (
    ConstituentGroup,
    Country,
    Grant,
    Membership,
    Office,
    Organisation,
    OrganisationKind,
    Region,
    Role,
)

PASSWORD = "correct horse battery staple"
G = ConstituentGroup
K = OrganisationKind


@dataclass
class World:
    users: dict[str, AbstractBaseUser]
    organisations: dict[str, Organisation]
    offices: dict[str, Office]
    countries: dict[str, Country]


def _tripartite(country: Country) -> dict[str, Organisation]:
    code = country.iso_alpha2
    specs = {
        f"{code}-gov": (f"Ministry of Labour {code}", G.GOVERNMENT, K.MINISTRY_OF_LABOUR),
        f"{code}-wrk": (f"Trade Union Centre {code}", G.WORKERS, K.NATIONAL_TRADE_UNION_CENTRE),
        f"{code}-emp": (f"Employers Federation {code}", G.EMPLOYERS, K.EMPLOYERS_ORGANISATION),
        f"{code}-ngo": (f"Women's Rights Group {code}", G.OTHER, K.CIVIL_SOCIETY),
    }
    return {
        key: Organisation.objects.create(name=name, country=country, group=group, kind=kind)
        for key, (name, group, kind) in specs.items()
    }


def make_world() -> World:
    countries = {
        c.iso_alpha2: c
        for c in Country.objects.filter(iso_alpha2__in=["KE", "UG", "FR", "DE", "TH"])
    }
    organisations: dict[str, Organisation] = {}
    for country in countries.values():
        organisations.update(_tripartite(country))
    Membership.objects.create(
        organisation=organisations["KE-wrk"], year=2024, members=1000, women_members=400
    )
    office_a = Office.objects.create(
        name="Country Office for Kenya and Uganda", kind=Office.Kind.COUNTRY_OFFICE
    )
    office_a.countries.set([countries["KE"], countries["UG"]])
    office_b = Office.objects.create(
        name="Country Office for France and Germany", kind=Office.Kind.COUNTRY_OFFICE
    )
    office_b.countries.set([countries["FR"], countries["DE"]])
    actrav = Office.objects.create(
        name="Bureau for Workers' Activities", acronym="ACTRAV", kind=Office.Kind.HQ_DEPARTMENT
    )
    offices = {"a": office_a, "b": office_b, "actrav": actrav}

    User = get_user_model()
    grants = {
        "hq": {"role": Role.HQ},
        "office_a": {"role": Role.OFFICE, "office": office_a},
        "office_b": {"role": Role.OFFICE, "office": office_b},
        "workers": {"role": Role.SPECIALIST, "group": G.WORKERS},
        "employers_af": {
            "role": Role.SPECIALIST,
            "group": G.EMPLOYERS,
            "region": Region.objects.get(code="AFRICA"),
        },
        "focal": {"role": Role.FOCAL_POINT, "organisation": organisations["KE-gov"]},
        "evaluator": {"role": Role.EVALUATOR},
        "viewer": {"role": Role.VIEWER, "region": Region.objects.get(code="ASIA_PACIFIC")},
    }
    users: dict[str, AbstractBaseUser] = {}
    for username, grant in grants.items():
        users[username] = User.objects.create_user(username=username, password=PASSWORD)
        Grant.objects.create(user=users[username], **grant)
    users["admin"] = User.objects.create_superuser(username="admin", password=PASSWORD)
    users["outsider"] = User.objects.create_user(username="outsider", password=PASSWORD)
    return World(users=users, organisations=organisations, offices=offices, countries=countries)


def shared_data() -> Path:
    """The public reference material tests read (../shared/data beside the checkout).

    `CAPDEV_SHARED_DATA` names it explicitly; otherwise the folder beside the repository,
    then the workspace's. A missing folder fails loudly: a glob over it would otherwise be
    empty and its tests silently not run.
    """
    candidates = [
        os.environ.get("CAPDEV_SHARED_DATA", ""),
        Path(__file__).resolve().parents[2] / "shared" / "data",
        "/work/shared/data",
    ]
    for candidate in candidates:
        if candidate and Path(candidate, "xlsform").is_dir():
            return Path(candidate)
    raise FileNotFoundError(
        "The shared reference data is missing: set CAPDEV_SHARED_DATA to its folder "
        "(the one holding xlsform/, kobo/, iati/)."
    )


def run_command(name: str, *args: str) -> tuple[str, str]:
    """Run a management command; what it wrote to stdout and to stderr."""
    out, err = io.StringIO(), io.StringIO()
    call_command(name, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def failing_command(name: str, *args: str) -> tuple[str, str]:
    """Run a management command that must fail; its error and what it wrote to stderr."""
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command(name, *args, stdout=io.StringIO(), stderr=err)
    return str(raised.value), err.getvalue()
