"""Partial dates have one home: a period known to a month or a year lasts the whole of it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from carportal.dates import DatePrecision
from meetings.models import Meeting, MeetingSession
from projects.models import Project
from tests.meetings.factories import MeetingFactory
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db

JUNE_2026 = datetime.date(2026, 6, 1)


@pytest.mark.parametrize(
    ("precision", "still_upcoming_on", "past_on"),
    [
        (DatePrecision.MONTH, datetime.date(2026, 6, 30), datetime.date(2026, 7, 1)),
        (DatePrecision.YEAR, datetime.date(2026, 12, 31), datetime.date(2027, 1, 1)),
    ],
)
def test_a_meeting_known_by_month_or_year_is_upcoming_until_it_ends(
    precision, still_upcoming_on, past_on
):
    meeting = MeetingFactory(start_date=JUNE_2026, start_precision=precision, end_date=None)

    assert list(Meeting.objects.upcoming(datetime.date(2026, 6, 2))) == [meeting]
    assert list(Meeting.objects.upcoming(still_upcoming_on)) == [meeting]
    assert not Meeting.objects.past(still_upcoming_on).exists()
    assert list(Meeting.objects.past(past_on)) == [meeting]
    assert not Meeting.objects.upcoming(past_on).exists()


def test_a_meeting_known_by_this_month_is_listed_as_upcoming(client):
    this_month = datetime.date.today().replace(day=1)
    MeetingFactory(
        title="This month's meeting",
        start_date=this_month,
        start_precision=DatePrecision.MONTH,
        end_date=None,
    )

    upcoming = client.get(reverse("meetings:list") + "?when=upcoming").content.decode()
    past = client.get(reverse("meetings:list") + "?when=past").content.decode()

    assert "This month&#x27;s meeting" in upcoming
    assert "This month&#x27;s meeting" not in past


def test_undated_meetings_are_neither_upcoming_nor_past():
    MeetingFactory(start_date=None, end_date=None)

    assert not Meeting.objects.upcoming().exists()
    assert not Meeting.objects.past().exists()


@pytest.mark.parametrize(
    ("fields", "today", "status"),
    [
        # Stored on any day of its year, an end known as "2026" is not over in November 2026.
        (
            {"start_date": datetime.date(2024, 1, 1), "end_date": datetime.date(2026, 1, 1)},
            datetime.date(2026, 11, 24),
            Project.PeriodStatus.ONGOING,
        ),
        # A start known as "December 2026" has begun on 5 December.
        (
            {"start_date": datetime.date(2026, 12, 15), "end_date": datetime.date(2027, 5, 31)},
            datetime.date(2026, 12, 5),
            Project.PeriodStatus.ONGOING,
        ),
        (
            {"start_date": datetime.date(2026, 12, 15), "end_date": datetime.date(2027, 5, 31)},
            datetime.date(2026, 11, 30),
            Project.PeriodStatus.PLANNED,
        ),
        (
            {"start_date": datetime.date(2024, 1, 1), "end_date": datetime.date(2025, 3, 3)},
            datetime.date(2026, 1, 1),
            Project.PeriodStatus.CONCLUDED,
        ),
    ],
)
def test_project_status_reads_partial_dates_by_the_same_rule(fields, today, status):
    precision = {"start_precision": DatePrecision.MONTH, "end_precision": DatePrecision.YEAR}
    ProjectFactory(**fields, **precision)

    assert Project.objects.with_period_status(today).get().period_status == status


def test_a_planned_project_reads_from_its_start_and_a_started_one_when_it_started(client):
    ProjectFactory(title="Planned", start_date=datetime.date(2030, 3, 1), end_date=None)
    ProjectFactory(title="Started", start_date=datetime.date(2019, 1, 1), end_date=None)

    html = client.get(reverse("projects:list")).content.decode()

    assert "From 1 March 2030" in html
    assert "Started on 1 March 2030" not in html
    # Not "Since": nobody recorded whether it still runs.
    assert "Started on 1 January 2019" in html


def test_a_session_ending_before_it_starts_is_told_about_times():
    meeting = MeetingFactory()
    session = MeetingSession(
        meeting=meeting,
        title="Opening",
        start_time=datetime.time(10),
        end_time=datetime.time(9),
    )

    with pytest.raises(ValidationError) as error:
        session.full_clean()

    assert "end time must not be before the start time" in str(error.value)
    assert "date" not in str(error.value)


def test_an_end_before_the_start_is_reported_at_the_end_date():
    meeting = Meeting(
        title="Backwards",
        slug="backwards",
        kind=Meeting.Kind.SEMINAR,
        summary="x",
        start_date=datetime.date(2026, 6, 10),
        end_date=datetime.date(2026, 6, 9),
    )

    with pytest.raises(ValidationError) as error:
        meeting.full_clean()

    assert list(error.value.message_dict) == ["end_date"]
