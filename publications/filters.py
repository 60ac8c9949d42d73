import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from carportal.filters import SlugChoiceFilter, YearFilter, in_use, topic_filter, values_in_use
from carportal.models import Language
from carportal.search import matching, parse, search_terms
from projects.models import Project
from publications.models import Edition, Publication


class PublicationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.ChoiceFilter(
        label=_("Kind"),
        choices=values_in_use(Publication.Kind.choices, Publication.objects.published(), "kind"),
        empty_label=_("Any"),
    )
    language = django_filters.ChoiceFilter(
        label=_("Language"),
        choices=values_in_use(
            Language.choices, Publication.objects.published(), "editions__language"
        ),
        empty_label=_("Any"),
        method="filter_language",
    )
    year = YearFilter(field_name="published_on")
    project = SlugChoiceFilter(
        label=_("Project"),
        # What an option shows, not whole rows: there may be a thousand projects.
        queryset=in_use(
            Project.objects.published().only("slug", "acronym", "title"),
            Publication.objects.published(),
            "project",
        ),
    )
    topic = topic_filter(Publication.objects.published())

    class Meta:
        model = Publication
        fields = []

    @property
    def searched(self):
        """The search as run, so the page can say when part of a long query was dropped."""
        return search_terms(self.form.cleaned_data["q"] if self.is_valid() else "")

    def filter_language(self, queryset, name, value):
        # EXISTS rather than a join, which repeats a publication for each matching edition
        # and so needs a DISTINCT over whole rows to take the repeats out again.
        editions = Edition.objects.filter(publication=OuterRef("pk"), language=value)
        return queryset.filter(Exists(editions))

    def search(self, queryset, name, value):
        # The site search's engine and syntax, in the list's own order (newest first): the
        # list is a catalogue that the other filters narrow, /search/ is where rank orders.
        query = parse(value)
        return matching(queryset, query) if query.clauses else queryset
