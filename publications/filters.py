import django_filters
from django.db.models import Exists, OuterRef
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from carportal.filters import (
    Facet,
    FacetFilterSet,
    FacetPath,
    YearFilter,
    language_facet,
    related_facet,
    topic_filter,
    values_in_use,
)
from carportal.models import Language, Topic
from carportal.search import matching, parse, search_terms
from projects.filters import family_facet, project_filter
from publications.models import Edition, Publication


class PublicationFilter(FacetFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.ChoiceFilter(
        label=_("Kind"),
        choices=values_in_use(Publication.Kind.choices, Publication.objects.published(), "kind"),
        empty_label=_("Any"),
    )
    language = django_filters.ChoiceFilter(
        label=_("Language"),
        choices=values_in_use(
            Language.native_choices(), Publication.objects.published(), "editions__language"
        ),
        empty_label=_("Any"),
        method="filter_language",
    )
    year = YearFilter(field_name="published_on")
    project = project_filter(Publication.objects.published())
    topic = topic_filter(Publication.objects.published())

    facets = {
        "kind": Facet(FacetPath("kind"), labels=Publication.Kind.choices),
        "language": language_facet(),
        "project": family_facet("project", one_project=True),
        "topic": related_facet("topics", Topic.objects.active()),
    }

    class Meta:
        model = Publication
        fields = []

    @property
    def searched(self):
        """The search as run, so the page can say when part of a long query was dropped."""
        return search_terms(self._q)

    @cached_property
    def query(self):
        """The search as parsed, to mark what it found (an edition's own title): read by
        each item of the page."""
        return parse(self._q)

    @property
    def _q(self):
        return self.form.cleaned_data["q"] if self.is_valid() else ""

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
