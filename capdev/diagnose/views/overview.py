"""The diagnose overview and a country's constituents' profiles side by side."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from capdev.core import selectors as core_selectors
from capdev.core.scoping import may_administer_some
from capdev.diagnose import selectors, services
from capdev.diagnose.models import (
    GRID_CELLS,
    Assessment,
    CapacityType,
    Level,
    Need,
)
from capdev.diagnose.views.common import (
    stage_context,
)

# --- overview ---------------------------------------------------------------------------


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    assessments = selectors.assessments_for_user(user)
    context = {
        "recent": assessments[:8],
        "by_status": [(s.label, assessments.filter(status=s).count()) for s in Assessment.Status],
        "open_needs": selectors.needs_for_user(user, status=Need.Status.OPEN).count(),
        "instrument_count": selectors.instruments_for_user(user).count(),
        "can_assess": services.assessment_create_allowed(user),
        "levels": Level,
        "types": CapacityType,
    }
    return render(request, "diagnose/home.html", stage_context(context))


# --- country view -----------------------------------------------------------------------


@login_required
@require_GET
def country_profiles(request: HttpRequest, iso: str) -> HttpResponse:
    country = core_selectors.country_for_user(request.user, iso)
    context = {
        "country": country,
        "profiles": selectors.country_profiles(request.user, country),
        "cells": GRID_CELLS,
        "cell_labels": [
            (Level(level).label, CapacityType(kind).label) for level, kind in GRID_CELLS
        ],
        "can_assess": may_administer_some(request.user, Assessment),
    }
    return render(request, "diagnose/country_profiles.html", stage_context(context))
