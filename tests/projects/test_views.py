import datetime

import pytest
from django.urls import reverse

from projects.models import ProjectPartner
from tests.carportal.factories import CountryFactory, OrganisationFactory, TopicFactory
from tests.meetings.factories import MeetingFactory
from tests.projects.factories import ProjectFactory, ProjectFundingFactory, ProjectPartnerFactory
from tests.publications.factories import PublicationFactory

pytestmark = pytest.mark.django_db

LIST = reverse("projects:list")
TODAY = datetime.date.today()


def titles(response):
    return sorted(project.title for project in response.context["projects"])


@pytest.fixture
def projects():
    latvia = CountryFactory(code="lv", name="Latvia")
    funder = OrganisationFactory(slug="nordic-council-of-ministers", funder=True)
    ongoing = ProjectFactory(
        title="Ongoing",
        start_date=TODAY - datetime.timedelta(days=10),
        end_date=TODAY + datetime.timedelta(days=10),
        topics=[TopicFactory(slug="migration")],
        countries=[latvia],
    )
    ProjectFundingFactory(project=ongoing, funder=funder, programme="First")
    ProjectFundingFactory(project=ongoing, funder=funder, programme="Second")
    ProjectFactory(title="Planned", start_date=TODAY + datetime.timedelta(days=1), end_date=None)
    ProjectFactory(
        title="Concluded",
        start_date=datetime.date(2010, 1, 1),
        end_date=datetime.date(2012, 12, 31),
    )
    ProjectFactory(title="Undated", start_date=None, end_date=None)
    ProjectFactory(title="Draft", draft=True)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Concluded", "Ongoing", "Planned", "Undated"]),
        ("status=ongoing", ["Ongoing"]),
        ("status=planned", ["Planned"]),
        ("status=concluded", ["Concluded"]),
        ("topic=migration", ["Ongoing"]),
        ("funder=nordic-council-of-ministers", ["Ongoing"]),
        ("country=lv", ["Ongoing"]),
    ],
)
def test_each_filter_narrows_the_list(client, projects, query, expected):
    response = client.get(f"{LIST}?{query}")

    assert response.status_code == 200
    assert titles(response) == expected


@pytest.mark.parametrize("query", ["status=finished", "funder=nobody", "country=LV1"])
def test_a_nonsense_filter_value_gives_the_page_with_a_message(client, projects, query):
    response = client.get(f"{LIST}?{query}")

    assert response.status_code == 200
    assert response.context["filter"].form.errors
    assert titles(response) == []


def test_detail_links_partners_funders_meetings_publications_and_phases(client):
    project = ProjectFactory(title="PROTECT Children on the Move", contact_role="Head of Unit")
    ProjectPartnerFactory(
        project=project,
        organisation__name="Latvian State Border Guard",
        role=ProjectPartner.Role.PARTNER,
    )
    ProjectFundingFactory(
        project=project, funder__name="European Commission", programme="Return Fund"
    )
    MeetingFactory(title="Expert meeting in Riga", projects=[project])
    MeetingFactory(title="Draft meeting", projects=[project], draft=True)
    PublicationFactory(title="Guidelines", project=project)
    PublicationFactory(title="Draft publication", project=project, draft=True)
    ProjectFactory(title="PROTECT II", parent=project)
    ProjectFactory(title="PROTECT IV", parent=project, draft=True)

    content = client.get(project.get_absolute_url()).content.decode()

    for text in (
        "Latvian State Border Guard",
        "European Commission",
        "Return Fund",
        "Expert meeting in Riga",
        "Guidelines",
        "PROTECT II",
        "Head of Unit",
    ):
        assert text in content
    for text in ("Draft meeting", "Draft publication", "PROTECT IV"):
        assert text not in content


def test_draft_project_is_not_found(client):
    assert client.get(ProjectFactory(draft=True).get_absolute_url()).status_code == 404


@pytest.mark.parametrize("rows", [5, 50])
def test_project_pages_run_a_fixed_number_of_queries(client, django_assert_max_num_queries, rows):
    topic = TopicFactory()
    for _ in range(rows):
        project = ProjectFactory(topics=[topic], countries=[CountryFactory()])
        ProjectPartnerFactory(project=project)
        ProjectPartnerFactory(project=project, role=ProjectPartner.Role.PARTNER)
        ProjectFundingFactory(project=project)
        MeetingFactory(projects=[project])
        PublicationFactory(project=project)
        ProjectFactory(parent=project)

    for url in [LIST, f"{LIST}?status=ongoing&topic={topic.slug}", project.get_absolute_url()]:
        with django_assert_max_num_queries(14):
            assert client.get(url).status_code == 200
