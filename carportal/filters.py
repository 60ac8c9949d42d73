import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from carportal.models import Country, Topic


class SlugChoiceFilter(django_filters.ModelChoiceFilter):
    """A choice of a related row by its public key (slug or code), as the URL contract says."""

    def __init__(self, *args, to_field_name="slug", **kwargs):
        kwargs.setdefault("empty_label", _("Any"))
        super().__init__(*args, to_field_name=to_field_name, **kwargs)


def topic_filter(field_name="topics"):
    return SlugChoiceFilter(
        field_name=field_name, label=_("Topic"), queryset=Topic.objects.active()
    )


def country_filter(field_name="country"):
    return SlugChoiceFilter(
        field_name=field_name,
        to_field_name="code",
        label=_("Country"),
        queryset=Country.objects.all(),
    )


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Year"))
        kwargs.setdefault("lookup_expr", "year")
        super().__init__(*args, min_value=1900, max_value=2100, **kwargs)
