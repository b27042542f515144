"""Forms of the lesson pages: a lesson or good practice, the list filters, returning one."""

from __future__ import annotations

from django import forms
from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from capdev.core.models import ConstituentGroup, Country, Region
from capdev.core.scoping import scoped
from capdev.diagnose.models import CapacityType, Level, Theme
from capdev.learn.models import Evaluation, Lesson
from capdev.learn.services import lessons as services
from capdev.lib.pages import with_blank


def _checkboxes(label: str, choices: object) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple
    )


class LessonForm(forms.ModelForm):
    levels = _checkboxes(_("Levels"), Level.choices)
    types = _checkboxes(_("Types of capacity"), CapacityType.choices)
    themes = _checkboxes(_("Themes"), Theme.choices)
    groups = _checkboxes(_("Constituent groups"), ConstituentGroup.choices)

    class Meta:
        model = Lesson
        fields = [
            "kind",
            "title",
            "context",
            "challenge",
            "what_worked",
            "conditions",
            "levels",
            "types",
            "themes",
            "groups",
            "countries",
            "evaluation",
        ]
        widgets = {
            "context": forms.Textarea(attrs={"rows": 4}),
            "challenge": forms.Textarea(attrs={"rows": 3}),
            "what_worked": forms.Textarea(attrs={"rows": 4}),
            "conditions": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "context": _("Where and when: the organisation, country and situation."),
            "conditions": _("What must be true elsewhere for this to work again."),
            "countries": _("Leave empty for a lesson that concerns no country in particular."),
        }

    def __init__(self, *args: object, user: AbstractBaseUser, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["countries"].queryset = scoped(user, Country.objects.all()).order_by("name")
        self.fields["evaluation"].queryset = scoped(user, Evaluation.objects.all())
        self.fields["evaluation"].required = False
        if services.country_bound(user):
            # Writers whose grants are bound to countries write about one of them.
            countries = self.fields["countries"]
            countries.required = True
            countries.help_text = _("Choose at least one country of your scope.")
            countries.error_messages["required"] = _("Choose at least one country of your scope.")
        if self.instance.pk and self.instance.status == Lesson.Status.PUBLISHED:
            self.fields["kind"].help_text = _(
                "Saving sends this published lesson back for review: it is unpublished until "
                "someone else publishes it again."
            )


class LessonFilters(forms.Form):
    q = forms.CharField(
        label=_("Search"), required=False, help_text=_("Words in the title or the text.")
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=with_blank(Lesson.Kind.choices)
    )
    status = forms.ChoiceField(
        label=pgettext_lazy("workflow", "Status"),
        required=False,
        choices=with_blank(Lesson.Status.choices),
    )
    theme = forms.ChoiceField(label=_("Theme"), required=False, choices=with_blank(Theme.choices))
    level = forms.ChoiceField(label=_("Level"), required=False, choices=with_blank(Level.choices))
    group = forms.ChoiceField(
        label=_("Constituent group"),
        required=False,
        choices=with_blank(ConstituentGroup.choices),
    )
    country = forms.CharField(
        label=_("Country (ISO code)"), required=False, max_length=2, min_length=2
    )
    region = forms.ModelChoiceField(label=_("Region"), required=False, queryset=None)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("newest", _("Newest first")),
            ("oldest", _("Oldest first")),
            ("title", _("Title A–Z")),
            ("-title", _("Title Z–A")),
        ],
    )

    def __init__(self, *args: object, user: AbstractBaseUser, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scoped(user, Region.objects.all())


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Why does it go back to its writer?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
    )
