"""Django admin for administrators: users, grants, reference data and offices (all audited)."""

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from capdev.core.models import Contact, Country, Grant, Membership, Office, Organisation, Region


def _superusers_only(request: HttpRequest) -> bool:
    """The admin site lists rows unscoped, so only administrators (superusers) may enter it."""
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = _superusers_only
admin.site.site_header = _("capdev administration")


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name"]


@admin.register(Country)
class CountryAdmin(SimpleHistoryAdmin):
    list_display = ["iso_alpha2", "name", "region", "status"]
    list_filter = ["region", "status"]
    search_fields = ["name", "iso_alpha2", "iso_alpha3"]


@admin.register(Office)
class OfficeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "acronym", "kind", "region"]
    list_filter = ["kind", "region"]
    search_fields = ["name", "acronym"]
    filter_horizontal = ["countries"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "acronym", "country", "group", "kind"]
    list_filter = ["group", "kind", "country__region"]
    search_fields = ["name", "acronym"]
    autocomplete_fields = ["parent"]
    list_select_related = ["country"]
    inlines = [MembershipInline, ContactInline]


@admin.register(Grant)
class GrantAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "office", "region", "country", "group", "organisation"]
    list_filter = ["role"]
    search_fields = ["user__username"]
    autocomplete_fields = ["organisation"]
    list_select_related = ["user", "office", "region", "country", "organisation"]
