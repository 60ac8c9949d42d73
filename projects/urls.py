from django.urls import path

import carportal.converters  # noqa: F401 - registers the converters the routes name
from projects import views
from projects.feeds import ProjectFeed

app_name = "projects"

urlpatterns = [
    path("projects/", views.ProjectListView.as_view(), name="list"),
    # Before the slug route, which would take "feed" for a slug.
    path("projects/feed/", ProjectFeed(), name="feed"),
    path("projects/<slugfield:slug>/", views.ProjectDetailView.as_view(), name="detail"),
    path(
        "projects/<slugfield:slug>/factsheet.pdf",
        views.project_factsheet_pdf,
        name="factsheet_pdf",
    ),
]
