from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from carportal.admin import PeriodAdminMixin, PortalForm, PublishableAdmin, TabularLabelsMixin
from carportal.pdf import pdf_admin_action
from carportal.spreadsheets import SpreadsheetAdminMixin
from projects.models import Project, ProjectFunding, ProjectPartner
from projects.resources import ProjectResource
from projects.views import factsheet_pdf


class ProjectPartnerInline(TabularLabelsMixin, admin.TabularInline):
    model = ProjectPartner
    form = PortalForm
    extra = 0
    autocomplete_fields = ["organisation"]


class ProjectFundingInline(TabularLabelsMixin, admin.TabularInline):
    model = ProjectFunding
    form = PortalForm
    extra = 0
    autocomplete_fields = ["funder"]


@admin.register(Project)
class ProjectAdmin(SpreadsheetAdminMixin, PeriodAdminMixin, PublishableAdmin):
    list_display = ["display_title", "status", "period"]
    list_filter = ["status", "topics", "countries"]
    search_fields = ["title", "acronym", "summary", "description"]
    date_hierarchy = "start_date"
    autocomplete_fields = ["parent", "topics", "countries"]
    prepopulated_fields = {"slug": ["acronym", "title"]}
    inlines = [ProjectPartnerInline, ProjectFundingInline]
    resource_classes = [ProjectResource]
    actions = [
        *PublishableAdmin.actions,
        pdf_admin_action(Project.objects.for_detail, factsheet_pdf),
    ]
    fieldsets = [
        (None, {"fields": ["title", "acronym", "slug", "status", "parent"]}),
        (
            _("Period"),
            {"fields": [("start_date", "start_precision"), ("end_date", "end_precision")]},
        ),
        (_("Content"), {"fields": ["summary", "description", "outcomes", "website"]}),
        (_("Contact"), {"fields": ["contact_role", "contact_email"]}),
        (_("Links"), {"fields": ["topics", "countries"]}),
    ]

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # "Phase of" offers first projects only: phases are one level deep (Project.clean).
        asked = request.GET
        if request.resolver_match.url_name == "autocomplete" and (
            asked.get("model_name"),
            asked.get("field_name"),
        ) == ("project", "parent"):
            queryset = queryset.filter(parent__isnull=True)
        return queryset, may_have_duplicates
