import datetime
import re

import pytest
from django.urls import reverse

from carportal.models import Topic
from carportal.site.topics import SECTION_LIMIT
from tests.carportal.factories import TopicFactory
from tests.meetings.factories import MeetingFactory
from tests.projects.factories import ProjectFactory
from tests.publications.factories import EditionFactory, PublicationFactory
from tests.sitemap import sitemap_paths

pytestmark = pytest.mark.django_db

TOPICS = reverse("topic_list")


def titles(html, section):
    """The item titles of one section of a topic's page, in order."""
    part = html.split(f'id="{section}-heading"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'class="item__title"><a href="[^"]+">([^<]+)</a>', part)


@pytest.fixture
def trafficking():
    topic = TopicFactory(
        name="Child trafficking",
        slug="child-trafficking",
        description="Children **trafficked** or exploited.\n\nA second paragraph.",
    )
    other = TopicFactory(name="Barnahus", slug="barnahus")
    for year in (2019, 2023, 2021):
        MeetingFactory(
            title=f"Meeting {year}", start_date=datetime.date(year, 5, 1), topics=[topic]
        )
        ProjectFactory(
            title=f"Project {year}", start_date=datetime.date(year, 1, 1), topics=[topic]
        )
        PublicationFactory(
            title=f"Publication {year}", published_on=datetime.date(year, 3, 1), topics=[topic]
        )
    MeetingFactory(title="Draft meeting", draft=True, topics=[topic])
    ProjectFactory(title="Draft project", draft=True, topics=[topic])
    PublicationFactory(title="Draft publication", draft=True, topics=[topic])
    MeetingFactory(title="Barnahus meeting", topics=[other])
    PublicationFactory(title="Untagged publication")
    return topic


def test_a_topic_page_shows_its_published_content_newest_first(client, trafficking):
    response = client.get(trafficking.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Child trafficking</h1>" in html
    # The description is Markdown, rendered safely.
    assert "Children <strong>trafficked</strong> or exploited." in html
    assert titles(html, "meetings") == ["Meeting 2023", "Meeting 2021", "Meeting 2019"]
    assert titles(html, "projects") == ["Project 2023", "Project 2021", "Project 2019"]
    assert titles(html, "publications") == [
        "Publication 2023",
        "Publication 2021",
        "Publication 2019",
    ]
    assert "Draft" not in html and "Barnahus meeting" not in html
    # Every item is there already: no "see all" link.
    assert "See all" not in html
    assert "{# calendar subscribe" not in html


def test_a_full_section_links_to_the_list_filtered_by_the_topic(client):
    topic = TopicFactory(slug="barnahus")
    for number in range(SECTION_LIMIT + 2):
        PublicationFactory(title=f"Guide {number}", topics=[topic])
    PublicationFactory(draft=True, topics=[topic])

    html = client.get(topic.get_absolute_url()).content.decode()

    assert len(titles(html, "publications")) == SECTION_LIMIT
    assert f'<a href="/publications/?topic=barnahus">See all {SECTION_LIMIT + 2} publications' in (
        html
    )
    listed = client.get("/publications/?topic=barnahus")
    assert listed.context["page_obj"].paginator.count == SECTION_LIMIT + 2


def test_a_retired_or_unknown_topic_has_no_page(client):
    retired = TopicFactory(slug="retired", is_active=False)
    MeetingFactory(topics=[retired])

    assert client.get(retired.get_absolute_url()).status_code == 404
    assert client.get("/topics/no-such-topic/").status_code == 404
    assert "retired" not in client.get(TOPICS).content.decode()


def test_the_topic_list_counts_published_content_only(client, trafficking):
    TopicFactory(name="Unused topic", description="Nothing yet.")
    # Counted once under each of its topics.
    MeetingFactory(topics=[trafficking, Topic.objects.get(slug="barnahus")])

    response = client.get(TOPICS)

    html = response.content.decode()
    counts = {topic.name: topic.counts for topic in response.context["topics"]}
    assert counts == {
        "Child trafficking": {"meetings": 4, "projects": 3, "publications": 3},
        "Barnahus": {"meetings": 2, "projects": 0, "publications": 0},
        "Unused topic": {"meetings": 0, "projects": 0, "publications": 0},
    }
    assert "4 meetings · 3 projects · 3 publications" in html
    assert "2 meetings · 0 projects · 0 publications" in html
    assert "0 meetings · 0 projects · 0 publications" in html
    assert f'href="{trafficking.get_absolute_url()}"' in html
    assert "Children <strong>trafficked</strong> or exploited." in html


def test_topics_are_listed_in_the_order_staff_give_them(client):
    TopicFactory(name="Second", position=2)
    TopicFactory(name="First", position=1)

    topics = client.get(TOPICS).context["topics"]

    assert [topic.name for topic in topics] == ["First", "Second"]


@pytest.mark.parametrize("rows", [5, 50])
def test_topic_pages_run_a_fixed_number_of_queries(client, django_assert_max_num_queries, rows):
    topics = [TopicFactory() for _ in range(rows)]
    for _ in range(rows):
        MeetingFactory(topics=topics)
        ProjectFactory(topics=topics)
        EditionFactory(publication=PublicationFactory(topics=topics))

    with django_assert_max_num_queries(6):
        assert client.get(TOPICS).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(topics[0].get_absolute_url()).status_code == 200


def test_content_pages_link_their_topics_to_the_topic_pages(client, trafficking):
    for model in ("meeting", "project", "publication"):
        row = getattr(trafficking, f"{model}s").published().first()
        html = client.get(row.get_absolute_url()).content.decode()
        assert f'href="/topics/{trafficking.slug}/">Child trafficking</a>' in html, model


def test_the_navigation_leads_to_the_topics(client, trafficking):
    home = client.get("/").content.decode()
    topic_page = client.get(trafficking.get_absolute_url()).content.decode()

    assert f'<a href="{TOPICS}">Topics</a>' in home
    assert f'<a href="{TOPICS}" aria-current="true">Topics</a>' in topic_page
    assert (
        f'<a href="{TOPICS}" aria-current="page">Topics</a>' in client.get(TOPICS).content.decode()
    )


def test_the_sitemap_lists_the_active_topics(client, trafficking):
    TopicFactory(slug="retired", is_active=False)

    paths = sitemap_paths(lambda path: client.get(path).content.decode())

    assert {TOPICS, "/topics/child-trafficking/", "/topics/barnahus/"} <= set(paths)
    assert "/topics/retired/" not in paths


def test_the_description_says_it_is_markdown_and_public(admin_client):
    html = admin_client.get(reverse("admin:carportal_topic_add")).content.decode()

    assert "Shown publicly at the top of the topic" in html
    assert "Markdown:" in html
    assert Topic._meta.get_field("description").help_text
