from collections import defaultdict

from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext
from django.views.generic import DetailView

from carportal.models import Publishable
from carportal.pdf import pdf_response
from carportal.pdf_jobs import job_query, large_pdf_response
from carportal.spreadsheets import csv_response
from carportal.views import (
    DraftPreviewMixin,
    PublicListView,
    attachment_response,
    back_to_list_if_invalid,
)
from publications.coverage import REGION_LANGUAGES, coverage_of
from publications.filters import PublicationFilter
from publications.models import Edition, Publication
from publications.pdf import catalogue, catalogue_filterset


class PublicationListView(PublicListView):
    filterset_class = PublicationFilter
    template_name = "publications/publication_list.html"
    context_object_name = "publications"

    def get_queryset(self):
        return Publication.objects.published().for_list()


class LanguageMatrixView(PublicationListView):
    """The list's works against the region's languages, so that staff see which translations
    are missing: the same filters and pages as the list, and how many of all the works the
    filters select have each language."""

    template_name = "publications/language_matrix.html"

    def get_queryset(self):
        return Publication.objects.published().for_coverage()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        totals = language_totals(self.object_list)
        context["region_languages"] = REGION_LANGUAGES
        context["totals"] = [totals.get(language, 0) for language in REGION_LANGUAGES]
        return context


def editions_of(publications):
    """The editions of `publications` (a queryset), unordered, read through a subquery."""
    return Edition.objects.filter(publication__in=publications.values("pk")).order_by()


def language_totals(publications):
    """How many of `publications` have an edition in each language, in one grouped query."""
    return dict(editions_of(publications).values_list("language").annotate(Count("pk")))


def language_matrix_csv(request):
    """The matrix of every work the filters select, one row each, as a spreadsheet.

    Twenty thousand works are two queries of plain values: the works' titles and addresses,
    and their editions' languages, rather than a model instance for each of 70,000 rows.
    """
    filterset = PublicationFilter(request.GET or None, queryset=Publication.objects.published())
    if invalid := back_to_list_if_invalid(request, filterset, "publications:languages"):
        return invalid
    languages = defaultdict(list)
    for publication, language in editions_of(filterset.qs).values_list("publication", "language"):
        languages[publication].append(language)
    header = [
        gettext("Title"),
        gettext("Address"),
        *(f"{language.label} ({language})" for language in REGION_LANGUAGES),
        gettext("Other languages"),
        gettext("Region languages available"),
    ]
    yes, no = gettext("yes"), gettext("no")
    # A work's page is /publications/<slug>/ (a public URL contract): built here rather than
    # reversed for each of thousands of rows.
    address = request.build_absolute_uri(reverse("publications:list"))

    def row(pk, title, slug):
        coverage = coverage_of(languages[pk])
        return [
            title,
            f"{address}{slug}/",
            *(yes if available else no for _, available in coverage.cells),
            " ".join(coverage.others),
            coverage.region_count,
        ]

    works = filterset.qs.values_list("pk", "title", "slug")
    return csv_response(
        (row(*work) for work in works), header=header, filename="publication-languages.csv"
    )


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
