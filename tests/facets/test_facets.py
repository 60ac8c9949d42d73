"""Facet counts and filters as professionals use them, on the three public lists."""

import datetime
import random
import re
from html import unescape

import pytest
from django import forms
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carportal.filters import CountedSelect
from carportal.models import Language
from meetings.models import Meeting
from projects.models import Project
from publications.models import Publication
from tests.carportal.factories import CountryFactory, OrganisationFactory, TopicFactory
from tests.meetings.factories import MeetingFactory, PresidencyFactory
from tests.projects.factories import ProjectFactory, ProjectFundingFactory
from tests.publications.factories import EditionFactory, PublicationFactory

pytestmark = pytest.mark.django_db

PUBLICATIONS = reverse("publications:list")
LANGUAGES = reverse("publications:languages")
MEETINGS = reverse("meetings:list")
PROJECTS = reverse("projects:list")

OPTION = re.compile(r'<option value="([^"]+)"( selected)?>([^<]*) \((\d+)\)</option>')


def shown_options(html, name):
    """{value: count} of the options the page offers for filter `name` (a select or the
    suggestions of a text box)."""
    match = re.search(
        rf'<select name="{name}"[^>]*>(.*?)</select>'
        rf'|<datalist id="id_{name}_suggestions">(.*?)</datalist>',
        html,
        re.S,
    )
    assert match, name
    block = match.group(1) or match.group(2)
    return {unescape(value): int(count) for value, _sel, _label, count in OPTION.findall(block)}


def result_count(client, path, params):
    response = client.get(path, params)
    assert response.status_code == 200, (params, response.status_code)
    return response.context["page_obj"].paginator.count, response.content.decode()


# -- The property: every count shown is what choosing the option gives ---------------------


@pytest.fixture
def catalogue():
    """Random publications and meetings, with drafts, under a project family."""
    rng = random.Random(12)
    topics = [TopicFactory() for _ in range(3)]
    countries = [CountryFactory() for _ in range(2)]
    parent = ProjectFactory(acronym="FAMILY")
    phases = [ProjectFactory(parent=parent, acronym=f"FAMILY {n}") for n in ("II", "III")]
    draft_phase = ProjectFactory(parent=parent, draft=True)
    other = ProjectFactory(acronym="OTHER")
    projects = [parent, *phases, other, draft_phase]
    presidencies = [PresidencyFactory(), PresidencyFactory(draft=True)]
    kinds = [Publication.Kind.REPORT, Publication.Kind.HANDBOOK, Publication.Kind.GUIDELINES]
    for number in range(24):
        publication = PublicationFactory(
            title=f"{rng.choice(['Child', 'Guardian', 'Family'])} report {number}",
            kind=rng.choice(kinds),
            project=rng.choice([*projects, None]),
            published_on=datetime.date(rng.choice([2016, 2019, 2023]), 5, 1),
            topics=rng.sample(topics, rng.randint(0, 2)),
            draft=number % 6 == 0,
        )
        for language in rng.sample([Language.EN, Language.FI, Language.LT, Language.RU], 2):
            EditionFactory(publication=publication, language=language)
    for number in range(20):
        year = rng.choice([2015, 2022, 2031])
        MeetingFactory(
            kind=rng.choice([Meeting.Kind.EXPERT_GROUP_MEETING, Meeting.Kind.CONFERENCE]),
            country=rng.choice(countries),
            presidency=rng.choice([*presidencies, None]),
            start_date=datetime.date(year, 3, 1),
            end_date=datetime.date(year, 3, 2),
            topics=rng.sample(topics, rng.randint(0, 2)),
            projects=rng.sample(projects, rng.randint(0, 2)),
            draft=number % 5 == 0,
        )
    return {
        PUBLICATIONS: {
            "kind": [*kinds, Publication.Kind.ADDENDUM],
            "language": ["en", "fi", "lt", "ru", "de"],
            "project": [project.slug for project in projects] + ["FAMILY"],
            "topic": [topic.slug for topic in topics],
            "year": ["2016", "2019", "2020"],
            "q": ["child", "guardian or family", "-family"],
        },
        MEETINGS: {
            "when": ["upcoming", "past"],
            "kind": [Meeting.Kind.EXPERT_GROUP_MEETING, Meeting.Kind.CONFERENCE],
            "country": [country.code for country in countries],
            "presidency": [presidencies[0].slug],
            "project": [project.slug for project in projects],
            "topic": [topic.slug for topic in topics],
        },
    }


FACETS = {
    PUBLICATIONS: ["kind", "language", "project", "topic"],
    MEETINGS: ["when", "kind", "country", "presidency", "project", "topic"],
}


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_every_count_shown_is_what_choosing_the_option_gives(client, catalogue, data):
    path = data.draw(st.sampled_from([PUBLICATIONS, MEETINGS]))
    domain = catalogue[path]
    chosen = data.draw(st.lists(st.sampled_from(sorted(domain)), unique=True, max_size=3))
    params = {name: data.draw(st.sampled_from(domain[name])) for name in chosen}

    response = client.get(path, params)
    if response.context["filter"].errors:
        # A value the list does not know (a draft project): said beside the field, no results.
        assert "Some filters could not be applied" in response.content.decode()
        assert not response.context["object_list"]
        return
    total, html = response.context["page_obj"].paginator.count, response.content.decode()
    # The number of results is read with the counts: it is what the list's own query gives.
    assert total == response.context["filter"].qs.count()
    # What each filter resolved to: a project typed by its acronym is chosen by its slug.
    chosen = {
        name: getattr(value, "slug", None) or getattr(value, "code", None) or value
        for name, value in response.context["filter"].cleaned_values().items()
        if value
    }

    for name in FACETS[path]:
        options = shown_options(html, name)
        for value, count in options.items():
            if value == chosen.get(name):
                # The chosen option counts the list as shown.
                assert count == total
                continue
            assert count > 0, (name, value)  # never a dead end
            assert result_count(client, path, {**params, name: value})[0] == count, (
                params,
                name,
                value,
            )


def test_drafts_are_never_counted(client):
    topic = TopicFactory()
    PublicationFactory(kind=Publication.Kind.HANDBOOK, topics=[topic])
    draft = PublicationFactory(kind=Publication.Kind.REPORT, topics=[topic], draft=True)
    EditionFactory(publication=draft, language=Language.DE)
    draft_project = ProjectFactory(draft=True)
    PublicationFactory(project=draft_project, draft=True)

    html = client.get(PUBLICATIONS).content.decode()

    assert shown_options(html, "kind") == {Publication.Kind.HANDBOOK: 1}
    assert shown_options(html, "topic") == {topic.slug: 1}
    assert shown_options(html, "language") == {}
    assert draft_project.slug not in html


def test_projects_list_counts_status_topics_funders_and_countries(client):
    topic, country = TopicFactory(), CountryFactory()
    funder = OrganisationFactory(funder=True, short_name="EUF")
    running = ProjectFactory(topics=[topic], countries=[country])
    ProjectFundingFactory(project=running, funder=funder)
    ProjectFundingFactory(project=running, funder=funder, programme="Another programme")
    ProjectFactory(
        start_date=datetime.date(2010, 1, 1), end_date=datetime.date(2012, 1, 1), topics=[topic]
    )
    ProjectFactory(draft=True, topics=[topic])

    html = client.get(PROJECTS, {"topic": topic.slug}).content.decode()

    assert shown_options(html, "status") == {"ongoing": 1, "concluded": 1}
    assert shown_options(html, "topic") == {topic.slug: 2}
    assert shown_options(html, "funder") == {funder.slug: 1}  # two fundings, one project
    assert shown_options(html, "country") == {country.code: 1}
    for typed in ("euf", funder.slug):
        assert client.get(PROJECTS, {"funder": typed}).context["page_obj"].paginator.count == 1


@pytest.mark.parametrize("value", [None, "", "b&b", ["b&b"]])
def test_a_counted_select_is_djangos_select_written_faster(value):
    choices = [("", "Any"), ("a", 'Tom "&" Jerry <b> (2)'), ("b&b", "Bed & breakfast (1)")]
    attrs = {"id": "id_kind", "aria-describedby": "id_kind_helptext", "disabled": True}

    written = CountedSelect(choices=choices).render("kind", value, attrs)
    django = forms.Select(choices=choices).render("kind", value, attrs)

    assert re.sub(r"\s*\n\s*", "", django) == written
    assert "<b>" not in written


def test_a_text_boxs_suggestions_are_escaped_and_belong_to_it(client):
    project = ProjectFactory(acronym='R&D "<b>"')
    PublicationFactory(project=project, kind=Publication.Kind.HANDBOOK)
    PublicationFactory(project=None, kind=Publication.Kind.REPORT)

    html = client.get(PUBLICATIONS).content.decode()

    assert 'list="id_project_suggestions"' in html
    assert (
        f'<datalist id="id_project_suggestions"><option value="{project.slug}">'
        "R&amp;D &quot;&lt;b&gt;&quot; (1)</option></datalist>"
    ) in html
    assert "<b>" not in html
    # With no suggestion to offer, the box still names a list that exists.
    reports = client.get(PUBLICATIONS, {"kind": Publication.Kind.REPORT}).content.decode()
    assert 'list="id_project_suggestions"' in reports
    assert '<datalist id="id_project_suggestions"></datalist>' in reports


# -- A shared link carries only the filters in use -------------------------------------------


@pytest.mark.parametrize(
    ("query", "clean"),
    [
        ("?q=&kind=&language=", PUBLICATIONS),
        ("?q=&kind=report&language=&page=", f"{PUBLICATIONS}?kind=report"),
        ("?kind=report&utm_source=mail&year=", f"{PUBLICATIONS}?kind=report&utm_source=mail"),
    ],
)
def test_empty_parameters_redirect_to_the_clean_link(client, query, clean):
    response = client.get(f"{PUBLICATIONS}{query}")

    assert response.status_code == 302
    assert response["Location"] == clean


@pytest.mark.parametrize("path", [PUBLICATIONS, LANGUAGES, MEETINGS, PROJECTS])
def test_the_form_lands_on_the_results_and_each_active_filter_is_removable(client, path):
    topic = TopicFactory(slug="trafficking")
    PublicationFactory(topics=[topic])
    MeetingFactory(topics=[topic])
    ProjectFactory(topics=[topic])
    response = client.get(path, {"topic": "trafficking"})
    html = response.content.decode()

    assert f'action="{path}#results"' in html
    assert 'id="results"' in html
    assert f'<a class="active-filter" href="{path}">' in html
    # Folded behind the disclosure once a filter is in use; open while none is.
    assert '<details class="filter-disclosure">' in html
    assert '<details class="filter-disclosure" open>' in client.get(path).content.decode()
    # The answer comes before the form's fields.
    assert html.index('id="results-heading"') < html.index('<form class="filter-form"')


# -- Projects with phases ---------------------------------------------------------------------


@pytest.fixture
def seed():
    call_command("seed", verbosity=0)


def test_a_parent_project_gathers_its_phases_publications_in_the_filter(client, seed):
    family = Publication.objects.published().filter(project__slug__startswith="protect")
    assert family.count() == 5

    for typed in ("protect", "PROTECT", "Protect"):
        response = client.get(PUBLICATIONS, {"project": typed})
        assert {p.slug for p in response.context["publications"]} == {p.slug for p in family}
    phase = client.get(PUBLICATIONS, {"project": "protect-iii"})
    assert phase.context["page_obj"].paginator.count == 2


def test_a_parent_project_gathers_its_phases_meetings_in_the_filter(client, seed):
    protect = Project.objects.get(slug="protect")
    family = (
        Meeting.objects.published().filter(projects__in=[protect, *protect.phases.all()]).distinct()
    )

    response = client.get(MEETINGS, {"project": "PROTECT"})

    assert response.context["page_obj"].paginator.count == family.count() > 0
    assert shown_options(response.content.decode(), "project")["protect"] == family.count()


def test_the_funder_fields_example_finds_the_funders_projects(client, seed):
    # The hint names a short name to type: one that a reader of the seed content can use.
    response = client.get(PROJECTS)
    help_text = str(response.context["filter"].form["funder"].help_text)
    example = re.search(r"such as “(\w+)”", help_text)[1]

    found = client.get(PROJECTS, {"funder": example}).context["page_obj"].paginator.count

    funded = Project.objects.published().filter(fundings__funder__short_name=example)
    assert found == funded.distinct().count() > 0


def test_a_parent_projects_page_lists_its_phases_publications_with_their_languages(client, seed):
    html = client.get(reverse("projects:detail", args=["protect"])).content.decode()

    assert "Publications of this project and its phases" in html
    for publication in Publication.objects.filter(project__slug__startswith="protect"):
        assert publication.title in html
    assert "Available in:" in html
    assert f"{PUBLICATIONS}?project=protect#results" in html


def test_an_unknown_project_is_a_clear_error_beside_the_field(client, seed):
    response = client.get(PUBLICATIONS, {"project": "NOPE"})
    html = response.content.decode()

    assert response.context["page_obj"] is None or not response.context["publications"]
    assert "No project “NOPE” has anything in this list." in html
    assert 'value="NOPE"' in html  # kept as typed


@pytest.mark.parametrize(
    ("path", "name", "value"),
    [
        (PUBLICATIONS, "topic", "trafficking-old"),
        (PUBLICATIONS, "kind", "leaflet"),
        (MEETINGS, "country", "XX"),
        (PROJECTS, "status", "someday"),
    ],
)
def test_a_value_no_option_has_is_named_in_its_error(client, seed, path, name, value):
    response = client.get(path, {name: value})

    [error] = response.context["filter"].form.errors[name]
    assert error == f"Nothing in this list has “{value}”. Choose one of the options offered."
    assert error in unescape(response.content.decode())


# -- Languages ---------------------------------------------------------------------------------


def test_the_language_filter_offers_languages_with_editions_by_their_own_names(client, seed):
    html = client.get(PUBLICATIONS).content.decode()
    block = re.search(r'<select name="language".*?</select>', html, re.S).group(0)
    labels = re.findall(r'<option value="[a-z]{2}">([^<(]+) \(\d+\)</option>', block)

    in_use = set(Publication.objects.published().values_list("editions__language", flat=True)) - {
        None
    }
    assert len(labels) == len(in_use)
    assert labels == sorted(labels, key=str.casefold)
    assert "Suomi – Finnish" in labels and "Lietuvių – Lithuanian" in labels
    # One convention: each native name starts with a capital letter.
    assert all(label[0].isupper() for label in labels)
    assert "Deutsch" not in block and "Svenska" not in block


# -- A fixed number of queries, facets included ---------------------------------------------


def test_a_searched_list_finds_its_results_once_for_their_number_and_every_count(client):
    """A search for a word in nearly every row matched every row once for the number of
    results and once more for each filter's counts: now once for all of them, in one
    statement. The page's keys, and its rows by those keys, are the other two."""
    topic = TopicFactory()
    for number in range(3):
        publication = PublicationFactory(title=f"Child report {number}", topics=[topic])
        EditionFactory(publication=publication, language=Language.FI)
    PublicationFactory(title="Family report")

    with CaptureQueriesContext(connection) as captured:
        response = client.get(PUBLICATIONS, {"q": "child"})

    searching = [query["sql"] for query in captured if "child" in query["sql"].lower()]
    assert len(searching) == 3, searching
    assert searching[0].count("child") == searching[1].count("child")
    assert response.context["page_obj"].paginator.count == 3
    html = response.content.decode()
    assert shown_options(html, "topic") == {topic.slug: 3}
    assert shown_options(html, "language") == {"fi": 3}


@pytest.mark.parametrize("rows", [5, 50])
def test_lists_with_facets_run_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, rows
):
    topics = [TopicFactory() for _ in range(3)]
    parent = ProjectFactory(acronym="P")
    for number in range(rows):
        project = ProjectFactory(parent=parent, topics=topics[: number % 3 + 1])
        ProjectFundingFactory(project=project)
        publication = PublicationFactory(project=project, topics=topics[: number % 3])
        EditionFactory(publication=publication, language=list(Language)[number % 13])
        MeetingFactory(projects=[project, parent], topics=topics[:1])
    topic = topics[0].slug

    for path, query in [
        (PUBLICATIONS, {"language": "fi", "project": "P", "topic": topic}),
        (MEETINGS, {"when": "past", "project": "P", "topic": topic}),
        (PROJECTS, {"status": "ongoing", "topic": topic}),
    ]:
        for params in ({}, query):
            with django_assert_max_num_queries(14):
                assert client.get(path, params).status_code == 200
