"""Pages of evaluations, recommendations, management responses and follow-up actions, the
tracker by unit and the learn overview (with the unit's overdue actions)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from capdev.core.history import history_of
from capdev.core.scoping import Action as Do
from capdev.diagnose.models import Theme
from capdev.learn.forms_evaluations import (
    ActionForm,
    DocumentForm,
    EvaluationFilters,
    EvaluationForm,
    RecommendationForm,
    ResponseForm,
    TrackerFilters,
)
from capdev.learn.models import Evaluation, FollowUpAction, Recommendation
from capdev.learn.selectors import evaluations as selectors
from capdev.learn.services import evaluations as services
from capdev.lib.pages import (
    PAGE_SIZE,
    apply_model_errors,
    create_or_edit_page,
    filtered_list_page,
    form_page,
    paginate,
    valid_filters,
)


def stage_context(context: dict[str, object]) -> dict[str, object]:
    return {"stage": "learn", **context}


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    overdue = selectors.unit_overdue_actions(user)
    context = {
        "counts": selectors.counts(user),
        "units": selectors.user_units(user),
        "unit_overdue": overdue,
        "recent": selectors.evaluation_list_for_user(user)[:5],
        "can_create": services.evaluation_create_allowed(user),
    }
    return render(request, "learn/home.html", stage_context(context))


@login_required
@require_GET
def evaluation_list(request: HttpRequest) -> HttpResponse:
    return filtered_list_page(
        request,
        EvaluationFilters(request.GET or None, user=request.user),
        selectors.evaluation_list_for_user,
        template="learn/evaluation_list.html",
        context=stage_context({"can_create": services.evaluation_create_allowed(request.user)}),
    )


def _evaluation(request: HttpRequest, pk: int, action: Do = Do.VIEW) -> Evaluation:
    evaluation = selectors.evaluation_for_user(request.user, pk)
    if action is not Do.VIEW and not selectors.allows(request.user, evaluation, action):
        raise PermissionDenied
    return evaluation


def _save_evaluation(request: HttpRequest, evaluation: Evaluation | None) -> HttpResponse:
    return create_or_edit_page(
        request,
        evaluation,
        EvaluationForm,
        form_kwargs={"user": request.user},
        create=lambda data: services.evaluation_create(user=request.user, data=data),
        update=lambda evaluation, data: services.evaluation_update(
            user=request.user, evaluation=evaluation, data=data
        ),
        saved=_("Evaluation saved."),
        refused=_("You may only record evaluations inside your own scope."),
        next_url=lambda saved: reverse("learn:evaluation-detail", args=[saved.pk]),
        template="learn/evaluation_form.html",
        context=stage_context({"evaluation": evaluation}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_create(request: HttpRequest) -> HttpResponse:
    if not services.evaluation_create_allowed(request.user):
        raise PermissionDenied
    return _save_evaluation(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _save_evaluation(request, _evaluation(request, pk, Do.CHANGE))


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _evaluation(request, pk, Do.ADMINISTER)
    if request.method == "POST":
        services.evaluation_delete(user=request.user, evaluation=evaluation)
        messages.success(
            request, _("Evaluation “%(title)s” deleted.") % {"title": evaluation.title}
        )
        return redirect("learn:evaluation-list")
    context = {
        "evaluation": evaluation,
        "recommendations": evaluation.recommendations.count(),
        "documents": evaluation.documents.count(),
    }
    return render(request, "learn/evaluation_confirm_delete.html", stage_context(context))


@login_required
@require_GET
def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    evaluation = _evaluation(request, pk)
    ratings = {r.criterion: r for r in evaluation.ratings.all()}
    recommendations = list(selectors.recommendations_for_user(user, evaluation=evaluation))
    for recommendation in recommendations:
        recommendation.the_response = selectors.response_of(recommendation)  # type: ignore[attr-defined]
        recommendation.action_rows = [  # type: ignore[attr-defined]
            (action, services.is_overdue(action), services.may_update_progress(user, action))
            for action in recommendation.actions.all()
        ]
    can_respond = services.may_respond(user, recommendations[0]) if recommendations else False
    context = {
        "evaluation": evaluation,
        "ratings": [(label, ratings.get(value)) for value, label in services.Criterion.choices],
        "documents": selectors.documents_for_user(user, evaluation).select_related("uploaded_by"),
        "recommendations": recommendations,
        "themes": [Theme(value).label for value in evaluation.themes if value in Theme.values],
        "can_change": selectors.allows(user, evaluation, Do.CHANGE),
        "can_delete": selectors.allows(user, evaluation, Do.ADMINISTER),
        "can_respond": can_respond,
        "history": history_of(evaluation),
    }
    return render(request, "learn/evaluation_detail.html", stage_context(context))


@login_required
@require_http_methods(["GET", "POST"])
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _evaluation(request, pk, Do.CHANGE)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.document_upload(
                user=request.user,
                evaluation=evaluation,
                title=form.cleaned_data["title"],
                name=upload.name,
                data=upload.read(),
            )
        except ValidationError as error:
            apply_model_errors(form, error)
        else:
            messages.success(request, _("Document attached; its text can now be searched."))
            return redirect("learn:evaluation-detail", pk=pk)
    context = {"form": form, "evaluation": evaluation}
    status = 400 if form.errors else 200
    return render(
        request, "learn/evaluation_document_form.html", stage_context(context), status=status
    )


@login_required
@require_GET
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    document = selectors.document_for_user(request.user, pk)
    extension = ".pdf" if document.media_type == "application/pdf" else ".docx"
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=f"document-{document.pk}{extension}",
        content_type=document.media_type,
    )


def _recommendation_page(
    request: HttpRequest, evaluation: Evaluation, recommendation: Recommendation | None
) -> HttpResponse:
    return create_or_edit_page(
        request,
        recommendation,
        RecommendationForm,
        form_kwargs={"user": request.user},
        create=lambda data: services.recommendation_create(
            user=request.user, evaluation=evaluation, data=data
        ),
        update=lambda recommendation, data: services.recommendation_update(
            user=request.user, recommendation=recommendation, data=data
        ),
        saved=_("Recommendation saved."),
        refused=_("You may not change this evaluation's recommendations."),
        next_url=lambda saved: reverse("learn:evaluation-detail", args=[evaluation.pk]),
        template="learn/recommendation_form.html",
        context=stage_context(
            {
                "evaluation": evaluation,
                "recommendation": recommendation,
                "history": history_of(recommendation) if recommendation else [],
            }
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _recommendation_page(request, _evaluation(request, pk, Do.CHANGE), None)


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    recommendation = selectors.recommendation_for_user(request.user, pk)
    if not selectors.allows(request.user, recommendation, Do.CHANGE):
        raise PermissionDenied
    return _recommendation_page(request, recommendation.evaluation, recommendation)


@login_required
@require_http_methods(["GET", "POST"])
def response_edit(request: HttpRequest, pk: int) -> HttpResponse:
    recommendation = selectors.recommendation_for_user(request.user, pk)
    if not services.may_respond(request.user, recommendation):
        raise PermissionDenied
    current = selectors.response_of(recommendation)
    form = ResponseForm(request.POST or None, instance=current)
    return form_page(
        request,
        form,
        lambda data: services.response_set(
            user=request.user,
            recommendation=recommendation,
            decision=data["decision"],
            reasons=data["reasons"],
        ),
        saved=_("Management response saved."),
        refused=_("Only HQ and administrators record management responses."),
        next_url=lambda saved: reverse(
            "learn:evaluation-detail", args=[recommendation.evaluation_id]
        ),
        template="learn/recommendation_response_form.html",
        context=stage_context(
            {
                "recommendation": recommendation,
                "history": history_of(current) if current else [],
            }
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_create(request: HttpRequest, pk: int) -> HttpResponse:
    recommendation = selectors.recommendation_for_user(request.user, pk)
    if not services.may_respond(request.user, recommendation):
        raise PermissionDenied
    form = ActionForm(request.POST or None, user=request.user)
    return form_page(
        request,
        form,
        lambda data: services.action_create(
            user=request.user, recommendation=recommendation, data=data
        ),
        saved=_("Follow-up action saved."),
        refused=_("Only HQ and administrators assign follow-up actions."),
        next_url=lambda saved: reverse(
            "learn:evaluation-detail", args=[recommendation.evaluation_id]
        ),
        template="learn/recommendation_action_form.html",
        context=stage_context({"recommendation": recommendation, "action": None}),
    )


def _after_action_url(user: object, action: FollowUpAction) -> str:
    """The evaluation's page, or the unit's dashboard when only the unit's action is seen."""
    evaluation = action.recommendation.evaluation
    if selectors.allows(user, evaluation, Do.VIEW):
        return reverse("learn:evaluation-detail", args=[evaluation.pk])
    return reverse("learn:home")


@login_required
@require_http_methods(["GET", "POST"])
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    action = selectors.action_for_user(request.user, pk)
    if not services.may_update_progress(request.user, action):
        raise PermissionDenied
    progress_only = not services.may_change_action(request.user, action)
    original = FollowUpAction.objects.get(pk=action.pk)
    form = ActionForm(
        request.POST or None, instance=action, user=request.user, progress_only=progress_only
    )
    return form_page(
        request,
        form,
        lambda data: services.action_update(user=request.user, action=original, data=data),
        saved=_("Follow-up action saved."),
        refused=_("Only the unit responsible, HQ and administrators update it."),
        next_url=lambda saved: (
            request.GET.get("next", "").startswith("/learn/")
            and request.GET["next"]
            or _after_action_url(request.user, action)
        ),
        template="learn/recommendation_action_form.html",
        context=stage_context(
            {
                "recommendation": action.recommendation,
                "action": original,
                "history": history_of(original),
                "evaluation_visible": selectors.allows(
                    request.user, action.recommendation.evaluation, Do.VIEW
                ),
            }
        ),
    )


@login_required
@require_GET
def tracker(request: HttpRequest) -> HttpResponse:
    """Follow-up actions by unit (paged), and the recommendations they answer (paged apart:
    `rpage`)."""
    user = request.user
    filters = TrackerFilters(request.GET or None, user=user)
    chosen = {name: value for name, value in valid_filters(filters).items() if value}
    actions = selectors.actions_for_user(user, **chosen).order_by("unit__name", "due", "pk")
    page = paginate(request, actions)
    groups = selectors.actions_by_unit(page["page"].object_list)
    updatable = services.progress_units(user)
    for group in groups:
        for action in group.actions:
            action.may_update = updatable is None or action.unit_id in updatable  # type: ignore[attr-defined]
    recommendation_filters = {"unit": chosen["unit"]} if chosen.get("unit") else {}
    if chosen.get("overdue"):
        recommendation_filters["overdue"] = True
    recommendations = Paginator(
        selectors.recommendations_for_user(user, **recommendation_filters), PAGE_SIZE
    ).get_page(request.GET.get("rpage"))
    for recommendation in recommendations:
        recommendation.the_response = selectors.response_of(recommendation)  # type: ignore[attr-defined]
    rquery = request.GET.copy()
    rquery.pop("rpage", None)
    context = {
        "filters": filters,
        "groups": groups,
        "recommendations": recommendations,
        "rquery": rquery.urlencode(),
        **page,
    }
    return render(request, "learn/tracker.html", stage_context(context))
