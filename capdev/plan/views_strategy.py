"""Pages of the strategy's own implementation plan (§13, §30–33), under /plan/strategy/."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from capdev.core.history import history_of
from capdev.core.models import Office
from capdev.core.scoping import Action as Do
from capdev.core.scoping import scoped
from capdev.lib.pages import (
    apply_model_errors,
    form_page,
    paginate,
    render_list,
    valid_filters,
    with_blank,
)
from capdev.plan import strategy
from capdev.plan.models import Deliverable, SteeringDecision


def _stage(context: dict[str, object]) -> dict[str, object]:
    return {"stage": "plan", **context}


class StrategyFilters(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False)
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome area"), required=False)
    phase = forms.ChoiceField(label=gettext_lazy("Phase"), required=False)
    biennium = forms.ChoiceField(label=gettext_lazy("Biennium"), required=False)
    status = forms.ChoiceField(
        label=pgettext_lazy("workflow", "Status"),
        required=False,
        choices=with_blank(Deliverable.Status.choices),
    )
    unit = forms.ChoiceField(label=gettext_lazy("Responsible unit"), required=False)

    def __init__(self, *args: object, choices: dict[str, list], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for name, values in choices.items():
            self.fields[name].choices = with_blank(values)


class DeliverableForm(forms.Form):
    status = forms.ChoiceField(
        label=pgettext_lazy("workflow", "Status"), choices=Deliverable.Status.choices
    )
    evidence = forms.CharField(
        label=gettext_lazy("Evidence"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "What shows the deliverable is done: a document, a link, a decision."
        ),
    )


class MeetingForm(forms.Form):
    held_on = forms.DateField(
        label=gettext_lazy("Held on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    summary = forms.CharField(
        label=gettext_lazy("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class DecisionForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Decision"), widget=forms.Textarea(attrs={"rows": 2}))
    deliverable = forms.ModelChoiceField(
        label=gettext_lazy("Deliverable"), required=False, queryset=Deliverable.objects.none()
    )
    responsible_unit = forms.ModelChoiceField(
        label=gettext_lazy("Responsible unit"), required=False, queryset=Office.objects.none()
    )
    due = forms.DateField(
        label=gettext_lazy("Due"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(
        label=pgettext_lazy("workflow", "Status"),
        choices=SteeringDecision.Status.choices,
        initial=SteeringDecision.Status.OPEN,
    )

    def __init__(self, *args: object, user, **kwargs: object) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["deliverable"].queryset = strategy.deliverables_for_user(user)
        self.fields["responsible_unit"].queryset = scoped(user, Office.objects.all()).order_by(
            "name"
        )

    def has_changed(self) -> bool:
        """A row left empty but for its status (preset to open) is skipped, not refused."""
        return bool(set(self.changed_data) - {"status"})


DecisionFormSet = forms.formset_factory(DecisionForm, extra=3)


@login_required
@require_GET
def strategy_plan(request: HttpRequest) -> HttpResponse:
    user = request.user
    filters = StrategyFilters(request.GET or None, choices=strategy.strategy_filter_choices(user))
    chosen = {name: value for name, value in valid_filters(filters).items() if value}
    deliverables = strategy.deliverables_for_user(user, **chosen)
    context = {
        "filters": filters,
        "matrix": strategy.strategy_matrix(user, deliverables),
        "can_change": strategy.strategy_may_change(user),
    }
    return render_list(request, "plan/strategy_plan.html", _stage(context))


def _deliverable(request: HttpRequest, pk: int, action: Do = Do.VIEW) -> Deliverable:
    deliverable = strategy.deliverable_for_user(request.user, pk)  # 404 outside scope
    if action is not Do.VIEW and not strategy.deliverable_allows(request.user, deliverable, action):
        raise PermissionDenied
    return deliverable


@login_required
@require_GET
def deliverable_detail(request: HttpRequest, pk: int) -> HttpResponse:
    deliverable = _deliverable(request, pk)
    context = {
        "deliverable": deliverable,
        "decisions": strategy.decisions_for_deliverable(request.user, deliverable),
        "can_change": strategy.deliverable_allows(request.user, deliverable, Do.CHANGE),
        "history": history_of(deliverable),
    }
    return render(request, "plan/strategy_deliverable.html", _stage(context))


@login_required
@require_http_methods(["GET", "POST"])
def deliverable_edit(request: HttpRequest, pk: int) -> HttpResponse:
    deliverable = _deliverable(request, pk, Do.CHANGE)
    form = DeliverableForm(
        request.POST or None,
        initial={"status": deliverable.status, "evidence": deliverable.evidence},
    )
    return form_page(
        request,
        form,
        lambda data: strategy.deliverable_update(
            user=request.user, deliverable=deliverable, data=data
        ),
        saved=_("Deliverable updated."),
        refused=_("Your role does not keep the strategy's implementation plan."),
        next_url=lambda saved: reverse("plan:strategy-deliverable", args=[saved.pk]),
        template="plan/strategy_deliverable_form.html",
        context=_stage({"deliverable": deliverable}),
    )


@login_required
@require_GET
def steering_meetings(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        **paginate(request, strategy.steering_meetings_for_user(user)),
        "can_change": strategy.strategy_may_change(user),
    }
    return render_list(request, "plan/strategy_meetings.html", _stage(context))


@login_required
@require_http_methods(["GET", "POST"])
def steering_meeting_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not strategy.strategy_may_change(user):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    form = MeetingForm(data)
    decisions = DecisionFormSet(data, prefix="decisions", form_kwargs={"user": user})
    if data is not None and form.is_valid() and decisions.is_valid():
        try:
            strategy.steering_meeting_create(
                user=user,
                held_on=form.cleaned_data["held_on"],
                summary=form.cleaned_data["summary"],
                decisions=[d.cleaned_data for d in decisions if d.has_changed() and d.cleaned_data],
            )
        except ValidationError as error:
            apply_model_errors(form, error)
        else:
            messages.success(request, _("Meeting and decisions recorded."))
            return redirect("plan:strategy-meetings")
    status = 400 if data is not None else 200
    context = {"form": form, "decisions": decisions}
    return render(request, "plan/strategy_meeting_form.html", _stage(context), status=status)


@login_required
@require_POST
def steering_decision_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a decision done, or open again (administrators and HQ)."""
    decision = strategy.decision_for_user(request.user, pk)
    status = request.POST.get("status", "")
    if status not in SteeringDecision.Status.values:
        messages.error(request, _("Choose open or done."))
    else:
        try:
            strategy.steering_decision_update(
                user=request.user, decision=decision, data={"status": status}
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Decision updated."))
    return redirect(f"{reverse('plan:strategy-meetings')}#meeting-{decision.meeting_id}")
