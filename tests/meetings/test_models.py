import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from meetings.models import Meeting, Presidency
from tests.carportal.factories import CountryFactory
from tests.meetings.factories import MeetingFactory, PresidencyFactory

pytestmark = pytest.mark.django_db


def test_a_meeting_cannot_end_before_it_starts_in_forms_and_database():
    meeting = MeetingFactory.build(
        start_date=datetime.date(2024, 2, 14),
        end_date=datetime.date(2024, 2, 13),
        country=CountryFactory(),
    )

    with pytest.raises(ValidationError) as error:
        meeting.full_clean()
    assert "end date must not be before the start date" in str(error.value)

    with pytest.raises(IntegrityError):
        meeting.save()


def test_overlapping_presidencies_are_refused_with_a_clear_message():
    PresidencyFactory(
        name="Finnish Presidency 2023-2024",
        start_date=datetime.date(2023, 7, 1),
        end_date=datetime.date(2024, 6, 30),
    )
    clash = PresidencyFactory.build(
        start_date=datetime.date(2024, 6, 1),
        end_date=datetime.date(2025, 5, 31),
        country=CountryFactory(),
    )
    follower = PresidencyFactory.build(
        start_date=datetime.date(2024, 7, 1),
        end_date=datetime.date(2025, 6, 30),
        country=CountryFactory(),
    )

    with pytest.raises(ValidationError) as error:
        clash.full_clean()
    assert "overlap the Finnish Presidency 2023-2024" in str(error.value)
    follower.full_clean()


def test_an_edited_presidency_does_not_clash_with_itself():
    presidency = PresidencyFactory()
    presidency.summary = "Edited"

    presidency.full_clean()


@pytest.mark.postgresql
def test_postgresql_refuses_overlapping_presidencies_itself():
    PresidencyFactory(start_date=datetime.date(2023, 7, 1), end_date=datetime.date(2024, 6, 30))

    with pytest.raises(IntegrityError), transaction.atomic():
        PresidencyFactory(
            start_date=datetime.date(2024, 6, 30), end_date=datetime.date(2025, 6, 29)
        )
    PresidencyFactory(start_date=datetime.date(2024, 7, 1), end_date=datetime.date(2025, 6, 30))
    assert Presidency.objects.count() == 2


def test_upcoming_includes_a_meeting_still_running_today():
    today = datetime.date.today()
    running = MeetingFactory(start_date=today - datetime.timedelta(days=1), end_date=today)
    past = MeetingFactory(
        start_date=today - datetime.timedelta(days=3), end_date=today - datetime.timedelta(days=2)
    )

    assert list(Meeting.objects.upcoming()) == [running]
    assert list(Meeting.objects.past()) == [past]
