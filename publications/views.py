from django import forms
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import DetailView

from carportal.models import Publishable
from carportal.pdf import PDFDocument, pdf_response
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


class PublicationCatalogueView(PublicationListView):
    """The list's publications, every one of them, as a PDF catalogue.

    The same FilterSet reads the same query string, so a filtered list prints as itself.
    An invalid filter sends the visitor to the list page, which shows the error beside the
    field, rather than printing an empty catalogue.
    """

    paginate_by = None

    def render_to_response(self, context, **response_kwargs):
        if self.filterset.is_bound and not self.filterset.is_valid():
            return redirect(f"{reverse('publications:list')}?{self.request.GET.urlencode()}")
        context["applied_filters"] = applied_filters(self.filterset.form)
        return pdf_response(
            self.request,
            PDFDocument("pdf/publication_catalogue.html", [context], "publications.pdf"),
        )


def applied_filters(form):
    """(label, value shown) for each filter in use, as the catalogue's cover lists them."""
    shown = []
    # Without a query string the form is unbound: no filter is in use.
    for name, value in (form.cleaned_data if form.is_bound else {}).items():
        if value in (None, ""):
            continue
        field = form.fields[name]
        # A model choice is shown as its row; listing a model field's choices would query.
        if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            value = dict(field.choices).get(value, value)
        shown.append((field.label, value))
    return shown
