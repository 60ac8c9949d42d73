import nested_admin
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from carportal.admin import (
    PeriodAdminMixin,
    PortalAdmin,
    PortalForm,
    PublishableAdmin,
    TabularLabelsMixin,
)
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


class PresentationInline(TabularLabelsMixin, nested_admin.NestedTabularInline):
    model = Presentation
    form = PortalForm
    extra = 0
    autocomplete_fields = ["organisation"]
    fields = ["title", "speaker", "speaker_role", "organisation", "position"]
    verbose_name_plural = _("Speakers and presentations")


class SessionFormSet(nested_admin.formsets.NestedInlineFormSet):
    """A session's day must fall within its meeting, checked against the meeting's dates as
    this very form sets them: moving a meeting flags every session it leaves behind."""

    def clean(self):
        super().clean()
        meeting = self.instance
        if not meeting.start_date:
            return  # dates not known yet: nothing to compare with
        last = meeting.end_date or meeting.start_date
        for form in self.forms:
            day = form.cleaned_data.get("date") if form.cleaned_data else None
            if day and not self._should_delete_form(form) and not meeting.start_date <= day <= last:
                form.add_error(
                    "date",
                    _("This day is outside the meeting (%(period)s): correct one or the other.")
                    % {"period": meeting.period_label},
                )


class MeetingSessionInline(nested_admin.NestedStackedInline):
    model = MeetingSession
    form = PortalForm
    formset = SessionFormSet
    extra = 0
    fields = [("title", "kind"), ("date", "start_time", "end_time"), "description", "position"]
    inlines = [PresentationInline]
    verbose_name_plural = _("Programme: sessions, each with its speakers")


class MeetingDocumentInline(TabularLabelsMixin, nested_admin.NestedTabularInline):
    model = MeetingDocument
    extra = 0
    fields = ["title", "kind", "language", "file", "is_sample", "position"]
    readonly_fields = ["is_sample"]


@admin.register(Meeting)
class MeetingAdmin(
    SpreadsheetAdminMixin, PeriodAdminMixin, nested_admin.NestedModelAdminMixin, PublishableAdmin
):
    """A meeting with its whole programme in one form: sessions, and within each its
    speakers (django-nested-admin), so nothing typed is lost between pages."""

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
        "publications",
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
                    "time_zone",
                    "presidency",
                ]
            },
        ),
        (_("Content"), {"fields": ["summary", "description", "participants"]}),
        (
            _("Links"),
            {"fields": ["organisers", "co_organisers", "projects", "publications", "topics"]},
        ),
    ]


@admin.register(MeetingSession)
class MeetingSessionAdmin(nested_admin.NestedModelAdminMixin, PortalAdmin):
    list_display = ["title", "meeting", "kind", "date", "start_time"]
    list_filter = ["kind"]
    list_select_related = ["meeting"]
    search_fields = ["title", "meeting__title"]
    autocomplete_fields = ["meeting"]
    inlines = [PresentationInline]

    def view_on_site(self, obj):
        return obj.meeting.get_absolute_url()
