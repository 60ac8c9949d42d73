"""The publications catalogue: the list's publications, filtered alike, as one PDF."""

from carportal.pdf import PDFDocument, applied_filters
from publications.filters import PublicationFilter
from publications.models import Publication


def catalogue_filterset(params):
    """The list's FilterSet over `params` (a QueryDict), unbound when there are none."""
    return PublicationFilter(params or None, queryset=Publication.objects.published().for_list())


def catalogue(filterset):
    """The catalogue of what a valid `filterset` selects, in the list's order."""
    return PDFDocument(
        "pdf/publication_catalogue.html",
        [{"publications": filterset.qs, "applied_filters": applied_filters(filterset.form)}],
        "publications.pdf",
    )


def catalogue_document(params):
    """The catalogue of a job's query string, which was valid when the job was started."""
    return catalogue(catalogue_filterset(params))
