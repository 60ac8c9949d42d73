import logging

from django.conf import settings
from django.db import transaction
from django.http import FileResponse, Http404, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView
from django_filters.views import FilterView

from carportal.health import service_status
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
        # Only the list's own filters count: not `page`, nor a tracking tag such as utm_source.
        context["is_filtered"] = any(self.request.GET.get(name) for name in self.filterset.filters)
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
@transaction.non_atomic_requests
def health(request):
    """For load balancers and docker-compose: 503 only when the database is down.

    Outside the request transaction (ATOMIC_REQUESTS): opening it with the database down
    would fail before the view could say so.
    """
    status = service_status()
    return JsonResponse(status, status=503 if status["status"] == "error" else 200)
