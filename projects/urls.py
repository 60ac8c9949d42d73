from django.urls import path

from projects import views

app_name = "projects"

urlpatterns = [
    path("projects/", views.ProjectListView.as_view(), name="list"),
    path("projects/<slug:slug>/", views.ProjectDetailView.as_view(), name="detail"),
    path(
        "projects/<slug:slug>/factsheet.pdf",
        views.project_factsheet_pdf,
        name="factsheet_pdf",
    ),
]
