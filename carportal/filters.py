import django_filters
from django import forms
from django.db.models import Exists
from django.utils.translation import gettext_lazy as _

from carportal.models import Country, Topic


class SlugChoiceFilter(django_filters.ModelChoiceFilter):
    """A choice of a related row by its public key (slug or code), as the URL contract says."""

    def __init__(self, *args, to_field_name="slug", **kwargs):
        kwargs.setdefault("empty_label", _("Any"))
        super().__init__(*args, to_field_name=to_field_name, **kwargs)


def in_use(choices, rows, relation):
    """The `choices` that at least one of `rows` (published) has through `relation`.

    A filter offers, and accepts, only values that give results: a retired topic or a funder
    of draft projects only is neither offered nor linked.
    """
    return choices.filter(pk__in=rows.values(relation))


def values_in_use(choices, rows, field):
    """Like `in_use`, for fixed `choices` (kinds, languages), read afresh for every request.

    One query asks, for each choice, whether a row has it (EXISTS, which stops at the first
    row an index finds), rather than reading the distinct values of every row.
    """

    def current():
        probes = {
            f"choice_{number}": Exists(rows.filter(**{field: value}))
            for number, (value, _label) in enumerate(choices)
        }
        # Any one row of the table carries the answers; an empty table has no value in use.
        found = rows.model.objects.order_by().values(**probes).first() or {}
        return [choice for number, choice in enumerate(choices) if found.get(f"choice_{number}")]

    return current


def topic_filter(rows, field_name="topics"):
    return SlugChoiceFilter(
        field_name=field_name,
        label=_("Topic"),
        queryset=in_use(Topic.objects.active(), rows, field_name),
    )


def country_filter(rows, field_name="country"):
    return SlugChoiceFilter(
        field_name=field_name,
        to_field_name="code",
        label=_("Country"),
        queryset=in_use(Country.objects.active(), rows, field_name),
    )


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Year"))
        kwargs.setdefault("lookup_expr", "year")
        # A text box, so that an invalid value ("abc") is shown back as typed, beside its
        # error; a number input cannot hold it.
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric"}))
        super().__init__(*args, min_value=1900, max_value=2100, **kwargs)
