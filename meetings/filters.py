import django_filters
from django.utils.translation import gettext_lazy as _

from carportal.filters import (
    SlugChoiceFilter,
    YearFilter,
    country_filter,
    in_use,
    topic_filter,
    values_in_use,
)
from carportal.models import Country, Topic
from meetings.models import Meeting, Presidency


class MeetingFilter(django_filters.FilterSet):
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
    topic = topic_filter(Meeting.objects.published())

    class Meta:
        model = Meeting
        fields = []

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
