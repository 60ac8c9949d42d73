from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from carportal.admin import PublishableAdmin, TabularLabelsMixin
from carportal.spreadsheets import SpreadsheetAdminMixin
from publications.models import Edition, Publication
from publications.resources import PublicationResource


class EditionInline(TabularLabelsMixin, admin.TabularInline):
    model = Edition
    extra = 1
    fields = ["language", "title", "file", "file_size", "is_sample"]
    readonly_fields = ["file_size", "is_sample"]


@admin.register(Publication)
class PublicationAdmin(SpreadsheetAdminMixin, PublishableAdmin):
    list_display = [
        "title",
        "status",
        "publish_on",
        "kind",
        "published_on",
        "project",
        "edition_languages",
    ]
    # No filter by project: a thousand projects would be a sidebar of a thousand links.
    # Staff search for the project's acronym instead.
    list_filter = ["status", "kind", "topics", "editions__language"]
    list_select_related = ["project"]
    search_fields = ["title", "subtitle", "summary", "project__acronym"]
    date_hierarchy = "published_on"
    autocomplete_fields = ["project", "organisations", "topics", "amends", "builds_on"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [EditionInline]
    resource_classes = [PublicationResource]
    fieldsets = [
        (None, {"fields": ["title", "subtitle", "slug", "kind", "status", "publish_on"]}),
        (_("Date"), {"fields": [("published_on", "published_precision")]}),
        (_("Content"), {"fields": ["summary", "description"]}),
        (_("Links"), {"fields": ["project", "amends", "builds_on", "organisations", "topics"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("editions")

    @admin.display(description=_("Languages"))
    def edition_languages(self, obj):
        return ", ".join(edition.language.upper() for edition in obj.editions.all())
