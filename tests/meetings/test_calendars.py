"""Meetings as calendar files: each meeting's .ics and the list's feeds, read back with the
`icalendar` library as a calendar app would."""

import datetime
import importlib
import zoneinfo

import icalendar
import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from carportal.dates import DatePrecision
from carportal.models import Country
from meetings.models import Meeting
from tests.carportal.factories import CountryFactory, TopicFactory
from tests.meetings.factories import MeetingFactory, MeetingSessionFactory, PresidencyFactory

pytestmark = pytest.mark.django_db

FEED = reverse("meetings:calendar")
UTC = datetime.UTC


def meeting_file(meeting):
    return reverse("meetings:meeting_calendar", kwargs={"slug": meeting.slug})


def parse(response):
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Content-Disposition"].endswith('.ics"')
    return icalendar.Calendar.from_ical(response.content)


def summaries(calendar):
    return sorted(str(event["SUMMARY"]) for event in calendar.walk("VEVENT"))


@pytest.fixture
def lithuania():
    return CountryFactory(code="lt", name="Lithuania", time_zone="Europe/Vilnius")


def test_a_meeting_file_holds_the_meeting_as_all_day_events_with_its_page(client, lithuania):
    meeting = MeetingFactory(
        title="Expert Group meeting in Vilnius",
        city="Vilnius",
        country=lithuania,
        start_date=datetime.date(2026, 6, 9),
        end_date=datetime.date(2026, 6, 10),
        topics=[TopicFactory(name="Barnahus")],
    )

    calendar = parse(client.get(meeting_file(meeting)))

    assert calendar["PRODID"]
    [event] = calendar.events
    assert event["SUMMARY"] == "Expert Group meeting in Vilnius"
    assert event.start == datetime.date(2026, 6, 9)
    # All-day events end on the day after their last.
    assert event.end == datetime.date(2026, 6, 11)
    assert event["LOCATION"] == "Vilnius, Lithuania"
    assert event["URL"] == f"http://testserver{meeting.get_absolute_url()}"
    assert event["STATUS"] == "CONFIRMED"
    assert event.stamp.tzinfo is not None
    assert "Barnahus" in event.categories
    assert "/meetings/" in event["DESCRIPTION"]


def test_timed_sessions_are_separate_events_at_the_venues_time(client, lithuania):
    meeting = MeetingFactory(
        title="Vilnius conference",
        country=lithuania,
        start_date=datetime.date(2026, 6, 9),
        end_date=datetime.date(2026, 6, 10),
    )
    MeetingSessionFactory(
        meeting=meeting,
        title="Opening",
        date=datetime.date(2026, 6, 9),
        start_time=datetime.time(9, 0),
        end_time=datetime.time(10, 30),
    )
    # Without an end time a session lasts until the next one that day.
    MeetingSessionFactory(
        meeting=meeting,
        title="Barnahus in practice",
        date=datetime.date(2026, 6, 9),
        start_time=datetime.time(11, 0),
    )
    MeetingSessionFactory(
        meeting=meeting,
        title="Lunch talks",
        date=datetime.date(2026, 6, 9),
        start_time=datetime.time(13, 0),
    )
    MeetingSessionFactory(meeting=meeting, title="Untimed remarks")

    response = client.get(meeting_file(meeting))
    calendar = parse(response)

    events = {str(event["SUMMARY"]): event for event in calendar.events}
    assert sorted(events) == [
        "Barnahus in practice – Vilnius conference",
        "Lunch talks – Vilnius conference",
        "Opening – Vilnius conference",
    ]
    opening = events["Opening – Vilnius conference"]
    assert "TZID=Europe/Vilnius:20260609T090000" in opening.to_ical().decode()
    # 09:00 in Vilnius in June (summer time, UTC+3) is 06:00 UTC.
    assert opening.start.astimezone(UTC) == datetime.datetime(2026, 6, 9, 6, 0, tzinfo=UTC)
    assert opening.end.astimezone(UTC) == datetime.datetime(2026, 6, 9, 7, 30, tzinfo=UTC)
    practice = events["Barnahus in practice – Vilnius conference"]
    assert practice.end == datetime.datetime(2026, 6, 9, 13, 0, tzinfo=meeting.venue_time_zone)
    assert "DTEND" not in events["Lunch talks – Vilnius conference"]
    # The file carries the zone's rules, so that any client reads the times right.
    assert [zone.tz_name for zone in calendar.timezones] == ["Europe/Vilnius"]
    assert calendar.get_missing_tzids() == set()
    assert len({str(event["UID"]) for event in calendar.events}) == 3


def test_parallel_workshops_each_end_when_the_next_session_starts(client, lithuania):
    meeting = MeetingFactory(country=lithuania, start_date=datetime.date(2026, 6, 9), end_date=None)
    for title in ("Workshop A", "Workshop B"):
        MeetingSessionFactory(
            meeting=meeting,
            title=title,
            kind="parallel_workshop",
            start_time=datetime.time(11, 0),
        )
    MeetingSessionFactory(meeting=meeting, title="Plenary", start_time=datetime.time(13, 0))

    events = {
        str(event["SUMMARY"]).split(" – ")[0]: event
        for event in parse(client.get(meeting_file(meeting))).events
    }

    one_o_clock = datetime.datetime(2026, 6, 9, 13, 0, tzinfo=meeting.venue_time_zone)
    assert events["Workshop A"].end == events["Workshop B"].end == one_o_clock
    assert "DTEND" not in events["Plenary"]


def test_a_winter_meeting_in_vilnius_is_two_hours_ahead_of_utc(client, lithuania):
    meeting = MeetingFactory(
        country=lithuania, start_date=datetime.date(2026, 12, 3), end_date=None
    )
    MeetingSessionFactory(meeting=meeting, start_time=datetime.time(9, 0))

    [event] = parse(client.get(meeting_file(meeting))).events

    assert event.start.astimezone(UTC) == datetime.datetime(2026, 12, 3, 7, 0, tzinfo=UTC)


def test_a_one_day_meetings_sessions_take_its_day_and_its_own_time_zone(client, lithuania):
    # An online meeting of a Lithuanian ministry, whose programme is in Helsinki time.
    meeting = MeetingFactory(
        country=lithuania,
        time_zone="Europe/Helsinki",
        start_date=datetime.date(2026, 1, 15),
        end_date=None,
    )
    MeetingSessionFactory(meeting=meeting, start_time=datetime.time(9, 0))

    [event] = parse(client.get(meeting_file(meeting))).events

    # 09:00 in Helsinki in January (EET, UTC+2) is 07:00 UTC.
    assert event.start.astimezone(UTC) == datetime.datetime(2026, 1, 15, 7, 0, tzinfo=UTC)
    assert "TZID=Europe/Helsinki" in event.to_ical().decode()


def test_a_meeting_without_a_country_zone_is_in_the_secretariats_time(client):
    meeting = MeetingFactory(
        country=None,
        city="",
        kind=Meeting.Kind.WEBINAR,
        start_date=datetime.date(2026, 7, 1),
        end_date=None,
    )
    MeetingSessionFactory(meeting=meeting, start_time=datetime.time(10, 0))

    [event] = parse(client.get(meeting_file(meeting))).events

    assert event.start.astimezone(UTC) == datetime.datetime(2026, 7, 1, 8, 0, tzinfo=UTC)
    assert event["LOCATION"] == "Online"


def test_a_month_only_meeting_spans_its_month_as_provisional(client):
    meeting = MeetingFactory(
        title="Regional conference",
        start_date=datetime.date(2027, 2, 1),
        start_precision=DatePrecision.MONTH,
        end_date=None,
    )

    [event] = parse(client.get(meeting_file(meeting))).events

    assert event.start == datetime.date(2027, 2, 1)
    assert event.end == datetime.date(2027, 3, 1)
    assert event["STATUS"] == "TENTATIVE"
    assert "provisional" in event["SUMMARY"]
    assert "February 2027" in event["DESCRIPTION"]


def test_the_feed_leaves_undated_meetings_out_and_counts_them(client):
    MeetingFactory(title="Dated")
    MeetingFactory(title="Undated", start_date=None, end_date=None)
    MeetingFactory(
        title="Known by year", start_date=datetime.date(2016, 1, 1), start_precision="year"
    )
    MeetingFactory(title="Draft", draft=True)
    MeetingFactory(title="Undated draft", draft=True, start_date=None, end_date=None)

    response = client.get(FEED)
    calendar = parse(response)

    assert summaries(calendar) == ["Dated"]
    assert calendar["X-COMMENT"].startswith("2 meetings are not in this calendar")
    assert b"\r\nX-COMMENT:2 meetings" in response.content
    assert calendar["REFRESH-INTERVAL"]
    assert str(calendar["SOURCE"]) == f"http://testserver{FEED}"


def test_an_undated_meetings_page_offers_no_calendar_and_its_file_is_not_found(client):
    meeting = MeetingFactory(start_date=None, end_date=None)

    page = client.get(meeting.get_absolute_url()).content.decode()

    assert meeting_file(meeting) not in page
    assert client.get(meeting_file(meeting)).status_code == 404


def test_drafts_never_appear(client, admin_client):
    draft = MeetingFactory(title="Secret draft", draft=True)
    MeetingFactory(title="Published")

    # Not even for staff, who preview the draft's page.
    assert client.get(meeting_file(draft)).status_code == 404
    assert admin_client.get(meeting_file(draft)).status_code == 404
    preview = admin_client.get(draft.get_absolute_url()).content.decode()
    assert meeting_file(draft) not in preview
    assert summaries(parse(client.get(FEED))) == ["Published"]
    assert b"Secret draft" not in client.get(FEED).content


def test_a_meeting_page_offers_its_calendar_file(client):
    meeting = MeetingFactory()

    page = client.get(meeting.get_absolute_url()).content.decode()

    assert f'href="{meeting_file(meeting)}"' in page
    assert "Add to calendar" in page


def test_uids_stay_when_a_meeting_changes_and_differ_between_meetings(client):
    meeting = MeetingFactory()
    other = MeetingFactory()
    before = parse(client.get(meeting_file(meeting))).events[0]["UID"]

    meeting.title = "Renamed"
    meeting.slug = "renamed"
    meeting.start_date = meeting.end_date = datetime.date(2025, 3, 3)
    meeting.save()

    assert parse(client.get(meeting_file(meeting))).events[0]["UID"] == before
    assert parse(client.get(meeting_file(other))).events[0]["UID"] != before


@pytest.fixture
def filtered_meetings():
    barnahus = TopicFactory(slug="barnahus", name="Barnahus")
    presidency = PresidencyFactory(slug="lithuania-2025-2026", name="Lithuanian Presidency")
    MeetingFactory(title="On Barnahus", topics=[barnahus])
    MeetingFactory(title="Of the presidency", presidency=presidency)
    MeetingFactory(title="Other")
    return barnahus, presidency


@pytest.mark.parametrize(
    ("query", "expected", "name"),
    [
        ("", ["Of the presidency", "On Barnahus", "Other"], None),
        ("?topic=barnahus", ["On Barnahus"], "Barnahus"),
        ("?presidency=lithuania-2025-2026", ["Of the presidency"], "Lithuanian Presidency"),
        ("?topic=barnahus&presidency=lithuania-2025-2026", [], "Barnahus"),
        ("?topic=&kind=&page=3", ["Of the presidency", "On Barnahus", "Other"], None),
    ],
)
def test_the_feed_takes_the_lists_filters(client, filtered_meetings, query, expected, name):
    calendar = parse(client.get(f"{FEED}{query}"))

    assert summaries(calendar) == expected
    calendar_name = str(calendar["X-WR-CALNAME"])
    base = "Meetings of the Expert Group on Children at Risk"
    if name:
        assert calendar_name.startswith(f"{base}: ")
        assert name in calendar_name
    else:
        assert calendar_name == base


def test_a_topic_or_presidency_without_meetings_yet_has_an_empty_feed(client):
    TopicFactory(slug="new-topic")
    PresidencyFactory(slug="next-presidency")

    for query in ("?topic=new-topic", "?presidency=next-presidency"):
        assert summaries(parse(client.get(f"{FEED}{query}"))) == []


@pytest.mark.parametrize(
    "query",
    [
        "?topic=no-such-topic",
        "?presidency=%00",
        "?year=abc",
        "?year=99999999999999999999",
        "?when=tomorrow",
        "?kind=party",
        "?country=" + "x" * 5000,
    ],
)
def test_a_bad_filter_is_refused_in_words_never_a_server_error(client, query):
    TopicFactory(slug="retired", is_active=False)

    response = client.get(f"{FEED}{query}")

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "cannot make a calendar" in response.content.decode()


def test_a_retired_topic_or_draft_presidency_makes_no_feed(client):
    TopicFactory(slug="retired", is_active=False)
    PresidencyFactory(slug="draft-presidency", draft=True)

    assert client.get(f"{FEED}?topic=retired").status_code == 400
    assert client.get(f"{FEED}?presidency=draft-presidency").status_code == 400


def test_the_list_offers_the_feed_of_its_filters(client, filtered_meetings):
    page = client.get(
        reverse("meetings:list") + "?topic=barnahus&kind=&page=1", follow=True
    ).content.decode()

    assert 'href="webcal://testserver/meetings/calendar.ics?topic=barnahus"' in page
    assert 'value="http://testserver/meetings/calendar.ics?topic=barnahus"' in page
    assert "Subscribe to these meetings in your calendar" in page

    unfiltered = client.get(reverse("meetings:list")).content.decode()
    assert 'href="webcal://testserver/meetings/calendar.ics"' in unfiltered
    assert "Subscribe to all meetings in your calendar" in unfiltered

    # While a filter is invalid the page shows its error, and offers no feed that would fail.
    invalid = client.get(reverse("meetings:list") + "?year=abc").content.decode()
    assert "calendar.ics" not in invalid


def test_the_presidency_page_offers_its_meetings_feed(client, filtered_meetings):
    _topic, presidency = filtered_meetings

    page = client.get(presidency.get_absolute_url()).content.decode()

    assert 'href="webcal://testserver/meetings/calendar.ics?presidency=lithuania-2025-2026"' in (
        page
    )
    assert "Subscribe to the meetings of the Lithuanian Presidency in your calendar" in page
    assert "What does subscribing do?" in page


@pytest.mark.parametrize("rows", [5, 50])
def test_calendars_run_a_fixed_number_of_queries(client, django_assert_max_num_queries, rows):
    country = CountryFactory(time_zone="Europe/Riga")
    topics = [TopicFactory(), TopicFactory()]
    presidency = PresidencyFactory()
    for number in range(rows):
        meeting = MeetingFactory(
            country=country,
            presidency=presidency,
            topics=topics,
            start_date=datetime.date(2026, 5, 4) + datetime.timedelta(days=number),
            end_date=None,
        )
    for number in range(rows):
        MeetingSessionFactory(
            meeting=meeting, start_time=datetime.time(8 + number % 10, 0), position=number
        )

    with django_assert_max_num_queries(5):
        assert len(parse(client.get(meeting_file(meeting))).events) == rows
    for query in ("", f"?presidency={presidency.slug}", f"?topic={topics[0].slug}"):
        with django_assert_max_num_queries(5):
            assert len(parse(client.get(f"{FEED}{query}")).events) == rows


def test_a_countrys_time_zone_must_be_one_zoneinfo_knows(lithuania):
    lithuania.time_zone = "Europe/Atlantis"
    with pytest.raises(ValidationError) as error:
        lithuania.full_clean()
    assert "time_zone" in error.value.message_dict

    lithuania.time_zone = "Europe/Vilnius"
    lithuania.full_clean()
    assert zoneinfo.ZoneInfo(lithuania.time_zone)


def test_the_seeded_countries_have_their_capitals_time_zone():
    call_command("loaddata", "fixtures/seed.json", verbosity=0)

    zones = dict(Country.objects.values_list("code", "time_zone"))
    assert zones["lt"] == "Europe/Vilnius"
    assert zones["is"] == "Atlantic/Reykjavik"
    assert all(zones.values()), zones
    for zone in zones.values():
        zoneinfo.ZoneInfo(zone)


def test_the_migration_gives_existing_countries_their_capitals_zone_and_keeps_one_set():
    migration = importlib.import_module("carportal.migrations.0010_country_time_zone")
    latvia = CountryFactory(code="lv", time_zone="")
    # A Russian country chosen by staff before the migration ran is left as they set it.
    russia = CountryFactory(code="ru", time_zone="Asia/Yekaterinburg")
    other = CountryFactory(code="zz", time_zone="")

    migration.fill_time_zones(django_apps, schema_editor=None)

    for country in (latvia, russia, other):
        country.refresh_from_db()
    assert (latvia.time_zone, russia.time_zone, other.time_zone) == (
        "Europe/Riga",
        "Asia/Yekaterinburg",
        "",
    )
    for zone in migration.CAPITAL_ZONES.values():
        zoneinfo.ZoneInfo(zone)
