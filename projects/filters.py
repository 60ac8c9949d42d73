import django_filters
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import gettext_lazy as _

from carportal.filters import (
    Facet,
    FacetFilterSet,
    FacetPath,
    NamedRowFilter,
    country_filter,
    in_use,
    named,
    related_facet,
    topic_filter,
)
from carportal.models import Country, Organisation, Topic
from projects.models import Project


def project_filter(rows, field_name="project"):
    """The projects of `rows` (meetings, publications), typed by acronym; a parent project
    includes its phases, as `family_facet` counts them."""
    return NamedRowFilter(
        field_name=field_name,
        label=_("Project"),
        help_text=_("Its acronym; a project includes its later phases."),
        family=True,
        queryset=in_use(Project.objects.published(), rows, field_name, family=True),
        acronym="acronym",
        noun=_("project"),
    )


def family_facet(relation, one_project=False):
    """The projects of the rows, each counted with its phases: a parent project (PROTECT)
    gathers the rows of its phases (PROTECT II and III) too, as its filter does. A draft
    phase adds nothing to its parent.

    With `one_project`, `relation` is a foreign key: a row has one project, which is never
    its own phase (a constraint says so), so no row reaches a project along both paths.
    """
    published = Project.objects.published()
    return Facet(
        FacetPath(relation),
        FacetPath(f"{relation}__parent", where=Q(**{f"{relation}__in": published})),
        names=named(published, Coalesce(NullIf(F("acronym"), Value("")), "title")),
        disjoint=one_project,
    )


class ProjectFilter(FacetFilterSet):
    status = django_filters.ChoiceFilter(
        field_name="period_status",
        label=_("Status"),
        choices=Project.PeriodStatus.choices,
        empty_label=_("Any"),
    )
    topic = topic_filter(Project.objects.published())
    funder = NamedRowFilter(
        field_name="fundings__funder",
        label=_("Funder"),
        help_text=_("Its short name, such as “EC” for the European Commission."),
        queryset=in_use(
            Organisation.objects.active(), Project.objects.published(), "fundings__funder"
        ),
        acronym="short_name",
        noun=_("funder"),
    )
    country = country_filter(Project.objects.published(), "countries")

    facets = {
        "status": Facet(FacetPath("period_status"), labels=Project.PeriodStatus.choices),
        "topic": related_facet("topics", Topic.objects.active()),
        "funder": related_facet("fundings__funder", Organisation.objects.active(), distinct=True),
        "country": related_facet("countries", Country.objects.active(), key="code"),
    }

    class Meta:
        model = Project
        fields = []
