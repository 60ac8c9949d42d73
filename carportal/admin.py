from auditlog.models import LogEntry
from auditlog.render import get_field_verbose_name
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from carportal import audit
from carportal.cache import content_changed
from carportal.models import (
    Country,
    Organisation,
    Page,
    PageSection,
    Publishable,
    ReferenceData,
    Topic,
)
from carportal.resources import OrganisationResource
from carportal.spreadsheets import SpreadsheetAdminMixin


class PortalForm(forms.ModelForm):
    """Offers only active reference data, plus what the record already points at.

    A retired topic or organisation stays on the records that have it, and saving them again
    keeps it; it is no longer a choice for anything else.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            _add_hint(field)
        for name, field in self.fields.items():
            queryset = getattr(field, "queryset", None)
            if queryset is None or not issubclass(queryset.model, ReferenceData):
                continue
            current = self.initial.get(name)
            if not isinstance(current, list | tuple):
                current = [] if current is None else [current]
            kept = [getattr(value, "pk", value) for value in current]
            field.queryset = queryset.filter(models.Q(is_active=True) | models.Q(pk__in=kept))


# How to write a date or a time, beside each such field (carportal/formats/en/formats.py).
FORMAT_HINTS = [
    (forms.DateTimeField, _("Write it as 2027-03-10 14:30 or 10.03.2027 14:30.")),
    (forms.DateField, _("Write it as 2027-03-10 or 10.03.2027 (day first).")),
    (forms.TimeField, _("On the 24-hour clock, such as 14:30.")),
]


def _add_hint(field):
    """Says beside `field` what it takes: a date's format, a text's longest length."""
    hint = next((hint for kind, hint in FORMAT_HINTS if isinstance(field, kind)), None)
    if isinstance(field, forms.CharField) and field.max_length:
        # The browser would cut a longer paste without a word; the form says what is too
        # long instead, at the field.
        field.widget.attrs.pop("maxlength", None)
        hint = format_lazy(_("At most {count} characters."), count=field.max_length)
    if hint:
        shown = field.help_text
        field.help_text = format_lazy("{} {}", shown, hint) if shown else hint


class ReadOnlyAdminMixin:
    """A record that the portal writes itself: staff read it, nobody adds, edits or deletes."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TabularLabelsMixin:
    """For an inline shown as a table: names each cell's input after its field, for screen
    readers. Django's tables show the names only as column headers, which label no input."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)

        def add_fields(self, form, index):
            formset.add_fields(self, form, index)
            for field in form.fields.values():
                # The input itself, inside the admin's wrapper of related fields.
                widget = getattr(field.widget, "widget", field.widget)
                widget.attrs.setdefault("aria-label", str(field.label))

        return type(formset.__name__, (formset,), {"add_fields": add_fields})


class ActionCheckboxMixin:
    """Writes each row's action checkbox as Django's widget would, without its templates.

    Django renders the checkbox through three widget templates: 15 ms of the 65 ms of CPU
    time of a list of 100 publications (tests/test_admin.py compares the two).
    """

    def action_checkbox(self, obj):
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(gettext("Select this object for an action - {}"), obj),
        )


class PortalAdmin(ActionCheckboxMixin, audit.HistoryAdminMixin, admin.ModelAdmin):
    form = PortalForm
    # Editors paste bare domains; assume https, as Django 6 will.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    class Media:
        css = {"all": ["css/admin.css"]}
        js = ["js/admin-unsaved.js", "js/admin-labels.js"]

    def render_change_form(self, request, context, *args, **kwargs):
        # Browsers forget a chosen file when a form comes back with errors: say which.
        if context.get("errors") and request.FILES:
            names = ", ".join(upload.name for upload in request.FILES.values())
            messages.warning(
                request,
                _(
                    "Choose these files again before saving: %(names)s. Browsers forget a chosen "
                    "file when the page comes back with errors; everything else you typed is kept."
                )
                % {"names": names},
            )
        return super().render_change_form(request, context, *args, **kwargs)


class PublishableAdmin(PortalAdmin):
    """Draft/publish for everything the public sees: list actions and two save buttons.

    The change form offers "Save as draft" and "Save and publish" (see
    templates/admin/publishable_change_form.html); the status field itself stays editable.
    """

    change_form_template = "admin/publishable_change_form.html"
    actions = ["publish", "unpublish"]
    save_on_top = True

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        # The form's fields come in the fieldsets' order: the first is the title.
        first = next(iter(form.base_fields.values()), None)
        if first is not None:
            first.widget.attrs["autofocus"] = True
        return form

    def save_model(self, request, obj, form, change):
        if "_publish" in request.POST:
            obj.status = Publishable.Status.PUBLISHED
        elif "_save_draft" in request.POST:
            obj.status = Publishable.Status.DRAFT
        super().save_model(request, obj, form, change)

    def construct_change_message(self, request, form, formsets, add=False):
        # The two buttons set the status after the form: without this, publishing would be
        # logged as "No fields changed".
        message = super().construct_change_message(request, form, formsets, add)
        if add or "status" in form.changed_data or form.initial["status"] == form.instance.status:
            return message
        status = str(form.fields["status"].label)
        for part in message:
            if "changed" in part and "name" not in part["changed"]:  # the form's own fields
                part["changed"]["fields"].append(status)
                return message
        return [{"changed": {"fields": [status]}}, *message]

    def _set_status(self, request, queryset, status):
        count = audit.update_with_history(
            queryset.exclude(status=status), actor=request.user, status=status
        )
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
    """Reference rows are retired (is_active), not deleted: records keep pointing at them.

    Asking to delete one that records use, or without the right to delete, leads to a page
    that says so and how to retire it, rather than to a bare "403 Forbidden". A row nothing
    uses (entered by mistake) may be deleted by those allowed to.
    """

    list_filter = ["is_active"]

    def get_actions(self, request):
        # Deleting many at once would quietly take them off every record that names them.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_or_change_permission(request, obj):
            return super().delete_view(request, object_id, extra_context)
        uses = usage(obj)
        if not uses and self.has_delete_permission(request, obj):
            return super().delete_view(request, object_id, extra_context)
        opts = self.opts
        return TemplateResponse(
            request,
            "admin/reference_in_use.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Retire rather than delete"),
                "opts": opts,
                "object": obj,
                "uses": uses,
                "change_url": reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]
                ),
            },
        )

    def get_search_results(self, request, queryset, search_term):
        # The autocomplete behind other records' fields offers active entries only.
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if request.resolver_match and request.resolver_match.url_name == "autocomplete":
            queryset = queryset.filter(is_active=True)
        return queryset, may_have_duplicates


def usage(obj):
    """How many records point at `obj`, by field: [(count, "meetings (organisers)"), …]."""
    relations = obj._meta.related_objects
    # A partnership row and the project it links are one use, counted once, as the project.
    through = {relation.through for relation in relations if relation.many_to_many}
    found = []
    for relation in relations:
        if relation.related_model in through:
            continue
        count = getattr(obj, relation.get_accessor_name()).count()
        if count:
            opts = relation.related_model._meta
            kind = opts.verbose_name if count == 1 else opts.verbose_name_plural
            found.append((count, f"{kind} ({relation.field.verbose_name})"))
    return found


@admin.register(Country)
class CountryAdmin(ReferenceDataAdmin):
    list_display = ["name", "code", "membership", "time_zone", "is_active"]
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


class ModelFilter(admin.SimpleListFilter):
    """The kinds of record whose history the user may read."""

    title = _("kind of record")
    parameter_name = "model"

    def lookups(self, request, model_admin):
        readable = audit.readable_models(request.user)
        content_types = ContentType.objects.get_for_models(*readable)
        return sorted(
            (
                (str(content_types[model].pk), capfirst(model._meta.verbose_name_plural))
                for model in readable
            ),
            key=lambda choice: choice[1],
        )

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        if self.value() not in dict(self.lookup_choices):  # a kind the user may not read
            return queryset.none()
        return queryset.filter(content_type=self.value())


admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class ChangeHistoryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Every recorded change (carportal/audit.py), read-only, by user, date and kind of
    record; each user sees the changes of the records they may view, and no others."""

    list_display = ["timestamp", "record", "action", "changed_fields", "actor"]
    list_filter = [("actor", admin.RelatedOnlyFieldListFilter), ModelFilter, "action", "timestamp"]
    list_select_related = ["content_type", "actor"]
    date_hierarchy = "timestamp"
    search_fields = ["object_repr"]
    fields = readonly_fields = ["timestamp", "actor", "record", "action", "changes_table"]

    def get_queryset(self, request):
        readable = audit.readable_models(request.user)
        content_types = ContentType.objects.get_for_models(*readable).values()
        return super().get_queryset(request).filter(content_type__in=content_types)

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(
            request, {"title": _("Change history"), **(extra_context or {})}
        )

    @admin.display(description=_("record"))
    def record(self, entry):
        label = f"{capfirst(entry.content_type.name)}: {entry.object_repr}"
        try:
            url = reverse(
                f"admin:{entry.content_type.app_label}_{entry.content_type.model}_change",
                args=[entry.object_pk],
            )
        except NoReverseMatch:  # a part edited on its whole's page
            return label
        return format_html('<a href="{}">{}</a>', url, label)

    @admin.display(description=_("changed"))
    def changed_fields(self, entry):
        names = [get_field_verbose_name(entry, name) for name in entry.changes_dict]
        return ", ".join(names)

    @admin.display(description=_("changes"))
    def changes_table(self, entry):
        return render_to_string(
            "admin/audit/entry.html",
            {"entry": entry, "rows": audit.describe([entry], shorten=False)[0][1]},
        )


class PageSectionInline(admin.StackedInline):
    model = PageSection
    extra = 0
    fields = ["position", "heading", "text", "shows"]


@admin.register(Page)
class PageAdmin(PortalAdmin):
    """The about and contact pages: edited in place, never added or deleted (see Page)."""

    list_display = ["title", "slug"]
    fields = ["title", "lead"]
    inlines = [PageSectionInline]
    save_on_top = True

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
