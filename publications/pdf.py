"""The publications catalogue: the list's publications, filtered alike, as one PDF."""

from django import forms

from carportal.pdf import PDFDocument
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
