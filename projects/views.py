from django.views.generic import DetailView

from carportal.views import PublicListView
from projects.filters import ProjectFilter
from projects.models import Project


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
        return Project.objects.for_detail()
