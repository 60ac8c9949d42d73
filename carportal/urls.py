from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

import carportal.converters  # noqa: F401 - registers the converters the routes name
from carportal import views, views_admin
from carportal.models import Page
from carportal.sitemaps import sitemaps

admin.site.site_header = _("CAR Portal administration")
admin.site.site_title = _("CAR Portal")
admin.site.index_title = _("Content and network")

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("about/", views.PageView.as_view(), {"slug": Page.Slug.ABOUT}, name="about"),
    path("contact/", views.PageView.as_view(), {"slug": Page.Slug.CONTACT}, name="contact"),
    path("", include("meetings.urls")),
    path("", include("projects.urls")),
    path("", include("publications.urls")),
    path("", include("network.urls")),
    path("health/", views.health, name="health"),
    # An index of the sections, each in pages (carportal/sitemaps.py).
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": sitemaps, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<slugfield:section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": sitemaps},
        name="sitemap_section",
    ),
    # Large PDFs made by a task (carportal/pdf_jobs.py): a signed token names each.
    path("pdf/<str:token>/", views.pdf_job, name="pdf_job"),
    path("pdf/<str:token>/download/", views.pdf_job_download, name="pdf_job_download"),
    # Before the admin's own URLs, whose catch-all would answer first.
    path(f"{settings.MEDIA_URL.strip('/')}/<path:name>", views_admin.staff_file, name="staff_file"),
    path("admin/", admin.site.urls),
]
