from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from carportal.admin import PublishableAdmin
from carportal.spreadsheets import SpreadsheetAdminMixin
from publications.models import Edition, Publication
from publications.resources import PublicationResource


class EditionInline(admin.TabularInline):
    model = Edition
    extra = 1
    fields = ["language", "title", "file", "file_size"]
    readonly_fields = ["file_size"]


@admin.register(Publication)
class PublicationAdmin(SpreadsheetAdminMixin, PublishableAdmin):
    list_display = ["title", "status", "kind", "published_on", "project", "edition_languages"]
    list_filter = ["status", "kind", "project", "topics", "editions__language"]
    list_select_related = ["project"]
    search_fields = ["title", "subtitle", "summary"]
    date_hierarchy = "published_on"
    autocomplete_fields = ["project", "organisations", "topics", "amends"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [EditionInline]
    resource_classes = [PublicationResource]
    fieldsets = [
        (None, {"fields": ["title", "subtitle", "slug", "kind", "status"]}),
        (_("Date"), {"fields": [("published_on", "published_precision")]}),
        (_("Content"), {"fields": ["summary", "description"]}),
        (_("Links"), {"fields": ["project", "amends", "organisations", "topics"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("editions")

    @admin.display(description=_("Languages"))
    def edition_languages(self, obj):
        return ", ".join(edition.language.upper() for edition in obj.editions.all())
