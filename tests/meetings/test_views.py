import datetime
import re

import pytest
from django.urls import reverse

from meetings.models import Meeting
from tests.carportal.factories import CountryFactory, TopicFactory
from tests.meetings.factories import (
    MeetingDocumentFactory,
    MeetingFactory,
    MeetingSessionFactory,
    PresentationFactory,
    PresidencyFactory,
)
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db

LIST = reverse("meetings:list")


def titles(response):
    return [meeting.title for meeting in response.context["meetings"]]


def test_list_shows_published_meetings_only(client):
    MeetingFactory(title="Rovaniemi meeting")
    MeetingFactory(title="Secret draft", draft=True)

    response = client.get(LIST)

    assert response.status_code == 200
    assert titles(response) == ["Rovaniemi meeting"]
    assert "Secret draft" not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("year=2023", ["In Finland 2023"]),
        ("kind=conference", ["Conference in Sweden"]),
        ("country=se", ["Conference in Sweden"]),
        ("presidency=finland", ["In Finland 2023"]),
        ("topic=trafficking", ["Conference in Sweden"]),
        ("when=upcoming", ["Conference in Sweden"]),
        ("when=past", ["In Finland 2023"]),
        ("country=fi&year=2024", []),
    ],
)
def test_each_filter_narrows_the_list(client, query, expected):
    finland = CountryFactory(code="fi", name="Finland")
    sweden = CountryFactory(code="se", name="Sweden")
    presidency = PresidencyFactory(
        slug="finland",
        country=finland,
        start_date=datetime.date(2023, 7, 1),
        end_date=datetime.date(2024, 6, 30),
    )
    MeetingFactory(
        title="In Finland 2023",
        country=finland,
        presidency=presidency,
        start_date=datetime.date(2023, 11, 30),
        end_date=datetime.date(2023, 12, 1),
    )
    MeetingFactory(
        title="Conference in Sweden",
        country=sweden,
        kind=Meeting.Kind.CONFERENCE,
        start_date=datetime.date.today() + datetime.timedelta(days=30),
        end_date=None,
        topics=[TopicFactory(slug="trafficking")],
    )

    response = client.get(f"{LIST}?{query}")

    assert response.status_code == 200
    assert titles(response) == expected


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("year=abc", "year"),
        ("kind=party", "kind"),
        ("country=zz", "country"),
        ("when=someday", "when"),
        ("presidency=nobody", "presidency"),
        ("year=2024.5", "year"),
    ],
)
def test_a_nonsense_filter_value_gives_the_page_with_a_message(client, query, field):
    MeetingFactory()

    response = client.get(f"{LIST}?{query}")

    assert response.status_code == 200
    assert field in response.context["filter"].form.errors
    assert titles(response) == []
    assert 'aria-invalid="true"' in response.content.decode()


def test_paging_links_keep_the_filters(client):
    for _ in range(25):
        MeetingFactory(kind=Meeting.Kind.WEBINAR)

    response = client.get(f"{LIST}?kind=webinar")

    assert len(titles(response)) == 20
    assert "?kind=webinar&amp;page=2" in response.content.decode()
    assert len(titles(client.get(f"{LIST}?kind=webinar&page=2"))) == 5


def test_detail_shows_programme_documents_and_links(client):
    project = ProjectFactory(title="PROMISE TRM end")
    hidden_project = ProjectFactory(title="Unreleased project", draft=True)
    meeting = MeetingFactory(title="End conference", projects=[project, hidden_project])
    session = MeetingSessionFactory(meeting=meeting, title="Parallel workshop on youth")
    PresentationFactory(session=session, speaker="Ylva Johansson", title="Opening")
    document = MeetingDocumentFactory(meeting=meeting, title="Agenda of the day")

    response = client.get(meeting.get_absolute_url())

    content = response.content.decode()
    assert response.status_code == 200
    for text in (
        "End conference",
        "Parallel workshop on youth",
        "Ylva Johansson",
        "Agenda of the day",
        "PROMISE TRM end",
        project.get_absolute_url(),
    ):
        assert text in content
    assert "Unreleased project" not in content
    assert reverse("meetings:document", args=[meeting.slug, document.pk]) in content


def test_a_programme_with_times_says_which_time_zone_they_are_in(client):
    vilnius = CountryFactory(name="Lithuania", time_zone="Europe/Vilnius")
    summer = MeetingFactory(country=vilnius, start_date=datetime.date(2026, 6, 10), end_date=None)
    MeetingSessionFactory(meeting=summer, start_time=datetime.time(9))
    online = MeetingFactory(
        country=vilnius,
        time_zone="Europe/Oslo",
        start_date=datetime.date(2026, 12, 1),
        end_date=None,
    )
    MeetingSessionFactory(meeting=online, start_time=datetime.time(14))
    untimed = MeetingFactory(country=vilnius, start_date=datetime.date(2026, 6, 10), end_date=None)
    MeetingSessionFactory(meeting=untimed)

    def note(meeting):
        html = client.get(meeting.get_absolute_url()).content.decode()
        return re.findall(r"Times are in the venue’s time zone: ([^.<]*)\.", html)

    assert note(summer) == ["Europe/Vilnius, UTC+03:00"]
    assert note(online) == ["Europe/Oslo, UTC+01:00"]
    assert note(untimed) == []


def test_document_download_serves_the_file_of_a_published_meeting_only(client):
    document = MeetingDocumentFactory()
    draft_document = MeetingDocumentFactory(meeting=MeetingFactory(draft=True))

    response = client.get(reverse("meetings:document", args=[document.meeting.slug, document.pk]))
    hidden = client.get(
        reverse("meetings:document", args=[draft_document.meeting.slug, draft_document.pk])
    )

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 agenda"
    assert hidden.status_code == 404


@pytest.mark.parametrize("make", [lambda: MeetingFactory(draft=True), lambda: None])
def test_draft_or_unknown_meeting_is_not_found(client, make):
    meeting = make()
    slug = meeting.slug if meeting else "no-such-meeting"

    response = client.get(reverse("meetings:detail", args=[slug]))

    assert response.status_code == 404


def test_presidency_pages_list_meetings_and_running_projects(client):
    presidency = PresidencyFactory(
        name="Finnish Presidency 2023-2024",
        start_date=datetime.date(2023, 7, 1),
        end_date=datetime.date(2024, 6, 30),
    )
    MeetingFactory(title="Helsinki meeting", presidency=presidency)
    MeetingFactory(title="Draft meeting", presidency=presidency, draft=True)
    ProjectFactory(
        title="Dated overlap",
        start_date=datetime.date(2022, 4, 18),
        end_date=datetime.date(2024, 9, 17),
    )
    undated = ProjectFactory(title="Recorded as running", start_date=None, end_date=None)
    presidency.projects.add(undated)
    ProjectFactory(
        title="Long concluded",
        start_date=datetime.date(2010, 1, 1),
        end_date=datetime.date(2012, 12, 31),
    )
    PresidencyFactory(name="Unpublished presidency", draft=True)

    listing = client.get(reverse("meetings:presidency_list")).content.decode()
    detail = client.get(presidency.get_absolute_url())

    assert "Finnish Presidency 2023-2024" in listing
    assert "Unpublished presidency" not in listing
    assert [m.title for m in detail.context["meetings"]] == ["Helsinki meeting"]
    assert sorted(p.title for p in detail.context["projects"]) == [
        "Dated overlap",
        "Recorded as running",
    ]


@pytest.mark.parametrize("rows", [5, 50])
def test_meeting_pages_run_a_fixed_number_of_queries(client, django_assert_max_num_queries, rows):
    presidency = PresidencyFactory()
    topic = TopicFactory()
    project = ProjectFactory()
    for _ in range(rows):
        meeting = MeetingFactory(presidency=presidency, topics=[topic], projects=[project])
        session = MeetingSessionFactory(meeting=meeting)
        PresentationFactory(session=session)
        PresentationFactory(session=session)
        MeetingDocumentFactory(meeting=meeting)
    for _ in range(rows):
        MeetingSessionFactory(meeting=meeting)

    for url in [
        LIST,
        f"{LIST}?topic={topic.slug}&year=2024",
        meeting.get_absolute_url(),
        reverse("meetings:presidency_list"),
        presidency.get_absolute_url(),
    ]:
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200


def test_long_lists_elide_page_numbers_and_keep_the_filters(client):
    for _ in range(20 * 12):
        MeetingFactory(kind=Meeting.Kind.TRAINING)

    html = client.get(f"{LIST}?kind=training&page=6").content.decode()

    assert '?kind=training&amp;page=12"' in html
    assert '?kind=training&amp;page=9"' not in html
    assert 'aria-current="page"><span class="visually-hidden">Page </span>6<' in html
    assert "…" in html


def test_a_meeting_known_only_by_month_shows_no_invented_day(client):
    meeting = MeetingFactory(
        title="Oslo conference",
        start_date=datetime.date(2018, 6, 1),
        end_date=None,
        start_precision="month",
    )
    undated = MeetingFactory(title="Undated conference", start_date=None, end_date=None)

    listing = client.get(LIST).content.decode()
    detail = client.get(meeting.get_absolute_url()).content.decode()

    assert "June 2018" in listing and "June 2018" in detail
    assert "1 June 2018" not in listing + detail
    # An old meeting whose dates nobody recorded says nothing about them.
    assert "<dt>Dates</dt>" not in client.get(undated.get_absolute_url()).content.decode()
    assert titles(client.get(LIST))[-1] == "Undated conference"


def test_a_tracking_tag_does_not_make_a_list_filtered(client):
    MeetingFactory()

    response = client.get(f"{LIST}?utm_source=newsletter&page=1")

    assert response.context["is_filtered"] is False
    assert "Clear filters" not in response.content.decode()
    assert client.get(f"{LIST}?kind=training").context["is_filtered"] is True


def test_an_invalid_year_is_shown_back_as_typed_in_a_text_box(client):
    html = client.get(f"{LIST}?year=abc").content.decode()

    field = re.search(r'<input[^>]*name="year"[^>]*>', html).group(0)
    assert 'type="text"' in field
    assert 'value="abc"' in field
    assert 'inputmode="numeric"' in field


@pytest.mark.parametrize(
    "path",
    [
        "/meetings/{slug}/documents/99999999999999999999999/",
        "/meetings/{slug}/documents/9223372036854775808/",
        "/meetings/{long_slug}/",
        "/meetings/{long_slug}/documents/{pk}/",
        "/presidencies/{long_slug}/",
    ],
)
def test_a_key_no_row_could_have_is_not_found(client, path):
    document = MeetingDocumentFactory()

    response = client.get(
        path.format(slug=document.meeting.slug, long_slug="x" * 10_000, pk=document.pk)
    )

    assert response.status_code == 404


def test_a_document_whose_file_is_missing_is_not_found_and_logged(client, caplog):
    document = MeetingDocumentFactory()
    document.file.storage.delete(document.file.name)

    response = client.get(reverse("meetings:document", args=[document.meeting.slug, document.pk]))

    assert response.status_code == 404
    assert f"meetings.MeetingDocument {document.pk} is missing from storage" in caplog.text
