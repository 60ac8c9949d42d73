from django.db.models import Prefetch
from django.views.generic import DetailView

from carportal.views import PublicListView
from meetings.models import Meeting
from projects.filters import ProjectFilter
from projects.models import Project, ProjectFunding, ProjectPartner
from publications.models import Publication


class ProjectListView(PublicListView):
    filterset_class = ProjectFilter
    template_name = "projects/project_list.html"
    context_object_name = "projects"

    def get_queryset(self):
        return Project.objects.published().for_list()


class ProjectDetailView(DetailView):
    template_name = "projects/project_detail.html"
    context_object_name = "project"

    def get_queryset(self):
        published = Project.objects.published()
        return (
            published.with_period_status()
            .select_related("parent")
            .prefetch_related(
                "topics",
                "countries",
                Prefetch(
                    "partnerships",
                    queryset=ProjectPartner.objects.select_related(
                        "organisation", "organisation__country"
                    ),
                ),
                Prefetch("fundings", queryset=ProjectFunding.objects.select_related("funder")),
                Prefetch("phases", queryset=published),
                Prefetch("meetings", queryset=Meeting.objects.published().for_list()),
                Prefetch("publications", queryset=Publication.objects.published().for_list()),
            )
        )
