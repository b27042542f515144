"""The deliver registries: providers and partners (§24, §26), the funding mix (§25) and the
staff curriculum (§22). Parse, call a selector or service, render."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from capdev.core import selectors as core_selectors
from capdev.core.history import history_of
from capdev.core.models import PARTNER_KINDS, Office, Organisation
from capdev.core.scoping import Action as Do
from capdev.core.scoping import scoped
from capdev.deliver import charts, registry
from capdev.deliver.models import Sex, StaffCompletion, StaffCourse
from capdev.deliver.views import stage_context
from capdev.lib.pages import (
    create_or_edit_page,
    filtered_list_page,
    form_page,
    paginate,
    render_list,
    valid_filters,
    with_blank,
)
from capdev.plan import selectors as plan_selectors
from capdev.plan import services as plan_services
from capdev.plan.models import FundingSource


def _regions(request: HttpRequest) -> list[tuple[str, str]]:
    return [(r.code, str(r)) for r in core_selectors.regions_for_user(request.user)]


class _CountryRegionFilters(forms.Form):
    country = forms.CharField(
        label=gettext_lazy("Country (ISO code)"), required=False, max_length=2, min_length=2
    )
    region = forms.ChoiceField(label=gettext_lazy("Region"), required=False)

    def __init__(self, *args: object, regions: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = with_blank(regions)


# --- providers and partners ----------------------------------------------------------------


class PartnerFilters(_CountryRegionFilters):
    q = forms.CharField(label=gettext_lazy("Search"), required=False)
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        required=False,
        choices=with_blank((k.value, k.label) for k in PARTNER_KINDS),
    )
    delivered = forms.BooleanField(
        label=gettext_lazy("Only those who delivered activities"), required=False
    )
    sort = forms.ChoiceField(
        label=gettext_lazy("Sort by"),
        required=False,
        choices=[
            ("name", gettext_lazy("Name")),
            ("country", gettext_lazy("Country")),
            ("kind", gettext_lazy("Kind")),
            ("-provided", gettext_lazy("Most activities provided")),
        ],
    )

    field_order = ["q", "kind", "country", "region", "delivered", "sort"]


@login_required
@require_GET
def partner_list(request: HttpRequest) -> HttpResponse:
    return filtered_list_page(
        request,
        PartnerFilters(request.GET or None, regions=_regions(request)),
        registry.partners_for_user,
        template="deliver/partner_list.html",
        context=stage_context({}),
    )


@login_required
@require_GET
def partner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    partner = registry.partner_for_user(user, pk)
    context = {
        "partner": partner,
        **paginate(request, registry.partner_activities(user, partner)),
        "advisory_services": registry.partner_advisory_services(user, partner),
        "counts": registry.partner_sex_counts(user, partner),
        "funding": registry.partner_funding(user, partner),
        "history": history_of(partner),
    }
    return render(request, "deliver/partner_detail.html", stage_context(context))


# --- funding -------------------------------------------------------------------------------


class FundingFilters(_CountryRegionFilters):
    year = forms.IntegerField(
        label=gettext_lazy("Year"), required=False, min_value=1990, max_value=2100
    )

    field_order = ["year", "country", "region"]


class FundingSourceForm(forms.ModelForm):
    class Meta:
        model = FundingSource
        fields = ["name", "kind", "earmarking", "donor"]

    def __init__(self, *args: object, user, **kwargs: object) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["donor"].queryset = scoped(
            user, Organisation.objects.select_related("country")
        ).order_by("name")


@login_required
@require_GET
def funding_overview(request: HttpRequest) -> HttpResponse:
    user = request.user
    filters = FundingFilters(request.GET or None, regions=_regions(request))
    chosen = {name: value for name, value in valid_filters(filters).items() if value}
    mix = registry.funding_mix(user, **chosen)
    context = {
        "filters": filters,
        "mix": mix,
        "totals": mix.totals(),
        "chart": charts.funding_mix(mix) if mix.currencies else None,
        "sources": plan_selectors.funding_sources_for_user(user).order_by("name"),
        "can_create": plan_services.funding_source_create_allowed(user),
    }
    return render_list(request, "deliver/funding.html", stage_context(context))


def _save_source(request: HttpRequest, source: FundingSource | None) -> HttpResponse:
    return create_or_edit_page(
        request,
        source,
        FundingSourceForm,
        form_kwargs={"user": request.user},
        create=lambda data: plan_services.funding_source_create(user=request.user, data=data),
        update=lambda source, data: plan_services.funding_source_update(
            user=request.user, source=source, data=data
        ),
        saved=_("Funding source saved."),
        refused=_("Your role does not record funding sources."),
        next_url=lambda saved: reverse("deliver:funding"),
        template="deliver/funding_source_form.html",
        context=stage_context({"source": source, "history": history_of(source) if source else []}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def funding_source_create(request: HttpRequest) -> HttpResponse:
    if not plan_services.funding_source_create_allowed(request.user):
        raise PermissionDenied
    return _save_source(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def funding_source_edit(request: HttpRequest, pk: int) -> HttpResponse:
    source = plan_selectors.funding_source_for_user(request.user, pk)  # 404 outside scope
    if not scoped(request.user, FundingSource.objects.filter(pk=pk), Do.CHANGE).exists():
        raise PermissionDenied
    return _save_source(request, source)


# --- the staff curriculum ------------------------------------------------------------------


class StaffFilters(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False)
    course = forms.ChoiceField(label=gettext_lazy("Course"), required=False)
    office = forms.ChoiceField(label=gettext_lazy("Office"), required=False)
    region = forms.ChoiceField(label=gettext_lazy("Region"), required=False)
    sex = forms.ChoiceField(
        label=gettext_lazy("Sex"), required=False, choices=with_blank(Sex.choices)
    )
    year = forms.IntegerField(
        label=gettext_lazy("Year"), required=False, min_value=1990, max_value=2100
    )
    sort = forms.ChoiceField(
        label=gettext_lazy("Sort by"),
        required=False,
        choices=[
            ("-completed_on", gettext_lazy("Newest first")),
            ("name", gettext_lazy("Name")),
            ("office", gettext_lazy("Office")),
            ("course", gettext_lazy("Course")),
        ],
    )

    def __init__(self, *args: object, user, **kwargs: object) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        courses = scoped(user, StaffCourse.objects.all())
        self.fields["course"].choices = with_blank((c.code, str(c)) for c in courses)
        offices = scoped(
            user,
            Office.objects.filter(
                pk__in=scoped(user, StaffCompletion.objects.all()).values("office")
            ),
        ).order_by("name")
        self.fields["office"].choices = with_blank((str(o.pk), str(o)) for o in offices)
        self.fields["region"].choices = with_blank(
            (r.code, str(r)) for r in core_selectors.regions_for_user(user)
        )


class StaffCompletionForm(forms.ModelForm):
    class Meta:
        model = StaffCompletion
        fields = ["course", "office", "name", "sex", "completed_on"]
        widgets = {"completed_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: object, user, **kwargs: object) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = scoped(user, StaffCourse.objects.all())
        self.fields["office"].queryset = registry.completion_offices_for_user(user)


@login_required
@require_GET
def staff_curriculum(request: HttpRequest) -> HttpResponse:
    user = request.user
    filters = StaffFilters(request.GET or None, user=user)
    chosen = {name: value for name, value in valid_filters(filters).items() if value}
    completions = registry.staff_completions_for_user(user, **chosen)
    context = {
        "filters": filters,
        **paginate(request, completions),
        "courses": registry.staff_courses_for_user(user),
        "waves": registry.rollout_waves_for_user(user),
        "by_office": registry.completions_by_office(completions),
        "by_region": registry.completions_by_region(completions),
        "can_create": registry.staff_completion_create_allowed(user),
    }
    return render_list(request, "deliver/staff_curriculum.html", stage_context(context))


@login_required
@require_http_methods(["GET", "POST"])
def staff_completion_create(request: HttpRequest) -> HttpResponse:
    if not registry.staff_completion_create_allowed(request.user):
        raise PermissionDenied
    return form_page(
        request,
        StaffCompletionForm(request.POST or None, user=request.user),
        lambda data: registry.staff_completion_create(user=request.user, data=data),
        saved=_("Course completion recorded."),
        refused=_("You may only record completions for offices inside your own scope."),
        next_url=lambda saved: reverse("deliver:staff-curriculum"),
        template="deliver/staff_completion_form.html",
        context=stage_context({}),
    )
