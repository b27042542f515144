"""Pages for countries, organisations and offices: parse, call a selector or service, render."""

from __future__ import annotations

from collections.abc import Callable

from django.apps import apps
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from capdev.core import selectors, services
from capdev.core.forms import ContactForm, MembershipForm, OrganisationFilterForm, OrganisationForm
from capdev.core.history import history_of
from capdev.core.models import Contact, Membership, Office, Organisation
from capdev.core.scoping import Action, may_administer_some, scoped
from capdev.lib.pages import (
    apply_model_errors,
    create_or_edit_page,
    is_htmx,
    paginate,
    render_list,
    valid_filters,
)


def _client_address(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _ensure_allowed(request: HttpRequest, organisation: Organisation, action: Action) -> None:
    if not selectors.organisation_allows(request.user, organisation, action):
        raise PermissionDenied


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    form = AuthenticationForm(request, data=request.POST or None)
    blocked = False
    if request.method == "POST":
        username = request.POST.get("username", "")
        address = _client_address(request)
        blocked = services.login_blocked(username=username, address=address)
        if blocked:
            form = AuthenticationForm(request)
        elif form.is_valid():
            services.login_failures_clear(username=username)
            auth_login(request, form.get_user())
            target = request.POST.get("next") or request.GET.get("next") or ""
            if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
                target = reverse("home")
            return redirect(target)
        else:
            services.login_failure_record(username=username, address=address)
    status = 429 if blocked else 200
    return render(
        request,
        "core/login.html",
        {"form": form, "blocked": blocked, "next": request.GET.get("next", "")},
        status=status,
    )


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "grants": list(user.grants.select_related("office", "region", "country", "organisation")),
        "organisation_count": selectors.organisations_for_user(user).count(),
        "country_count": selectors.countries_for_user(user).count(),
        "office_count": selectors.offices_for_user(user).count(),
    }
    return render(request, "core/home.html", context)


@login_required
@require_GET
def country_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    region = request.GET.get("region", "")
    countries = selectors.countries_for_user(request.user, q=q, region=region)
    context = {
        **paginate(request, countries),
        "q": q,
        "region": region,
        "regions": selectors.regions_for_user(request.user),
    }
    return render_list(request, "core/country_list.html", context)


@login_required
@require_GET
def country_detail(request: HttpRequest, iso: str) -> HttpResponse:
    country = selectors.country_for_user(request.user, iso)
    context = {
        "country": country,
        "columns": selectors.country_tripartite(request.user, country),
        "others": selectors.country_other_organisations(request.user, country),
        "offices": selectors.offices_for_user(request.user).filter(countries=country),
        "history": history_of(country),
    }
    return render(request, "core/country_detail.html", context)


@login_required
@require_GET
def organisation_list(request: HttpRequest) -> HttpResponse:
    regions = [(r.code, str(r)) for r in selectors.regions_for_user(request.user)]
    filters = OrganisationFilterForm(request.GET or None, regions=regions)
    values = valid_filters(filters)
    organisations = selectors.organisations_for_user(
        request.user,
        q=values.get("q", ""),
        region=values.get("region", ""),
        group=values.get("group", ""),
        kind=values.get("kind", ""),
        sort=values.get("sort") or "name",
        country=request.GET.get("country", ""),
    )
    context = {
        "filters": filters,
        **paginate(request, organisations),
        "can_create": services.organisation_create_allowed(request.user),
    }
    return render_list(request, "core/organisation_list.html", context)


@login_required
@require_GET
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = selectors.organisation_for_user(request.user, pk)
    return render(
        request, "core/organisation_detail.html", _organisation_context(request, organisation)
    )


def _organisation_context(
    request: HttpRequest, organisation: Organisation, **forms: object
) -> dict[str, object]:
    return {
        "organisation": organisation,
        "memberships": organisation.memberships.all(),
        "contacts": organisation.contacts.all(),
        "affiliates": selectors.organisations_for_user(request.user).filter(parent=organisation),
        "can_change": selectors.organisation_allows(request.user, organisation, Action.CHANGE),
        "can_delete": selectors.organisation_allows(request.user, organisation, Action.ADMINISTER),
        # Plans are a later stage's model: looked up by name so core does not import it.
        "can_plan": may_administer_some(request.user, apps.get_model("plan", "Plan")),
        "membership_form": MembershipForm(),
        "contact_form": ContactForm(),
        "history": history_of(organisation),
        **forms,
    }


def _save_organisation(request: HttpRequest, organisation: Organisation | None) -> HttpResponse:
    return create_or_edit_page(
        request,
        organisation,
        OrganisationForm,
        form_kwargs={"user": request.user},
        create=lambda data: services.organisation_create(user=request.user, data=data),
        update=lambda organisation, data: services.organisation_update(
            user=request.user, organisation=organisation, data=data
        ),
        saved=_("Organisation saved."),
        refused=_("You may only keep organisations inside your own scope."),
        next_url=lambda saved: reverse("organisation-detail", args=[saved.pk]),
        template="core/organisation_form.html",
        context={"organisation": organisation},
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_create(request: HttpRequest) -> HttpResponse:
    if not services.organisation_create_allowed(request.user):
        raise PermissionDenied
    return _save_organisation(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = selectors.organisation_for_user(request.user, pk)
    _ensure_allowed(request, organisation, Action.CHANGE)
    return _save_organisation(request, organisation)


@login_required
@require_http_methods(["GET", "POST"])
def organisation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = selectors.organisation_for_user(request.user, pk)
    _ensure_allowed(request, organisation, Action.ADMINISTER)
    if request.method == "POST":
        services.organisation_delete(user=request.user, organisation=organisation)
        messages.success(request, _("Organisation “%(name)s” deleted.") % {"name": organisation})
        return redirect("organisation-list")
    return render(request, "core/organisation_confirm_delete.html", {"organisation": organisation})


def _child_form_response(
    request: HttpRequest, organisation: Organisation, form: object, template: str
) -> HttpResponse:
    context = {
        "organisation": organisation,
        "memberships": organisation.memberships.all(),
        "contacts": organisation.contacts.all(),
        "can_change": True,
        "membership_form": form if isinstance(form, MembershipForm) else MembershipForm(),
        "contact_form": form if isinstance(form, ContactForm) else ContactForm(),
    }
    if is_htmx(request):
        # 200 even with errors: htmx swaps only 2xx answers, and the errors sit in the partial.
        return render(request, f"core/organisation_detail.html#{template}", context)
    if isinstance(form, MembershipForm | ContactForm) and form.errors:
        # Without JavaScript, the whole page again, with what was typed and each error next to
        # its field, rather than a redirect that loses both.
        form_name = "membership_form" if isinstance(form, MembershipForm) else "contact_form"
        context = _organisation_context(request, organisation, **{form_name: form})
        return render(request, "core/organisation_detail.html", context, status=400)
    return redirect("organisation-detail", pk=organisation.pk)


def _child_add(
    request: HttpRequest,
    pk: int,
    form_class: type[MembershipForm | ContactForm],
    record: Callable[..., object],
    partial: str,
    not_saved: str,
) -> HttpResponse:
    """Add a membership figure or a contact from the organisation page (HTMX or plain POST)."""
    organisation = selectors.organisation_for_user(request.user, pk)
    _ensure_allowed(request, organisation, Action.CHANGE)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            record(user=request.user, organisation=organisation, data=form.cleaned_data)
            form = form_class()
        except ValidationError as error:
            apply_model_errors(form, error)
    if form.errors and not is_htmx(request):
        messages.error(request, not_saved)
    return _child_form_response(request, organisation, form, partial)


@login_required
@require_POST
def membership_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _child_add(
        request,
        pk,
        MembershipForm,
        services.membership_record,
        "memberships",
        _("Membership figures not saved: correct the fields marked below."),
    )


@login_required
@require_POST
def contact_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _child_add(
        request,
        pk,
        ContactForm,
        services.contact_add,
        "contacts",
        _("Contact not saved: correct the fields marked below."),
    )


@login_required
@require_POST
def child_delete(request: HttpRequest, pk: int, kind: str, child_pk: int) -> HttpResponse:
    organisation = selectors.organisation_for_user(request.user, pk)
    model = {"membership": Membership, "contact": Contact}.get(kind)
    if model is None:
        raise Http404
    record = get_object_or_404(
        scoped(request.user, model.objects.filter(organisation=organisation)), pk=child_pk
    )
    services.child_delete(user=request.user, record=record)
    partial = "memberships" if model is Membership else "contacts"
    return _child_form_response(request, organisation, None, partial)


@login_required
@require_GET
def office_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    kind = request.GET.get("kind", "")
    region = request.GET.get("region", "")
    offices = selectors.offices_for_user(request.user, q=q, kind=kind, region=region)
    context = {
        **paginate(request, offices),
        "q": q,
        "kind": kind,
        "region": region,
        "kinds": Office.Kind.choices,
        "regions": selectors.regions_for_user(request.user),
    }
    return render_list(request, "core/office_list.html", context)


@login_required
@require_GET
def office_detail(request: HttpRequest, pk: int) -> HttpResponse:
    office = selectors.office_for_user(request.user, pk)
    visible = set(selectors.countries_for_user(request.user).values_list("pk", flat=True))
    context = {
        "office": office,
        "countries": [c for c in office.countries.all() if c.pk in visible],
        "history": history_of(office),
    }
    return render(request, "core/office_detail.html", context)
