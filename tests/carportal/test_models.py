import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import translation

from carportal.dates import DatePrecision, format_date, format_period
from carportal.models import Country, Language
from projects.models import Project
from tests.carportal.factories import CountryFactory

pytestmark = pytest.mark.django_db


def test_country_code_must_be_lower_case_alpha2_in_forms_and_database():
    country = Country(code="FI", name="Finland")

    with pytest.raises(ValidationError) as error:
        country.full_clean()
    assert "lower case" in str(error.value)

    with pytest.raises(IntegrityError):
        Country.objects.create(code="F1", name="Nowhere")


def test_reference_data_is_retired_not_deleted():
    CountryFactory(code="ru", name="Russia", is_active=False)
    CountryFactory(code="fi", name="Finland")

    assert list(Country.objects.active().values_list("code", flat=True)) == ["fi"]


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (DatePrecision.YEAR, DatePrecision.YEAR, ("2014-01-01", "2015-12-31")),
        (DatePrecision.MONTH, DatePrecision.MONTH, ("2014-06-01", "2015-02-28")),
        (DatePrecision.DAY, DatePrecision.DAY, ("2014-06-18", "2015-02-03")),
    ],
)
def test_partial_dates_widen_to_the_period_they_stand_for(start, end, expected):
    project = Project(
        start_date=datetime.date(2014, 6, 18),
        start_precision=start,
        end_date=datetime.date(2015, 2, 3),
        end_precision=end,
    )

    project.clean()

    assert (project.start_date.isoformat(), project.end_date.isoformat()) == expected


@pytest.mark.parametrize(
    ("args", "text"),
    [
        ((datetime.date(2024, 2, 13), datetime.date(2024, 2, 14)), "13–14 February 2024"),
        (
            (datetime.date(2023, 11, 30), datetime.date(2023, 12, 1)),
            "30 November – 1 December 2023",
        ),
        ((datetime.date(2014, 1, 1), datetime.date(2015, 12, 31), "year", "year"), "2014 – 2015"),
        ((datetime.date(2016, 1, 1), datetime.date(2016, 12, 31), "year", "year"), "2016"),
        ((datetime.date(2024, 5, 13), None), "13 May 2024"),
        # Nothing known: pages leave the value out.
        ((None, None), ""),
    ],
)
def test_periods_read_naturally(args, text):
    assert format_period(*args) == text


TODAY = datetime.date(2026, 11, 24)


@pytest.mark.parametrize(
    ("args", "text"),
    [
        # Tense follows the date: an end in the past has happened, one to come has not.
        ((None, datetime.date(2013, 12, 31), "day", "year"), "Ended in 2013"),
        ((None, datetime.date(2024, 9, 17)), "Ended on 17 September 2024"),
        ((None, datetime.date(2030, 12, 31), "day", "year"), "Until 2030"),
        # A project without a recorded end is not said to be running still.
        ((datetime.date(2015, 1, 1), None, "year"), "Started in 2015"),
        ((datetime.date(2030, 3, 1), None), "From 1 March 2030"),
    ],
)
def test_an_open_period_reads_in_the_tense_of_its_dates(args, text):
    assert format_period(*args, open_ended=True, today=TODAY) == text


def test_partial_date_shows_only_what_is_known():
    day = datetime.date(2016, 12, 1)

    assert format_date(day, DatePrecision.MONTH) == "December 2016"
    assert format_date(day, DatePrecision.YEAR) == "2016"
    assert format_date(None) == ""


def test_a_language_is_named_in_the_language_of_the_interface_each_time():
    # The names are kept for each interface language: one looked up in English is not the
    # name given in Finnish.
    assert Language.label_of("sv") == "Swedish"
    with translation.override("fi"):
        assert Language.label_of("sv") == "ruotsi"
    assert Language.label_of("sv") == "Swedish"
    assert Language.label_of("xx") == "xx"  # not one of ours: the code as it is
