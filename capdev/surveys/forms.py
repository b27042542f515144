"""Forms of the survey pages: a survey, a question with its choices, answering, filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from capdev.core.models import ConstituentGroup, Country, Office, Organisation, Region
from capdev.core.scoping import Action, scoped, user_grants
from capdev.lib.pages import with_blank
from capdev.lib.translated import LANGUAGES, localized
from capdev.surveys import selectors
from capdev.surveys.models import Likert, Question, Survey
from capdev.surveys.services import MAX_TEXT

LANGUAGE_NAMES = {"en": _("English"), "fr": _("French"), "es": _("Spanish"), "zh": _("Chinese")}


def _translated_fields(
    form: forms.BaseForm, name: str, label: Any, initial: dict[str, str], *, required: bool, rows=2
) -> None:
    for code in LANGUAGES:
        form.fields[f"{name}_{code}"] = forms.CharField(
            label=_("%(what)s (%(language)s)") % {"what": label, "language": LANGUAGE_NAMES[code]},
            required=required and code == "en",
            initial=(initial or {}).get(code, ""),
            widget=forms.Textarea(attrs={"rows": rows}),
        )


def _translated(data: dict[str, Any], name: str) -> dict[str, str]:
    return {code: data[f"{name}_{code}"] for code in LANGUAGES if data.get(f"{name}_{code}")}


class SurveyForm(forms.ModelForm):
    """A survey: its title and description in the four languages, dates, office, status."""

    class Meta:
        model = Survey
        fields = ["status", "opens", "closes", "owner_office"]
        widgets = {
            "opens": forms.DateInput(attrs={"type": "date"}),
            "closes": forms.DateInput(attrs={"type": "date"}),
        }
        help_texts = {
            "status": _(
                "A draft is seen only by the Office; an open survey takes answers; a closed "
                "one keeps its results."
            ),
            "closes": _("Leave empty to keep it open until you close it."),
        }

    def __init__(self, *args: Any, user: AbstractBaseUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = self.instance
        _translated_fields(self, "title", _("Title"), instance.title, required=True, rows=1)
        _translated_fields(
            self, "description", _("Description"), instance.description, required=False
        )
        self.fields["owner_office"].queryset = scoped(user, Office.objects.all()).order_by("name")
        if instance.pk is None:
            offices = [g.office for g in user_grants(user) if g.office_id]
            if offices:
                self.fields["owner_office"].initial = offices[0].pk
        order = [f"title_{c}" for c in LANGUAGES] + [f"description_{c}" for c in LANGUAGES]
        self.order_fields([*order, "status", "opens", "closes", "owner_office"])


def survey_data(cleaned: dict[str, Any]) -> dict[str, Any]:
    """What the survey services take, from a SurveyForm's cleaned data."""
    return {
        "title": _translated(cleaned, "title"),
        "description": _translated(cleaned, "description"),
        **{name: cleaned[name] for name in ("status", "opens", "closes", "owner_office")},
    }


class QuestionForm(forms.ModelForm):
    """A question in the four languages; choices one per line, line n in every language
    being the same choice."""

    class Meta:
        model = Question
        fields = ["kind", "k", "required"]
        widgets = {"k": forms.NumberInput(attrs={"min": 1, "max": 20})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = self.instance
        _translated_fields(self, "label", _("Question"), instance.label, required=True)
        existing = list(instance.choices.order_by("position")) if instance.pk else []
        for code in LANGUAGES:
            self.fields[f"choices_{code}"] = forms.CharField(
                label=_("Choices (%(language)s), one per line")
                % {"language": LANGUAGE_NAMES[code]},
                required=False,
                initial="\n".join(c.label.get(code, "") for c in existing)
                if any(c.label.get(code) for c in existing)
                else "",
                widget=forms.Textarea(attrs={"rows": 6}),
                help_text=_("Only for single-choice and pick-k-of-n questions.")
                if code == "en"
                else _("Line by line as in English, or leave empty."),
            )
        order = [f"label_{c}" for c in LANGUAGES]
        self.order_fields([*order, "kind", "k", "required", *[f"choices_{c}" for c in LANGUAGES]])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        lines = {
            code: [line.strip() for line in (data.get(f"choices_{code}") or "").splitlines()]
            for code in LANGUAGES
        }
        lines = {code: [line for line in found if line] for code, found in lines.items()}
        english = len(lines["en"])
        for code in LANGUAGES[1:]:
            if lines[code] and len(lines[code]) != english:
                self.add_error(
                    f"choices_{code}",
                    ngettext(
                        "Give %(n)d line, as in English, or none.",
                        "Give %(n)d lines, as in English, or none.",
                        english,
                    )
                    % {"n": english},
                )
        data["choices"] = [
            {code: lines[code][n] for code in LANGUAGES if lines[code] and n < len(lines[code])}
            for n in range(english)
        ]
        return data


def question_data(cleaned: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": cleaned["kind"],
        "k": cleaned.get("k"),
        "required": cleaned["required"],
        "label": _translated(cleaned, "label"),
        "choices": cleaned.get("choices", []),
    }


def responding_organisations(user: AbstractBaseUser):
    return scoped(user, Organisation.objects.select_related("country"), Action.CHANGE).order_by(
        "country__name", "name"
    )


class ResponseForm(forms.Form):
    """Answering a survey: who answers (an organisation, or a group), then every question.

    Fields are named "q<question id>", as the service names its errors. The form itself
    checks nothing about the answers: the service does, for the pages and the API alike.
    """

    def __init__(self, *args: Any, survey: Survey, user: AbstractBaseUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.survey = survey
        organisations = responding_organisations(user)
        grants = user_grants(user)
        self.organisation_only = bool(grants) and all(g.organisation_id for g in grants)
        self.fields["organisation"] = forms.ModelChoiceField(
            label=_("Answering for the organisation"),
            queryset=organisations,
            required=self.organisation_only,
            empty_label="—",
            help_text=_("The respondent's constituent group and country are the organisation's."),
        )
        if self.organisation_only and organisations.count() == 1:
            self.fields["organisation"].initial = organisations.first().pk
            self.fields["organisation"].empty_label = None
        if not self.organisation_only:
            self.fields["group"] = forms.ChoiceField(
                label=_("Or, without an organisation: the respondent's constituent group"),
                choices=with_blank(ConstituentGroup.choices),
                required=False,
            )
            self.fields["country"] = forms.ModelChoiceField(
                label=_("and country (optional)"),
                queryset=scoped(user, Country.objects.all()).order_by("name"),
                required=False,
                empty_label="—",
            )
        self.questions = selectors.survey_questions(survey)
        for number, question in enumerate(self.questions, start=1):
            self.fields[f"q{question.pk}"] = _answer_field(number, question)

    def answers(self) -> dict[int, dict[str, Any]]:
        data = self.cleaned_data
        answers: dict[int, dict[str, Any]] = {}
        for question in self.questions:
            value = data.get(f"q{question.pk}")
            if question.kind == Question.Kind.PICK_K:
                answers[question.pk] = {"choices": list(value or [])}
            elif question.kind == Question.Kind.SINGLE:
                answers[question.pk] = {"choices": [value] if value else []}
            elif question.kind == Question.Kind.LIKERT:
                answers[question.pk] = {"likert": value or None}
            else:
                answers[question.pk] = {"text": value or ""}
        return answers

    def respondent(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "organisation": data.get("organisation"),
            "group": data.get("group", ""),
            "country": data.get("country"),
        }


class AnyChoiceField(forms.ChoiceField):
    """Radio buttons whose value the service checks (with the API's messages)."""

    def validate(self, value: Any) -> None:
        return None


class AnyChoicesField(forms.MultipleChoiceField):
    """Checkboxes whose values the service checks (how many, which)."""

    def validate(self, value: Any) -> None:
        return None


def _answer_field(number: int, question: Question) -> forms.Field:
    label = f"{number}. {localized(question.label)}"
    hint = _("Required.") if question.required else _("Optional.")
    options = [(str(c.pk), localized(c.label)) for c in question.choices.all()]
    if question.kind == Question.Kind.PICK_K:
        return AnyChoicesField(
            label=label,
            choices=options,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text=ngettext(
                "Choose exactly %(k)d option.", "Choose exactly %(k)d options.", question.k
            )
            % {"k": question.k}
            + " "
            + str(hint),
        )
    if question.kind == Question.Kind.SINGLE:
        return AnyChoiceField(
            label=label,
            choices=options,
            required=False,
            widget=forms.RadioSelect,
            help_text=_("Choose one option.") + " " + str(hint),
        )
    if question.kind == Question.Kind.LIKERT:
        return AnyChoiceField(
            label=label,
            choices=[(str(value), f"{value} — {text}") for value, text in Likert.choices],
            required=False,
            widget=forms.RadioSelect,
            help_text=_("From 1 (strongly disagree) to 5 (strongly agree).") + " " + str(hint),
        )
    return forms.CharField(
        label=label,
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=hint,
    )


class SurveyFilters(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, help_text=_("Title or office."))
    status = forms.ChoiceField(
        label=pgettext_lazy("workflow", "Status"),
        required=False,
        choices=with_blank(Survey.Status.choices),
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("-created", _("Newest first")),
            ("created", _("Oldest first")),
            ("title", _("Title")),
            ("-closes", _("Closing last")),
        ],
    )


class ResultFilters(forms.Form):
    """Whose responses the results count (always only those the reader may see)."""

    base = forms.ChoiceField(
        label=_("Base of the pick-k shares"),
        required=False,
        choices=[
            (selectors.SELECTIONS, _("Share of all selections (as in Figure 1)")),
            (selectors.RESPONDENTS, _("Share of respondents who chose it")),
        ],
    )
    group = forms.ChoiceField(
        label=_("Respondent group"), required=False, choices=with_blank(ConstituentGroup.choices)
    )
    region = forms.ModelChoiceField(
        label=_("Region"),
        required=False,
        queryset=Region.objects.none(),
        to_field_name="code",
        empty_label="—",
    )
    country = forms.ModelChoiceField(
        label=_("Country"),
        required=False,
        queryset=Country.objects.none(),
        to_field_name="iso_alpha2",
        empty_label="—",
    )

    def __init__(self, *args: Any, user: AbstractBaseUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scoped(user, Region.objects.all()).order_by("name")
        self.fields["country"].queryset = scoped(user, Country.objects.all()).order_by("name")


class ResponseFilters(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, help_text=_("Organisation name."))
    group = forms.ChoiceField(
        label=_("Respondent group"), required=False, choices=with_blank(ConstituentGroup.choices)
    )
    country = forms.ModelChoiceField(
        label=_("Country"),
        required=False,
        queryset=Country.objects.none(),
        to_field_name="iso_alpha2",
        empty_label="—",
    )

    def __init__(self, *args: Any, user: AbstractBaseUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = scoped(user, Country.objects.all()).order_by("name")
