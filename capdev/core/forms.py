from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from capdev.core.models import (
    ConstituentGroup,
    Contact,
    Country,
    Membership,
    Organisation,
    OrganisationKind,
)
from capdev.core.scoping import scoped
from capdev.core.services import ORGANISATION_NAME_TAKEN


class OrganisationForm(forms.ModelForm):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = ["name", "acronym", "country", "group", "kind", "parent", "website", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: object, user: AbstractBaseUser, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # Offer only what the user may write to; the service checks again after saving.
        self.fields["country"].queryset = scoped(user, Country.objects.all())
        parents = Q(pk__in=scoped(user, Organisation.objects.all()).values("pk"))
        if self.instance.parent_id:
            # Keeping a parent the user cannot see is not choosing it: without it, saving the
            # form would silently drop the affiliation.
            parents |= Q(pk=self.instance.parent_id)
        self.fields["parent"].queryset = (
            Organisation.objects.filter(parents)
            .exclude(pk=self.instance.pk)
            .select_related("country")
        )
        self.fields["parent"].help_text = _("The federation or confederation it is affiliated to.")

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        name, country = cleaned.get("name"), cleaned.get("country")
        taken = Organisation.objects.filter(name=name, country=country).exclude(pk=self.instance.pk)
        if name and country and taken.exists():
            # Next to the name, not above the form: the name is what must change (services.py
            # reports it the same way to the API).
            self.add_error("name", ORGANISATION_NAME_TAKEN % {"country": country})
        return cleaned


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["year", "members", "women_members", "potential_members"]

    def validate_unique(self) -> None:
        """A year already recorded is replaced, not refused (see membership_record)."""


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "position", "email", "phone"]


class OrganisationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    group = forms.ChoiceField(label=_("Constituent group"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("name", _("Name (A–Z)")),
            ("-name", _("Name (Z–A)")),
            ("country", _("Country")),
            ("group", _("Constituent group")),
            ("kind", _("Kind")),
        ],
    )

    def __init__(self, *args: object, regions: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["region"].choices = everything + regions
        self.fields["group"].choices = everything + list(ConstituentGroup.choices)
        self.fields["kind"].choices = everything + list(OrganisationKind.choices)
