"""Drafts stay private everywhere, related rows included, and retired reference data stays retired.

Each case names the guard it checks: a queryset method (`for_detail()`, a filter's choices), never
a template. Removing the guard makes its case fail.
"""

import pytest
from django.urls import reverse

from meetings.models import Meeting
from publications.models import Publication
from tests.carportal.factories import CountryFactory, OrganisationFactory, TopicFactory
from tests.meetings.factories import MeetingFactory, PresidencyFactory
from tests.projects.factories import ProjectFactory, ProjectFundingFactory
from tests.publications.factories import EditionFactory, PublicationFactory
from tests.sitemap import sitemap_paths

pytestmark = pytest.mark.django_db

SECRET = "Unannounced draft"


def meeting_with_draft_presidency():
    presidency = PresidencyFactory(name=SECRET, draft=True)
    return MeetingFactory(presidency=presidency).get_absolute_url()


def meeting_with_draft_project():
    return MeetingFactory(projects=[ProjectFactory(title=SECRET, draft=True)]).get_absolute_url()


def project_with_draft_parent():
    parent = ProjectFactory(title=SECRET, draft=True)
    return ProjectFactory(parent=parent).get_absolute_url()


def project_with_draft_phase():
    project = ProjectFactory()
    ProjectFactory(title=SECRET, parent=project, draft=True)
    return project.get_absolute_url()


def project_with_draft_meeting():
    project = ProjectFactory()
    MeetingFactory(title=SECRET, projects=[project], draft=True)
    return project.get_absolute_url()


def project_with_draft_publication():
    project = ProjectFactory()
    PublicationFactory(title=SECRET, project=project, draft=True)
    return project.get_absolute_url()


def publication_of_draft_project():
    return PublicationFactory(project=ProjectFactory(title=SECRET, draft=True)).get_absolute_url()


def publication_amending_a_draft():
    original = PublicationFactory(title=SECRET, draft=True)
    return PublicationFactory(amends=original).get_absolute_url()


def publication_with_draft_addendum():
    original = PublicationFactory()
    PublicationFactory(title=SECRET, amends=original, draft=True)
    return original.get_absolute_url()


def presidency_with_draft_meeting():
    presidency = PresidencyFactory()
    MeetingFactory(title=SECRET, presidency=presidency, draft=True)
    return presidency.get_absolute_url()


@pytest.mark.parametrize(
    "scenario",
    [
        meeting_with_draft_presidency,  # Meeting.for_detail: presidency
        meeting_with_draft_project,  # Meeting.for_detail: projects
        project_with_draft_parent,  # Project.for_detail: parent
        project_with_draft_phase,  # Project.for_detail: phases
        project_with_draft_meeting,  # Project.for_detail: meetings
        project_with_draft_publication,  # Project.for_detail: publications
        publication_of_draft_project,  # Publication.for_detail: project
        publication_amending_a_draft,  # Publication.for_detail: amends
        publication_with_draft_addendum,  # Publication.for_detail: addenda
        presidency_with_draft_meeting,  # PresidencyDetailView: meetings.published()
    ],
)
def test_a_published_page_never_shows_a_related_draft(client, scenario):
    response = client.get(scenario())

    assert response.status_code == 200
    assert SECRET not in response.content.decode()


def response_form(client, url):
    return client.get(url).context["filter"].form


def choices(client, url, field):
    return list(response_form(client, url).fields[field].queryset)


def values(client, url, field):
    return [value for value, _label in response_form(client, url).fields[field].choices if value]


def test_filters_offer_only_values_that_published_rows_have(client):
    used, unused, retired = (
        TopicFactory(slug="used"),
        TopicFactory(slug="unused"),
        TopicFactory(slug="retired", is_active=False),
    )
    lithuania, denmark = CountryFactory(code="lt"), CountryFactory(code="dk")
    MeetingFactory(topics=[used, retired], country=lithuania)
    MeetingFactory(topics=[unused], country=denmark, draft=True)
    funder, draft_funder = OrganisationFactory(funder=True), OrganisationFactory(funder=True)
    retired_funder = OrganisationFactory(funder=True, is_active=False)
    ProjectFundingFactory(funder=funder)
    ProjectFundingFactory(funder=retired_funder)
    ProjectFundingFactory(funder=draft_funder, project=ProjectFactory(draft=True))
    draft_project_publications = ProjectFactory(slug="draft-only", draft=True)
    PublicationFactory(project=draft_project_publications)
    with_publications = ProjectFactory()
    PublicationFactory(project=with_publications, topics=[used])
    ProjectFactory(slug="without-publications")

    EditionFactory(publication=PublicationFactory(kind=Publication.Kind.HANDBOOK), language="lt")
    EditionFactory(publication=PublicationFactory(draft=True), language="ru")

    meetings, publications = reverse("meetings:list"), reverse("publications:list")
    assert choices(client, meetings, "topic") == [used]
    assert choices(client, meetings, "country") == [lithuania]
    assert choices(client, reverse("projects:list"), "funder") == [funder]
    assert choices(client, publications, "project") == [with_publications]
    assert values(client, meetings, "kind") == [Meeting.Kind.EXPERT_GROUP_MEETING]
    assert values(client, publications, "kind") == [
        Publication.Kind.HANDBOOK,
        Publication.Kind.REPORT,
    ]
    assert values(client, publications, "language") == ["lt"]
    # A value the filter does not offer is refused, not silently ignored.
    for url in (
        f"{meetings}?topic=retired",
        f"{meetings}?topic=unused",
        f"{reverse('projects:list')}?funder={draft_funder.slug}",
        f"{reverse('projects:list')}?funder={retired_funder.slug}",
        f"{publications}?project=draft-only",
        f"{publications}?project=without-publications",
        f"{publications}?language=ru",
        f"{meetings}?kind=webinar",
    ):
        assert response_form(client, url).errors, url


def test_detail_pages_link_only_filter_values_the_filter_accepts(client):
    retired_topic = TopicFactory(name="Retired topic", slug="retired", is_active=False)
    meeting = MeetingFactory(topics=[retired_topic, TopicFactory(slug="current")])
    project = ProjectFactory()
    retired_funder = OrganisationFactory(name="Retired funder", funder=True, is_active=False)
    ProjectFundingFactory(project=project, funder=retired_funder)

    meeting_page = client.get(meeting.get_absolute_url()).content.decode()
    project_page = client.get(project.get_absolute_url()).content.decode()

    # A topic links to its page, which a retired topic no longer has.
    assert 'href="/topics/current/"' in meeting_page
    assert "/topics/retired/" not in meeting_page and "Retired topic" not in meeting_page
    assert "Retired funder" in project_page
    assert f"?funder={retired_funder.slug}" not in project_page


def test_sitemap_leaves_out_every_draft(client):
    drafts = [
        PresidencyFactory(draft=True),
        MeetingFactory(draft=True),
        ProjectFactory(draft=True),
        PublicationFactory(draft=True),
    ]
    published = MeetingFactory()

    paths = sitemap_paths(lambda path: client.get(path).content.decode())

    assert published.get_absolute_url() in paths
    for draft in drafts:
        assert draft.get_absolute_url() not in paths
