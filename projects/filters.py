import django_filters
from django.utils.translation import gettext_lazy as _

from carportal.filters import SlugChoiceFilter, country_filter, in_use, topic_filter
from carportal.models import Organisation
from projects.models import Project


class ProjectFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        field_name="period_status",
        label=_("Status"),
        choices=Project.PeriodStatus.choices,
        empty_label=_("Any"),
    )
    topic = topic_filter(Project.objects.published())
    funder = SlugChoiceFilter(
        field_name="fundings__funder",
        label=_("Funder"),
        queryset=in_use(
            Organisation.objects.active(), Project.objects.published(), "fundings__funder"
        ),
        distinct=True,
    )
    country = country_filter(Project.objects.published(), "countries")

    class Meta:
        model = Project
        fields = []
