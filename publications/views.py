from django.shortcuts import get_object_or_404
from django.views.generic import DetailView

from carportal.models import Publishable
from carportal.pdf import pdf_response
from carportal.pdf_jobs import job_query, large_pdf_response
from carportal.views import (
    DraftPreviewMixin,
    PublicListView,
    attachment_response,
    back_to_list_if_invalid,
)
from publications.filters import PublicationFilter
from publications.models import Edition, Publication
from publications.pdf import catalogue, catalogue_filterset


class PublicationListView(PublicListView):
    filterset_class = PublicationFilter
    template_name = "publications/publication_list.html"
    context_object_name = "publications"

    def get_queryset(self):
        return Publication.objects.published().for_list()


class PublicationDetailView(DraftPreviewMixin, DetailView):
    model = Publication
    template_name = "publications/publication_detail.html"
    context_object_name = "publication"


def edition_download(request, slug, language):
    edition = get_object_or_404(
        Edition,
        publication__slug=slug,
        publication__status=Publishable.Status.PUBLISHED,
        language=language,
    )
    return attachment_response(edition, download="download" in request.GET)


def publication_catalogue_pdf(request):
    """The list's publications, every one of them, as a PDF catalogue.

    The same FilterSet reads the same query string, so a filtered list prints as itself.
    An invalid filter sends the visitor to the list page, which shows the error beside the
    field, rather than printing an empty catalogue. A long catalogue is made by a task.
    """
    filterset = catalogue_filterset(request.GET)
    if invalid := back_to_list_if_invalid(request, filterset, "publications:list"):
        return invalid
    params = job_query(request.GET, filterset.filters)
    return large_pdf_response(
        request, "catalogue", params, rows=filterset.qs.count()
    ) or pdf_response(request, catalogue(filterset))
