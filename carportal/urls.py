from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

import carportal.converters  # noqa: F401 - registers the converters the routes name
from carportal import views, views_admin

admin.site.site_header = _("CAR Portal administration")
admin.site.site_title = _("CAR Portal")
admin.site.index_title = _("Content and network")

urlpatterns = [
    # The site-wide pages (home, about, contact, health, sitemap), above the content apps.
    path("", include("carportal.site.urls")),
    path("", include("meetings.urls")),
    path("", include("projects.urls")),
    path("", include("publications.urls")),
    path("", include("network.urls")),
    # Large PDFs made by a task (carportal/pdf_jobs.py): a signed token names each.
    path("pdf/<str:token>/", views.pdf_job, name="pdf_job"),
    path("pdf/<str:token>/download/", views.pdf_job_download, name="pdf_job_download"),
    # Before the admin's own URLs, whose catch-all would answer first.
    path(f"{settings.MEDIA_URL.strip('/')}/<path:name>", views_admin.staff_file, name="staff_file"),
    path("admin/", admin.site.urls),
]
