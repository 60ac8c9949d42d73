import django_filters
from django.db.models import Case, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carportal.filters import (
    Facet,
    FacetFilterSet,
    FacetPath,
    SlugChoiceFilter,
    YearFilter,
    country_filter,
    in_use,
    related_facet,
    topic_filter,
    values_in_use,
)
from carportal.models import Country, Topic
from meetings.models import Meeting, Presidency
from projects.filters import family_facet, project_filter


class MeetingFilter(FacetFilterSet):
    WHEN_CHOICES = [("upcoming", _("Upcoming")), ("past", _("Past"))]

    when = django_filters.ChoiceFilter(
        label=_("When"), choices=WHEN_CHOICES, method="filter_when", empty_label=_("Any time")
    )
    year = YearFilter(field_name="start_date")
    kind = django_filters.ChoiceFilter(
        label=_("Kind"),
        choices=values_in_use(Meeting.Kind.choices, Meeting.objects.published(), "kind"),
        empty_label=_("Any"),
    )
    country = country_filter(Meeting.objects.published())
    presidency = SlugChoiceFilter(
        label=_("Presidency"),
        queryset=in_use(
            Presidency.objects.published().only("slug", "name"),
            Meeting.objects.published(),
            "presidency",
        ),
    )
    project = project_filter(Meeting.objects.published(), field_name="projects")
    topic = topic_filter(Meeting.objects.published())

    class Meta:
        model = Meeting
        fields = []

    def get_facets(self):
        today = timezone.localdate()
        conditions = Meeting.objects.all()
        return {
            "when": Facet(
                FacetPath(
                    Case(
                        When(conditions.not_over_condition(today), then=Value("upcoming")),
                        When(conditions.over_condition(today), then=Value("past")),
                        default=None,
                    )
                ),
                labels=self.WHEN_CHOICES,
            ),
            "kind": Facet(FacetPath("kind"), labels=Meeting.Kind.choices),
            "country": related_facet("country", Country.objects.active(), key="code"),
            "presidency": related_facet("presidency", Presidency.objects.published()),
            "project": family_facet("projects"),
            "topic": related_facet("topics", Topic.objects.active()),
        }

    def filter_when(self, queryset, name, value):
        return queryset.upcoming() if value == "upcoming" else queryset.past()


class MeetingCalendarFilter(MeetingFilter):
    """The meeting list's filters, same names and values, for its calendar feeds.

    The list offers only values that have meetings; a feed takes any active topic and
    country, any published presidency and any kind, so that a calendar subscribed to before
    a presidency's or a topic's first meeting is published fills in when it is.
    """

    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Meeting.Kind.choices)
    country = SlugChoiceFilter(
        to_field_name="code", label=_("Country"), queryset=Country.objects.active()
    )
    presidency = SlugChoiceFilter(
        label=_("Presidency"), queryset=Presidency.objects.published().only("slug", "name")
    )
    topic = SlugChoiceFilter(field_name="topics", label=_("Topic"), queryset=Topic.objects.active())
