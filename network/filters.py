import django_filters
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from carportal.filters import ListFilterSet, SlugChoiceFilter, in_use
from carportal.models import Language, Topic
from network.models import ContactPoint


def _countries_in_use():
    used = set(
        ContactPoint.objects.approved().order_by().values_list("country", flat=True).distinct()
    )
    return [(code, name) for code, name in countries if code in used]


class DirectoryFilter(ListFilterSet):
    country = django_filters.ChoiceFilter(
        label=_("Country"), choices=_countries_in_use, empty_label=_("Any")
    )
    profession = django_filters.ChoiceFilter(
        label=_("Profession or sector"),
        choices=ContactPoint.Profession.choices,
        empty_label=_("Any"),
    )
    expertise = SlugChoiceFilter(
        label=_("Area of expertise"),
        queryset=in_use(Topic.objects.active(), ContactPoint.objects.approved(), "expertise"),
    )
    language = django_filters.ChoiceFilter(
        field_name="languages__language",
        label=_("Language"),
        choices=Language.choices,
        empty_label=_("Any"),
        distinct=True,
    )

    class Meta:
        model = ContactPoint
        fields = []

    def option_labels(self, name):
        # A country chosen is named without asking again which countries have members.
        return dict(countries) if name == "country" else super().option_labels(name)
