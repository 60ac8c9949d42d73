from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from carportal.admin import PeriodAdminMixin, PortalAdmin, PortalForm, PublishableAdmin
from carportal.pdf import pdf_admin_action
from carportal.spreadsheets import SpreadsheetAdminMixin
from meetings.models import Meeting, MeetingDocument, MeetingSession, Presentation, Presidency
from meetings.resources import MeetingResource
from meetings.views import programme_pdf, report_pdf


@admin.register(Presidency)
class PresidencyAdmin(PeriodAdminMixin, PublishableAdmin):
    list_display = ["name", "status", "country", "period"]
    list_filter = ["status", "country"]
    list_select_related = ["country"]
    search_fields = ["name", "summary", "priorities"]
    date_hierarchy = "start_date"
    autocomplete_fields = ["country", "projects"]
    prepopulated_fields = {"slug": ["name"]}
    actions = [
        *PublishableAdmin.actions,
        pdf_admin_action(Presidency.objects.published, report_pdf),
    ]
    fieldsets = [
        (None, {"fields": ["name", "slug", "country", "status"]}),
        (_("Year"), {"fields": [("start_date", "end_date")]}),
        (_("Content"), {"fields": ["summary", "priorities", "cross_cutting_themes"]}),
        (_("Links"), {"fields": ["projects"]}),
    ]


class MeetingSessionInline(admin.StackedInline):
    model = MeetingSession
    form = PortalForm
    extra = 0
    show_change_link = True
    fields = [("title", "kind"), ("date", "start_time", "end_time"), "description", "position"]
    verbose_name_plural = _("Programme (open a session to add its speakers and presentations)")


class MeetingDocumentInline(admin.TabularInline):
    model = MeetingDocument
    extra = 0
    fields = ["title", "kind", "language", "file", "position"]


@admin.register(Meeting)
class MeetingAdmin(SpreadsheetAdminMixin, PeriodAdminMixin, PublishableAdmin):
    # The status beside the title, where no narrow window hides it.
    list_display = ["title", "status", "kind", "period", "city", "country", "presidency"]
    list_filter = ["status", "kind", "country", "presidency", "topics"]
    list_select_related = ["country", "presidency"]
    search_fields = ["title", "summary", "description", "city"]
    date_hierarchy = "start_date"
    autocomplete_fields = [
        "country",
        "presidency",
        "organisers",
        "co_organisers",
        "projects",
        "topics",
    ]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [MeetingSessionInline, MeetingDocumentInline]
    resource_classes = [MeetingResource]
    actions = [
        *PublishableAdmin.actions,
        pdf_admin_action(Meeting.objects.for_detail, programme_pdf),
    ]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "status"]}),
        (
            _("When and where"),
            {
                "fields": [
                    ("start_date", "start_precision"),
                    ("end_date", "end_precision"),
                    ("city", "country"),
                    "presidency",
                ]
            },
        ),
        (_("Content"), {"fields": ["summary", "description", "participants"]}),
        (_("Links"), {"fields": ["organisers", "co_organisers", "projects", "topics"]}),
    ]


class PresentationInline(admin.TabularInline):
    model = Presentation
    form = PortalForm
    extra = 1
    autocomplete_fields = ["organisation"]
    fields = ["title", "speaker", "speaker_role", "organisation", "position"]


@admin.register(MeetingSession)
class MeetingSessionAdmin(PortalAdmin):
    list_display = ["title", "meeting", "kind", "date", "start_time"]
    list_filter = ["kind"]
    list_select_related = ["meeting"]
    search_fields = ["title", "meeting__title"]
    autocomplete_fields = ["meeting"]
    inlines = [PresentationInline]

    def view_on_site(self, obj):
        return obj.meeting.get_absolute_url()
