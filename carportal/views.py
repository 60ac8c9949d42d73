import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import FileResponse, Http404, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView
from django_filters.views import FilterView

from meetings.models import Meeting, Presidency
from projects.models import Project
from publications.models import Publication

logger = logging.getLogger(__name__)


class PublicListView(FilterView):
    """A public list: one FilterSet reads the query string; paging keeps the filters.

    An invalid filter value (``?year=abc``) shows the page with the field's error and no
    results, rather than silently ignoring what the visitor asked for.
    """

    paginate_by = settings.PAGINATE_BY

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_filtered"] = any(
            value for name, value in self.request.GET.items() if name != "page"
        )
        if context["is_paginated"]:
            page = context["page_obj"]
            context["page_range"] = page.paginator.get_elided_page_range(
                page.number, on_each_side=2, on_ends=1
            )
        return context


class HomeView(TemplateView):
    template_name = "carportal/home.html"

    def get_context_data(self, **kwargs):
        meetings = Meeting.objects.published().for_list()
        return super().get_context_data(
            presidency=Presidency.objects.published().current_or_latest(),
            upcoming_meetings=meetings.upcoming()[:3],
            recent_meetings=meetings.past()[:3],
            publications=Publication.objects.published().for_list()[:4],
            projects=Project.objects.published().ongoing().for_list()[:6],
            **kwargs,
        )


def attachment_response(attachment):
    """Serve a published file through the application, so a draft's files stay private.

    A file missing from storage (lost in a restore, deleted by hand) is not found for the
    visitor and logged for staff to upload it again.
    """
    try:
        file = attachment.file.open("rb")
    except FileNotFoundError:
        logger.warning(
            "The file of %s %s is missing from storage: %s",
            attachment._meta.label,
            attachment.pk,
            attachment.file.name,
        )
        raise Http404 from None
    return FileResponse(
        file,
        filename=attachment.file.name.rsplit("/", 1)[-1],
        as_attachment=True,
    )


@never_cache
def health(request):
    """For load balancers and docker-compose: the database and the cache answer."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:  # noqa: BLE001 - any failure means unhealthy
        logger.exception("Health check: the database does not answer")
        checks["database"] = "error"
    try:
        cache.set("health-check", "ok", 10)
        checks["cache"] = "ok" if cache.get("health-check") == "ok" else "error"
    except Exception:  # noqa: BLE001
        logger.exception("Health check: the cache does not answer")
        checks["cache"] = "error"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )
