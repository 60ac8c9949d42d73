"""Meetings in and out of spreadsheets (the admin's import and export): their dates, place,
presidency, organisers, projects and topics; the programme and documents are edited in the
admin (carportal/resources.py says how rows are identified)."""

from django.utils.translation import gettext_lazy as _
from import_export.fields import Field

from carportal.bulk_import import RelatedRowsField
from carportal.resources import (
    ContentResource,
    country_field,
    organisations,
    slug_field,
    status_field,
    topics_field,
)
from carportal.spreadsheets import (
    CodeWidget,
    CountWidget,
    NaturalKeyWidget,
    PartialDateField,
    TextWidget,
    TimeZoneWidget,
    one_of,
)
from meetings.models import Meeting, Presidency
from projects.resources import projects_widget


def organisers_field(attribute, column_name):
    return RelatedRowsField.many_to_many(
        Meeting, attribute, column_name, widget=organisations(), key="name"
    )


class MeetingResource(ContentResource):
    prefetch = ["country", "presidency", "organisers", "co_organisers", "projects", "topics"]

    slug = slug_field()
    title = Field("title", "Title", widget=TextWidget())
    kind = Field(
        "kind", "Kind", widget=CodeWidget(Meeting.Kind.values, hint=one_of(Meeting.Kind.values))
    )
    status = status_field()
    start = PartialDateField("start_date", "Start", precision="start_precision")
    end = PartialDateField("end_date", "End", precision="end_precision")
    city = Field("city", "City", widget=TextWidget())
    country = country_field()
    time_zone = Field("time_zone", "Time zone", widget=TimeZoneWidget())
    presidency = Field(
        "presidency",
        "Presidency",
        widget=NaturalKeyWidget(
            Presidency,
            names=("name",),
            hint=_("use the slug or name of a presidency, such as finland-2023-2024."),
        ),
    )
    organisers = organisers_field("organisers", "Organisers")
    co_organisers = organisers_field("co_organisers", "Co-organisers")
    projects = RelatedRowsField.many_to_many(
        Meeting, "projects", "Projects", widget=projects_widget(), key="slug"
    )
    topics = topics_field(Meeting)
    summary = Field("summary", "Summary", widget=TextWidget())
    description = Field("description", "Description", widget=TextWidget())
    participants = Field("participants", "Participants", widget=CountWidget())

    class Meta:
        model = Meeting
        fields = [
            "slug",
            "title",
            "kind",
            "status",
            "start",
            "end",
            "city",
            "country",
            "time_zone",
            "presidency",
            "organisers",
            "co_organisers",
            "projects",
            "topics",
            "summary",
            "description",
            "participants",
        ]
        clean_model_instances = True
