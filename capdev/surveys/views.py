"""Survey pages: the list, one survey with its questions and results (Figure 1), editing a
survey and its questions, answering it, its responses and the exports of both."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from capdev.core.history import history_of
from capdev.core.scoping import Action, may_administer_some
from capdev.lib.pages import (
    apply_model_errors,
    create_or_edit_page,
    filtered_list_page,
    paginate,
    render_list,
    valid_filters,
)
from capdev.surveys import charts, exports, selectors, services
from capdev.surveys.forms import (
    QuestionForm,
    ResponseFilters,
    ResponseForm,
    ResultFilters,
    SurveyFilters,
    SurveyForm,
    question_data,
    survey_data,
)
from capdev.surveys.models import Question, Response, Survey


def stage_context(context: dict[str, Any]) -> dict[str, Any]:
    return {"stage": "monitor", **context}


def _survey(request: HttpRequest, pk: int, action: Action = Action.VIEW) -> Survey:
    """The survey, 404 outside the user's sight; 403 when seen but not `action`-able."""
    survey = selectors.survey_for_user(request.user, pk)
    if action is not Action.VIEW and not selectors.survey_allows(request.user, survey, action):
        raise PermissionDenied
    return survey


def _question(request: HttpRequest, pk: int, question_pk: int) -> Question:
    survey = _survey(request, pk, Action.CHANGE)
    try:
        return survey.questions.get(pk=question_pk)
    except Question.DoesNotExist:
        raise Http404 from None


# --- surveys ----------------------------------------------------------------------------


@login_required
@require_GET
def survey_list(request: HttpRequest) -> HttpResponse:
    return filtered_list_page(
        request,
        SurveyFilters(request.GET or None),
        selectors.survey_list_for_user,
        template="surveys/survey_list.html",
        context=stage_context({"can_create": services.survey_create_allowed(request.user)}),
    )


def _save_survey(request: HttpRequest, survey: Survey | None) -> HttpResponse:
    return create_or_edit_page(
        request,
        survey,
        SurveyForm,
        form_kwargs={"user": request.user},
        create=lambda data: services.survey_create(user=request.user, data=survey_data(data)),
        update=lambda survey, data: services.survey_update(
            user=request.user, survey=survey, data=survey_data(data)
        ),
        saved=_("Survey saved."),
        refused=_(
            "You may only run surveys for an office of your own: choose it as the office "
            "running the survey."
        ),
        next_url=lambda saved: reverse("surveys:survey-detail", args=[saved.pk]),
        template="surveys/survey_form.html",
        context=stage_context({"survey": survey}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def survey_create(request: HttpRequest) -> HttpResponse:
    if not services.survey_create_allowed(request.user):
        raise PermissionDenied
    return _save_survey(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def survey_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _save_survey(request, _survey(request, pk, Action.CHANGE))


@login_required
@require_http_methods(["GET", "POST"])
def survey_delete(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk, Action.ADMINISTER)
    if request.method == "POST":
        try:
            services.survey_delete(user=request.user, survey=survey)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("surveys:survey-detail", pk=pk)
        messages.success(request, _("Survey “%(title)s” deleted.") % {"title": survey})
        return redirect("surveys:survey-list")
    context = {"survey": survey, "responses": survey.responses.exists()}
    return render(request, "surveys/survey_confirm_delete.html", stage_context(context))


def _results_context(request: HttpRequest, survey: Survey) -> dict[str, Any]:
    filters = ResultFilters(request.GET or None, user=request.user)
    chosen = {key: value for key, value in valid_filters(filters).items() if value}
    base = chosen.pop("base", selectors.SELECTIONS)
    results = selectors.survey_results(request.user, survey, base=base, **chosen)
    figure = selectors.figure1_question(survey)
    sections = []
    for result in results.questions:
        chart = None
        if result.question.has_choices:
            chart = charts.options_by_group(result)
        elif result.base == "likert":
            chart = charts.likert_by_group(result)
        is_figure1 = figure is not None and result.question.pk == figure.pk
        sections.append(
            {
                "result": result,
                "chart": chart,
                "chart_id": f"question-{result.question.pk}-chart",
                "figure1": is_figure1,
            }
        )
    query = request.GET.copy()
    query.pop("page", None)
    toggles = {}
    for other in selectors.BASES:
        query["base"] = other
        toggles[other] = query.urlencode()
    return {
        "filters": filters,
        "results": results,
        "sections": sections,
        "base": results.base,
        "base_toggles": toggles,
        "base_labels": {key: str(label) for key, label in selectors.BASE_LABELS.items()},
        "filtered": bool(chosen),
        "export_query": request.GET.urlencode(),
    }


@login_required
@require_GET
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    user = request.user
    can_change = selectors.survey_allows(user, survey, Action.CHANGE)
    context = {
        "survey": survey,
        "questions": selectors.survey_questions(survey),
        "can_change": can_change,
        "can_delete": selectors.survey_allows(user, survey, Action.ADMINISTER),
        "locked": survey.responses.exists(),
        "closed_reason": services.survey_accepts_responses(survey),
        "can_respond": may_administer_some(user, Response),
        "history": history_of(survey) if can_change else [],
        **_results_context(request, survey),
    }
    return render(request, "surveys/survey_detail.html", stage_context(context))


# --- questions --------------------------------------------------------------------------


def _locked_redirect(request: HttpRequest, survey: Survey) -> HttpResponse | None:
    if survey.responses.exists():
        messages.error(request, str(services.LOCKED))
        return redirect("surveys:survey-detail", pk=survey.pk)
    return None


def _save_question(request: HttpRequest, survey: Survey, question: Question | None):
    if locked := _locked_redirect(request, survey):
        return locked
    return create_or_edit_page(
        request,
        question,
        QuestionForm,
        create=lambda data: services.question_create(
            user=request.user, survey=survey, data=question_data(data)
        ),
        update=lambda question, data: services.question_update(
            user=request.user, question=question, data=question_data(data)
        ),
        saved=_("Question saved."),
        refused=_("You may only change the surveys of your own office."),
        next_url=lambda saved: reverse("surveys:survey-detail", args=[survey.pk]) + "#questions",
        template="surveys/question_form.html",
        context=stage_context({"survey": survey, "question": question}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _save_question(request, _survey(request, pk, Action.CHANGE), None)


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    question = _question(request, pk, question_pk)
    return _save_question(request, question.survey, question)


@login_required
@require_http_methods(["GET", "POST"])
def question_delete(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    question = _question(request, pk, question_pk)
    if locked := _locked_redirect(request, question.survey):
        return locked
    if request.method == "POST":
        try:
            services.question_delete(user=request.user, question=question)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Question deleted."))
        return redirect(reverse("surveys:survey-detail", args=[pk]) + "#questions")
    context = {"survey": question.survey, "question": question}
    return render(request, "surveys/question_confirm_delete.html", stage_context(context))


@login_required
@require_POST
def question_move(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    question = _question(request, pk, question_pk)
    try:
        services.question_move(
            user=request.user, question=question, direction=request.POST.get("direction", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(reverse("surveys:survey-detail", args=[pk]) + "#questions")


# --- answering and responses ------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def survey_respond(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    if not may_administer_some(request.user, Response):
        raise PermissionDenied
    closed = services.survey_accepts_responses(survey)
    form = ResponseForm(request.POST or None, survey=survey, user=request.user)
    if request.method == "POST" and not closed and form.is_valid():
        try:
            services.response_submit(
                user=request.user,
                survey=survey,
                answers=form.answers(),
                source=Response.Source.BROWSER,
                **form.respondent(),
            )
        except ValidationError as error:
            apply_model_errors(form, error)
        except PermissionDenied:
            form.add_error(
                "organisation",
                _("You may only answer for an organisation, group or country in your scope."),
            )
        else:
            messages.success(request, _("Thank you: the answers are recorded."))
            return redirect("surveys:survey-detail", pk=pk)
    status = 400 if form.errors or (request.method == "POST" and closed) else 200
    context = {"survey": survey, "form": form, "closed_reason": closed}
    return render(request, "surveys/survey_respond.html", stage_context(context), status=status)


@login_required
@require_GET
def response_list(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    filters = ResponseFilters(request.GET or None, user=request.user)
    chosen = {key: value for key, value in valid_filters(filters).items() if value}
    responses = selectors.survey_responses_for_user(request.user, survey, **chosen).select_related(
        "organisation", "country"
    )
    context = {"survey": survey, "filters": filters, **paginate(request, responses)}
    return render_list(request, "surveys/response_list.html", stage_context(context))


@login_required
@require_GET
def response_detail(request: HttpRequest, pk: int) -> HttpResponse:
    response = selectors.response_for_user(request.user, pk)
    context = {
        "response": response,
        "survey": response.survey,
        "answers": selectors.response_answers(response),
        "can_delete": services.response_delete_allowed(request.user),
        "history": history_of(response),
    }
    return render(request, "surveys/response_detail.html", stage_context(context))


@login_required
@require_http_methods(["GET", "POST"])
def response_delete(request: HttpRequest, pk: int) -> HttpResponse:
    response = selectors.response_for_user(request.user, pk)
    if not services.response_delete_allowed(request.user):
        raise PermissionDenied
    if request.method == "POST":
        services.response_delete(user=request.user, response=response)
        messages.success(request, _("Response deleted."))
        return redirect("surveys:response-list", pk=response.survey_id)
    context = {"response": response, "survey": response.survey}
    return render(request, "surveys/response_confirm_delete.html", stage_context(context))


@login_required
@require_GET
def survey_export(request: HttpRequest, pk: int, what: str, fmt: str) -> HttpResponse:
    """/surveys/<pk>/export/results.csv (or .xlsx), /export/responses.csv (or .xlsx): the
    results over the responses the user sees (with the page's filters), or those responses."""
    survey = _survey(request, pk)
    if what not in exports.EXPORTS or fmt not in exports.FORMATS:
        raise Http404
    filters = ResultFilters(request.GET or None, user=request.user)
    chosen = {key: value for key, value in valid_filters(filters).items() if value}
    chosen.pop("base", None)
    return exports.export_response(request.user, survey, what=what, fmt=fmt, filters=chosen)
