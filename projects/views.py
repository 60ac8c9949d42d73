from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView

from carportal.pdf import rows_pdf_response
from carportal.views import DraftPreviewMixin, PublicListView
from projects.filters import ProjectFilter
from projects.models import Project
from publications.models import Publication


class ProjectListView(PublicListView):
    filterset_class = ProjectFilter
    template_name = "projects/project_list.html"
    context_object_name = "projects"

    def get_queryset(self):
        return Project.objects.published().for_list()


class ProjectDetailView(DraftPreviewMixin, DetailView):
    model = Project
    template_name = "projects/project_detail.html"
    context_object_name = "project"

    def get_context_data(self, **kwargs):
        # A parent project's page gathers its phases' publications, as its list filter does.
        return super().get_context_data(
            family_publications=Publication.objects.published()
            .for_list()
            .filter(Q(project=self.object) | Q(project__parent=self.object))
            .newest_first(),
            **kwargs,
        )


def factsheet_pdf(request, projects):
    """The factsheets of `projects` (rows of `Project.objects.for_detail()`) as one PDF."""
    return rows_pdf_response(
        request,
        "pdf/project_factsheet.html",
        projects,
        kind="factsheet",
        context=lambda project: {"project": project},
    )


def project_factsheet_pdf(request, slug):
    return factsheet_pdf(request, [get_object_or_404(Project.objects.for_detail(), slug=slug)])
