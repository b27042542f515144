"""Lesson pages (list, detail with history, create, edit, submit, publish, return, delete)
and the two partials that close the loop: knowledge related to an organisation, and
activities that met similar needs elsewhere."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from capdev.core.history import history_of
from capdev.core.models import ConstituentGroup, Organisation
from capdev.core.scoping import scoped
from capdev.diagnose.models import CapacityType, Level, Need, Theme
from capdev.learn import loop
from capdev.learn.forms_lessons import LessonFilters, LessonForm, ReturnForm
from capdev.learn.models import Evaluation, Lesson
from capdev.learn.selectors import lessons as selectors
from capdev.learn.services import lessons as services
from capdev.lib.pages import create_or_edit_page, filtered_list_page, is_htmx


def _stage(context: dict[str, object]) -> dict[str, object]:
    return {"stage": "learn", **context}


def _labels(values: list[str], choices: type) -> list[str]:
    known = dict(choices.choices)
    return [str(known.get(v, v)) for v in values]


@login_required
@require_GET
def lesson_list(request: HttpRequest) -> HttpResponse:
    return filtered_list_page(
        request,
        LessonFilters(request.GET or None, user=request.user),
        selectors.lesson_list_for_user,
        template="learn/lesson_list.html",
        context=_stage({"can_create": services.lesson_create_allowed(request.user)}),
    )


def _reviews(lesson: Lesson) -> list[object]:
    """Review steps (sent for review, published, returned with a reason), newest first."""
    return list(
        lesson.history.exclude(history_change_reason__isnull=True)
        .exclude(history_change_reason="")
        .select_related("history_user")
        .order_by("-history_date")[:20]
    )


@login_required
@require_GET
def lesson_detail(request: HttpRequest, pk: int) -> HttpResponse:
    lesson = selectors.lesson_for_user(request.user, pk)
    user = request.user
    can_change = services.may_change(user, lesson)
    context = {
        "lesson": lesson,
        "levels": _labels(lesson.levels, Level),
        "types": _labels(lesson.types, CapacityType),
        "themes": _labels(lesson.themes, Theme),
        "groups": _labels(lesson.groups, ConstituentGroup),
        # A lesson's countries are part of what it teaches (as on the list and the API);
        # its source evaluation is named only to those who see that evaluation.
        "countries": lesson.countries.all(),
        "evaluation": scoped(user, Evaluation.objects.filter(pk=lesson.evaluation_id)).first(),
        "can_change": can_change,
        "can_submit": can_change and lesson.status == Lesson.Status.DRAFT,
        "can_review": lesson.status != Lesson.Status.DRAFT and services.may_publish(user, lesson),
        "can_delete": can_change and lesson.status == Lesson.Status.DRAFT,
        "return_form": ReturnForm(),
        "reviews": _reviews(lesson),
        "history": history_of(lesson),
    }
    return render(request, "learn/lesson_detail.html", _stage(context))


def _save(request: HttpRequest, lesson: Lesson | None) -> HttpResponse:
    return create_or_edit_page(
        request,
        lesson,
        LessonForm,
        form_kwargs={"user": request.user},
        create=lambda data: services.lesson_create(user=request.user, data=data),
        update=lambda lesson, data: services.lesson_update(
            user=request.user, lesson=lesson, data=data
        ),
        # Editing a published lesson sends it back to review (services.lesson_update).
        saved=_("Lesson sent for review.")
        if lesson is not None and lesson.status == Lesson.Status.PUBLISHED
        else _("Lesson saved."),
        refused=_("You may only write lessons about countries in your own scope."),
        next_url=lambda saved: reverse("learn:lesson-detail", args=[saved.pk]),
        template="learn/lesson_form.html",
        context=_stage({"lesson": lesson}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def lesson_create(request: HttpRequest) -> HttpResponse:
    if not services.lesson_create_allowed(request.user):
        raise PermissionDenied
    return _save(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def lesson_edit(request: HttpRequest, pk: int) -> HttpResponse:
    lesson = selectors.lesson_for_user(request.user, pk)
    if not services.may_change(request.user, lesson):
        raise PermissionDenied
    return _save(request, lesson)


def _step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    lesson = selectors.lesson_for_user(request.user, pk)
    try:
        if step == "submit":
            services.lesson_submit(user=request.user, lesson=lesson)
            messages.success(request, _("Lesson sent for review."))
        elif step == "publish":
            services.lesson_publish(user=request.user, lesson=lesson)
            messages.success(request, _("Lesson published."))
        else:
            form = ReturnForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Say why the lesson goes back to its writer."))
                return redirect("learn:lesson-detail", pk=pk)
            services.lesson_return(
                user=request.user, lesson=lesson, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("Lesson returned to its writer."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("learn:lesson-detail", pk=pk)


@login_required
@require_POST
def lesson_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "submit")


@login_required
@require_POST
def lesson_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "publish")


@login_required
@require_POST
def lesson_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "return")


@login_required
@require_http_methods(["GET", "POST"])
def lesson_delete(request: HttpRequest, pk: int) -> HttpResponse:
    lesson = selectors.lesson_for_user(request.user, pk)
    if not services.may_change(request.user, lesson):
        raise PermissionDenied
    if request.method == "POST":
        try:
            services.lesson_delete(user=request.user, lesson=lesson)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("learn:lesson-detail", pk=pk)
        messages.success(request, _("Draft “%(title)s” deleted.") % {"title": lesson.title})
        return redirect("learn:lesson-list")
    return render(request, "learn/lesson_confirm_delete.html", _stage({"lesson": lesson}))


# --- the loop: what the plan and need pages load from here -------------------------------


def _choices(values: list[str], choices: type) -> tuple[str, ...]:
    return tuple(v for v in values if v in choices.values)


@login_required
@require_GET
def related_for_organisation(request: HttpRequest, pk: int) -> HttpResponse:
    """Published lessons and good practices, and open recommendations, relevant to an
    organisation (`?theme=…&level=…` narrow the themes and levels looked for)."""
    organisation = scoped(request.user, Organisation.objects.filter(pk=pk)).first()
    if organisation is None:
        raise Http404
    related = loop.related_knowledge(
        request.user,
        organisation,
        themes=_choices(request.GET.getlist("theme"), Theme),
        levels=_choices(request.GET.getlist("level"), Level),
    )
    context = {"organisation": organisation, "related": related}
    if is_htmx(request):
        return render(request, "learn/includes/loop_related.html", context)
    return render(request, "learn/lesson_related_page.html", _stage(context))


@login_required
@require_GET
def matches_for_need(request: HttpRequest, pk: int) -> HttpResponse:
    """Activities, providers and partners that met similar needs elsewhere."""
    need = scoped(request.user, Need.objects.filter(pk=pk)).select_related("organisation").first()
    if need is None:
        raise Http404
    context = {"need": need, "matches": loop.similar_support(request.user, need)}
    if is_htmx(request):
        return render(request, "learn/includes/loop_matches.html", context)
    return render(request, "learn/lesson_matches_page.html", _stage(context))
