from django import forms
from django.contrib import admin, messages
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from carportal.cache import content_changed
from carportal.models import Country, Organisation, Publishable, ReferenceData, Topic
from carportal.resources import OrganisationResource
from carportal.spreadsheets import SpreadsheetAdminMixin


class PortalForm(forms.ModelForm):
    """Offers only active reference data, plus what the record already points at.

    A retired topic or organisation stays on the records that have it, and saving them again
    keeps it; it is no longer a choice for anything else.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            queryset = getattr(field, "queryset", None)
            if queryset is None or not issubclass(queryset.model, ReferenceData):
                continue
            current = self.initial.get(name)
            if not isinstance(current, list | tuple):
                current = [] if current is None else [current]
            kept = [getattr(value, "pk", value) for value in current]
            field.queryset = queryset.filter(models.Q(is_active=True) | models.Q(pk__in=kept))


class PortalAdmin(admin.ModelAdmin):
    form = PortalForm
    # Editors paste bare domains; assume https, as Django 6 will.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class PublishableAdmin(PortalAdmin):
    """Draft/publish for everything the public sees: list actions and two save buttons.

    The change form offers "Save as draft" and "Save and publish" (see
    templates/admin/publishable_change_form.html); the status field itself stays editable.
    """

    change_form_template = "admin/publishable_change_form.html"
    actions = ["publish", "unpublish"]
    save_on_top = True

    def save_model(self, request, obj, form, change):
        if "_publish" in request.POST:
            obj.status = Publishable.Status.PUBLISHED
        elif "_save_draft" in request.POST:
            obj.status = Publishable.Status.DRAFT
        super().save_model(request, obj, form, change)

    def _set_status(self, request, queryset, status):
        count = queryset.exclude(status=status).update(status=status)
        content_changed()  # update() sends no signals
        label = Publishable.Status(status).label.lower()
        self.message_user(
            request,
            ngettext(
                "%(count)d item is now %(status)s.", "%(count)d items are now %(status)s.", count
            )
            % {"count": count, "status": label},
            messages.SUCCESS,
        )

    @admin.action(description=_("Publish selected items"), permissions=["change"])
    def publish(self, request, queryset):
        self._set_status(request, queryset, Publishable.Status.PUBLISHED)

    @admin.action(description=_("Unpublish selected items (back to draft)"), permissions=["change"])
    def unpublish(self, request, queryset):
        self._set_status(request, queryset, Publishable.Status.DRAFT)


class PeriodAdminMixin:
    """Shows a period in admin lists as the public reads it ("June 2026"), sorted by start."""

    @admin.display(description=_("dates"), ordering="start_date")
    def period(self, obj):
        return obj.period_label


class ReferenceDataAdmin(PortalAdmin):
    """Reference rows are retired (is_active), not deleted: records keep pointing at them."""

    list_filter = ["is_active"]

    def has_delete_permission(self, request, obj=None):
        return False

    def get_search_results(self, request, queryset, search_term):
        # The autocomplete behind other records' fields offers active entries only.
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if request.resolver_match and request.resolver_match.url_name == "autocomplete":
            queryset = queryset.filter(is_active=True)
        return queryset, may_have_duplicates


@admin.register(Country)
class CountryAdmin(ReferenceDataAdmin):
    list_display = ["name", "code", "membership", "is_active"]
    list_filter = ["membership", "is_active"]
    search_fields = ["name", "code"]


@admin.register(Topic)
class TopicAdmin(ReferenceDataAdmin):
    list_display = ["name", "slug", "is_priority", "position", "is_active"]
    list_editable = ["position"]
    list_filter = ["is_priority", "is_active"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Organisation)
class OrganisationAdmin(SpreadsheetAdminMixin, ReferenceDataAdmin):
    list_display = ["name", "short_name", "kind", "country", "is_active"]
    list_filter = ["kind", "country", "is_active"]
    list_select_related = ["country"]
    search_fields = ["name", "short_name"]
    autocomplete_fields = ["country"]
    prepopulated_fields = {"slug": ["name"]}
    resource_classes = [OrganisationResource]
