from django.shortcuts import get_object_or_404
from django.views.generic import DetailView

from carportal.models import Publishable
from carportal.views import PublicListView, attachment_response
from publications.filters import PublicationFilter
from publications.models import Edition, Publication


class PublicationListView(PublicListView):
    filterset_class = PublicationFilter
    template_name = "publications/publication_list.html"
    context_object_name = "publications"

    def get_queryset(self):
        return Publication.objects.published().for_list()


class PublicationDetailView(DetailView):
    template_name = "publications/publication_detail.html"
    context_object_name = "publication"

    def get_queryset(self):
        return Publication.objects.for_detail()


def edition_download(request, slug, language):
    edition = get_object_or_404(
        Edition,
        publication__slug=slug,
        publication__status=Publishable.Status.PUBLISHED,
        language=language,
    )
    return attachment_response(edition)
