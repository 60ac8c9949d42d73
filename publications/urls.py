from django.urls import path

import carportal.converters  # noqa: F401 - registers the converters the routes name
from publications import views

app_name = "publications"

urlpatterns = [
    path("publications/", views.PublicationListView.as_view(), name="list"),
    path("publications/<slugfield:slug>/", views.PublicationDetailView.as_view(), name="detail"),
    path(
        "publications/<slugfield:slug>/editions/<language:language>/",
        views.edition_download,
        name="edition",
    ),
]
