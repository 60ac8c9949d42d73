"""The Atom feeds: read as a feed reader reads them, with xml.etree."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse

from carportal.feeds import FEED_LIMIT
from carportal.models import Publishable
from publications.models import Publication
from tests.carportal.factories import TopicFactory
from tests.meetings.factories import MeetingFactory
from tests.projects.factories import ProjectFactory
from tests.publications.factories import EditionFactory, PublicationFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
LIST_FEEDS = {
    "meetings:list": "meetings:feed",
    "projects:list": "projects:feed",
    "publications:list": "publications:feed",
}


def when(text):
    """An RFC 3339 date as Atom writes it, or a failed test."""
    moment = datetime.datetime.fromisoformat(text)
    assert moment.tzinfo is not None, text
    return moment


def read_feed(client, url):
    """The feed at `url`, checked against what RFC 4287 requires of a feed and its entries;
    returns its entries as dicts."""
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    for element in ("id", "title", "updated"):
        assert feed.findtext(f"{ATOM}{element}"), f"feed without {element}"
    when(feed.findtext(f"{ATOM}updated"))
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links["self"] == f"http://testserver{url}"
    assert links["alternate"].startswith("http://testserver/")
    assert feed.findtext(f"{ATOM}author/{ATOM}name") == "CBSS Expert Group on Children at Risk"
    entries = []
    for entry in feed.findall(f"{ATOM}entry"):
        for element in ("id", "title", "updated", "published", "summary", "author"):
            assert entry.find(f"{ATOM}{element}") is not None, f"entry without {element}"
        (alternate,) = [
            link.get("href")
            for link in entry.findall(f"{ATOM}link")
            if link.get("rel", "alternate") == "alternate"
        ]
        entries.append(
            {
                "id": entry.findtext(f"{ATOM}id"),
                "title": entry.findtext(f"{ATOM}title"),
                "link": alternate,
                "summary": entry.findtext(f"{ATOM}summary"),
                "published": when(entry.findtext(f"{ATOM}published")),
                "updated": when(entry.findtext(f"{ATOM}updated")),
                "kind": entry.find(f"{ATOM}category").get("term"),
            }
        )
    ids = [entry["id"] for entry in entries]
    assert len(ids) == len(set(ids)), "entry ids repeat"
    if entries:
        # The feed changed when its latest entry did.
        assert when(feed.findtext(f"{ATOM}updated")) == max(e["updated"] for e in entries)
    return entries


@pytest.fixture
def content():
    topic = TopicFactory(name="Barnahus", slug="barnahus")
    for year in (2019, 2023, 2021):
        MeetingFactory(
            title=f"Meeting {year}", start_date=datetime.date(year, 5, 1), topics=[topic]
        )
        ProjectFactory(
            title=f"Project {year}", start_date=datetime.date(year, 1, 1), topics=[topic]
        )
        PublicationFactory(
            title=f"Publication {year}",
            published_on=datetime.date(year, 3, 1),
            summary=f"What publication {year} says.",
            topics=[topic],
        )
    MeetingFactory(title="Draft meeting", draft=True, topics=[topic])
    ProjectFactory(title="Draft project", draft=True, topics=[topic])
    PublicationFactory(title="Draft publication", draft=True, topics=[topic])
    PublicationFactory(title="Untagged publication", published_on=datetime.date(2024, 1, 1))
    return topic


def test_each_list_has_a_valid_atom_feed_of_its_published_rows_newest_first(client, content):
    meetings = read_feed(client, reverse("meetings:feed"))
    projects = read_feed(client, reverse("projects:feed"))
    publications = read_feed(client, reverse("publications:feed"))

    assert [e["title"] for e in meetings] == ["Meeting 2023", "Meeting 2021", "Meeting 2019"]
    assert [e["title"] for e in projects] == ["Project 2023", "Project 2021", "Project 2019"]
    assert [e["title"] for e in publications] == [
        "Untagged publication",
        "Publication 2023",
        "Publication 2021",
        "Publication 2019",
    ]
    latest = Publication.objects.get(title="Publication 2023")
    entry = publications[1]
    assert entry["link"] == f"http://testserver{latest.get_absolute_url()}"
    assert entry["id"] == entry["link"]
    assert entry["summary"] == "What publication 2023 says."
    assert entry["kind"] == "Publication"


def test_a_topic_feed_mixes_the_three_kinds_newest_first(client, content):
    entries = read_feed(client, reverse("topic_feed", kwargs={"slug": content.slug}))

    assert [e["title"] for e in entries] == [
        "Meeting 2023",
        "Publication 2023",
        "Project 2023",
        "Meeting 2021",
        "Publication 2021",
        "Project 2021",
        "Meeting 2019",
        "Publication 2019",
        "Project 2019",
    ]
    assert {e["kind"] for e in entries} == {"Meeting", "Project", "Publication"}


def test_drafts_are_never_in_a_feed(client, content):
    urls = [reverse(name) for name in LIST_FEEDS.values()]
    urls.append(reverse("topic_feed", kwargs={"slug": content.slug}))

    for url in urls:
        titles = [entry["title"] for entry in read_feed(client, url)]
        assert titles, url
        assert not [title for title in titles if title.startswith("Draft")], url


def test_a_retired_topic_has_no_feed(client):
    retired = TopicFactory(slug="retired", is_active=False)
    PublicationFactory(topics=[retired])

    assert client.get(reverse("topic_feed", kwargs={"slug": "retired"})).status_code == 404


def test_an_entry_is_dated_by_its_history_when_it_went_public_and_last_changed(client):
    publication = PublicationFactory(title="Scheduled guide", draft=True)
    created = LogEntry.objects.get_for_object(publication).get()
    publication.status = Publishable.Status.PUBLISHED
    publication.save()
    went_public = LogEntry.objects.get_for_object(publication).latest("timestamp")
    publication.summary = "Corrected summary."
    publication.save()
    corrected = LogEntry.objects.get_for_object(publication).latest("timestamp")

    (entry,) = read_feed(client, reverse("publications:feed"))

    assert created.timestamp < went_public.timestamp < corrected.timestamp
    assert entry["published"] == went_public.timestamp
    assert entry["updated"] == corrected.timestamp


def test_an_entry_without_history_is_dated_by_its_own_date(client):
    publication = PublicationFactory(published_on=datetime.date(2020, 6, 1))
    LogEntry.objects.get_for_object(publication).delete()

    (entry,) = read_feed(client, reverse("publications:feed"))

    assert (
        entry["published"] == entry["updated"] == datetime.datetime(2020, 6, 1, tzinfo=datetime.UTC)
    )


def test_a_feed_holds_a_bounded_number_of_entries(client):
    for number in range(FEED_LIMIT + 3):
        PublicationFactory(
            title=f"Guide {number}",
            published_on=datetime.date(2000, 1, 1) + datetime.timedelta(number),
        )

    entries = read_feed(client, reverse("publications:feed"))

    assert len(entries) == FEED_LIMIT
    assert entries[0]["title"] == f"Guide {FEED_LIMIT + 2}"
    assert entries[-1]["title"] == "Guide 3"


@pytest.mark.parametrize("rows", [5, 50])
def test_feeds_run_a_fixed_number_of_queries(client, django_assert_max_num_queries, rows):
    topic = TopicFactory()
    for _ in range(rows):
        MeetingFactory(topics=[topic])
        ProjectFactory(topics=[topic])
        EditionFactory(publication=PublicationFactory(topics=[topic]))

    for name in LIST_FEEDS.values():
        with django_assert_max_num_queries(4):
            assert len(read_feed(client, reverse(name))) == rows
    # The topic, the newest of each kind, their history; and the request's transaction.
    with django_assert_max_num_queries(7):
        entries = read_feed(client, reverse("topic_feed", kwargs={"slug": topic.slug}))
    assert len(entries) == min(3 * rows, FEED_LIMIT)


def advertised(html):
    """The Atom feeds a page's head names: {title: href}."""
    head = html.split("</head>", 1)[0]
    return {
        title: href
        for title, href in re.findall(
            r'<link rel="alternate" type="application/atom\+xml" title="([^"]+)" href="([^"]+)">',
            head,
        )
    }


def test_pages_advertise_their_feeds_in_the_head_and_link_them_visibly(client, content):
    topic_page = content.get_absolute_url()
    pages = {reverse(page): [reverse(feed)] for page, feed in LIST_FEEDS.items()} | {
        reverse("home"): [reverse(feed) for feed in LIST_FEEDS.values()],
        topic_page: [reverse("topic_feed", kwargs={"slug": content.slug})],
    }

    for page, feeds in pages.items():
        html = client.get(page).content.decode()
        found = advertised(html)
        assert sorted(found.values()) == sorted(feeds), page
        assert all(title.strip() for title in found), page
        for feed in feeds:
            assert read_feed(client, feed) is not None
        if page != reverse("home"):
            visible = html.split("<main", 1)[1]
            assert (
                f'<a href="{feeds[0]}" type="application/atom+xml">Subscribe (Atom feed)</a>'
                in visible
            ), page

    assert advertised(client.get(reverse("about")).content.decode()) == {}


@pytest.mark.parametrize("factory", [MeetingFactory, ProjectFactory, PublicationFactory])
def test_no_item_takes_its_lists_feed_address(factory):
    item = factory.build(slug="feed")

    with pytest.raises(ValidationError) as error:
        item.full_clean()

    assert error.value.message_dict["slug"] == [
        "That address is a page of the site already: choose another."
    ]
