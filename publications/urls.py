from django.urls import path

import carportal.converters  # noqa: F401 - registers the converters the routes name
from publications import views
from publications.feeds import PublicationFeed

app_name = "publications"

urlpatterns = [
    path("publications/", views.PublicationListView.as_view(), name="list"),
    # Before the slug route, so no publication's slug can shadow these pages.
    path("publications/feed/", PublicationFeed(), name="feed"),
    path(
        "publications/catalogue.pdf",
        views.publication_catalogue_pdf,
        name="catalogue_pdf",
    ),
    path("publications/languages/", views.LanguageMatrixView.as_view(), name="languages"),
    path("publications/languages.csv", views.language_matrix_csv, name="languages_csv"),
    path("publications/<slugfield:slug>/", views.PublicationDetailView.as_view(), name="detail"),
    path(
        "publications/<slugfield:slug>/editions/<language:language>/",
        views.edition_download,
        name="edition",
    ),
]
