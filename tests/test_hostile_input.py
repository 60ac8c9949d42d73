"""Whatever a visitor or a bot puts in a query string or a path, the answer is never a 5xx.

Hypothesis writes the requests: every filter of each public list (and ``page``, keys repeated or
unknown) with control characters, NUL, huge numbers, long text and unicode as values, and
arbitrary segments in every route that takes a slug, a language or a primary key. The examples
are derived from the test's name (``derandomize``), so a failure found in CI fails the same way
on a laptop; bench/fuzz.py throws random requests of the same kinds at a running server.
"""

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carportal.models import Language
from meetings.filters import MeetingCalendarFilter, MeetingFilter
from meetings.models import Meeting
from projects.filters import ProjectFilter
from projects.models import Project
from publications.filters import PublicationFilter
from publications.models import Publication
from tests.carportal.factories import CountryFactory, TopicFactory
from tests.meetings.factories import MeetingDocumentFactory, MeetingFactory, PresidencyFactory
from tests.projects.factories import ProjectFactory, ProjectFundingFactory
from tests.publications.factories import EditionFactory, PublicationFactory

pytestmark = pytest.mark.django_db

HOSTILE = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    # Each example only reads (GET through a client that keeps no state between requests), so the
    # rows made once per test by the function-scoped fixtures serve every example alike.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

LISTS = {
    "/meetings/": MeetingFilter,
    "/meetings/calendar.ics": MeetingCalendarFilter,  # the list's filters, as a feed
    "/projects/": ProjectFilter,
    "/publications/": PublicationFilter,
    "/presidencies/": None,  # a plain list: only paging and stray parameters
}

# Real keys and choices, so that many examples get past validation into the queries.
KNOWN_VALUES = [
    "hostile",
    "hostile-topic",
    "fi",
    "hostile-funder",
    "upcoming",
    "past",
    "2024",
    "1",
    "2",
    *Language.values,
    *Meeting.Kind.values,
    *Project.PeriodStatus.values,
    *Publication.Kind.values,
]

control_characters = st.characters(codec="utf-8", categories=["Cc", "Cf", "Zl", "Zp", "Zs"])
text = st.text(st.characters(codec="utf-8"), max_size=40)
huge = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.builds(
        lambda piece, times: piece * times,
        st.sampled_from(["x", "9", "é ", "word ", "\x00", "%", "../"]),
        st.integers(min_value=500, max_value=5_000),
    ),
)
value = st.one_of(
    st.sampled_from(KNOWN_VALUES),
    text,
    st.text(control_characters, max_size=10),
    huge,
    st.binary(max_size=20),  # percent-encoded as is, so not always valid UTF-8
)


def encoded(part):
    return quote(part, safe="")


@pytest.fixture
def rows():
    """One published row of every kind, with its files, for filters and routes to find."""
    topic = TopicFactory(slug="hostile-topic")
    country = CountryFactory(code="fi")
    presidency = PresidencyFactory(slug="hostile", country=country)
    project = ProjectFactory(slug="hostile", topics=[topic])
    ProjectFundingFactory(project=project, funder__slug="hostile-funder")
    meeting = MeetingFactory(
        slug="hostile", presidency=presidency, country=country, topics=[topic], projects=[project]
    )
    publication = PublicationFactory(slug="hostile", project=project, topics=[topic])
    EditionFactory(publication=publication, language=Language.FI)
    return MeetingDocumentFactory(meeting=meeting)


def query_strings(filterset):
    """Pairs of a filter's name (or any key) and a value, repeated keys included."""
    names = [*(filterset.base_filters if filterset else []), "page"]
    pair = st.tuples(st.one_of(st.sampled_from(names), text), value)
    return st.lists(pair, max_size=8).map(
        lambda pairs: "&".join(f"{encoded(key)}={encoded(val)}" for key, val in pairs)
    )


@pytest.mark.parametrize("path", LISTS)
@HOSTILE
@given(data=st.data())
def test_no_query_string_makes_a_list_fail(client, rows, path, data):
    query_string = data.draw(query_strings(LISTS[path]), label="query string")

    response = client.get(f"{path}?{query_string}")

    assert response.status_code < 500


ROUTES = [
    "/presidencies/{}/",
    "/meetings/{}/",
    "/meetings/{}/calendar.ics",
    "/projects/{}/",
    "/publications/{}/",
    "/publications/{}/editions/fi/",
    "/publications/hostile/editions/{}/",
    "/meetings/{}/documents/{pk}/",
    "/meetings/hostile/documents/{}/",
]

segment = st.one_of(
    st.sampled_from(["hostile", "fi", "FI", "0", "-1", "9223372036854775808", "%00", ".", ".."]),
    text.map(encoded),
    st.text(control_characters, min_size=1, max_size=10).map(encoded),
    huge.map(encoded),
    st.binary(min_size=1, max_size=20).map(encoded),
)


@pytest.mark.parametrize("route", ROUTES)
@HOSTILE
@given(part=segment)
def test_no_path_segment_makes_a_page_fail(client, rows, route, part):
    response = client.get(route.format(part, pk=rows.pk))

    assert response.status_code < 500
