"""Site search, /search/?q= (carportal/search.py, carportal/site/search.py): the syntax, what it
finds and in which order, what it never shows, and the pages it gives for any query.

The tests marked postgresql need the stored search vector; the others hold on both databases
(SQLite runs the plain fallback)."""

import datetime
import io
import re

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carportal.search import MAX_SEARCH_WORDS, Term, parse
from meetings.models import Meeting
from publications.models import Publication
from tests.meetings.factories import MeetingFactory, PresidencyFactory
from tests.projects.factories import ProjectFactory
from tests.publications.factories import EditionFactory, PublicationFactory

pytestmark = pytest.mark.django_db

SEARCH = "/search/"


def titles(response):
    return [str(result.object) for result in response.context["page_obj"].object_list]


def search(client, query, **params):
    response = client.get(SEARCH, {"q": query, **params})
    assert response.status_code == 200
    return response


# The syntax ----------------------------------------------------------------------------------


def test_the_syntax_reads_phrases_minus_and_or_as_web_search_does():
    query = parse('"child trafficking" guide -begging oslo or stockholm')

    assert query.clauses == (
        (Term("child trafficking", ("child", "trafficking"), True, False),),
        (Term("guide", ("guide",), False, False),),
        (Term("begging", ("begging",), False, True),),
        (
            Term("oslo", ("oslo",), False, False),
            Term("stockholm", ("stockholm",), False, False),
        ),
    )
    assert query.words == ["child", "trafficking", "guide", "oslo", "stockholm"]


@pytest.mark.parametrize("value", ["", "   ", "-", "- - -", '"', '""', "%%% &&& !!", "or", "or or"])
def test_nothing_to_look_for_is_an_empty_query(value):
    assert not parse(value)


def test_a_search_that_only_leaves_out_looks_for_nothing():
    query = parse("-begging")

    assert query.clauses and not query


def test_an_unclosed_quote_runs_to_the_end_and_a_long_search_is_cut():
    assert parse('"best interests').clauses == (
        (Term("best interests", ("best", "interests"), True, False),),
    )
    long = parse(" ".join(f"word{n}" for n in range(5000)))
    assert len(long.clauses) == MAX_SEARCH_WORDS and long.truncated


# What the page finds and shows (both databases) ------------------------------------------------


@pytest.fixture
def content():
    guide = PublicationFactory(
        title="Practical guide on child trafficking",
        summary="For caseworkers.",
        published_on=datetime.date(2020, 1, 1),
    )
    EditionFactory(publication=guide, language="lt")
    PublicationFactory(title="Draft handbook on child trafficking", draft=True)
    MeetingFactory(title="Seminar on trafficking in Vilnius", summary="Two days of work.")
    MeetingFactory(title="Draft meeting on trafficking", draft=True)
    ProjectFactory(title="Mapping trafficking of children", summary="A study.")
    ProjectFactory(title="Draft project on trafficking", draft=True)
    PresidencyFactory(name="Lithuanian Presidency", summary="Against trafficking of children.")
    PresidencyFactory(name="Draft presidency", summary="On trafficking.", draft=True)
    return guide


def test_drafts_never_appear_in_results_or_counts(client, content):
    response = search(client, "trafficking")

    assert sorted(titles(response)) == [
        "Lithuanian Presidency",
        "Mapping trafficking of children",
        "Practical guide on child trafficking",
        "Seminar on trafficking in Vilnius",
    ]
    assert response.context["counts"] == {
        "publication": 1,
        "meeting": 1,
        "project": 1,
        "presidency": 1,
    }
    assert "Draft" not in response.content.decode()
    assert titles(search(client, "draft")) == []


def test_each_types_count_is_the_number_of_results_its_link_gives(client, content):
    MeetingFactory.create_batch(3, title="Training on trafficking")
    response = search(client, "trafficking")
    html = response.content.decode()

    for name, plural, count in response.context["type_counts"]:
        narrowed = search(client, "trafficking", type=name)
        assert len(titles(narrowed)) == count == narrowed.context["total"]
        assert f"{plural} ({count})" in html
    assert response.context["total"] == len(titles(response)) == 7
    assert "All (7)" in html


def test_publications_found_lead_to_the_same_search_in_the_publication_list(client, content):
    html = search(client, "trafficking").content.decode()

    assert 'href="/publications/?q=trafficking"' in html
    listed = client.get("/publications/", {"q": "trafficking"}).context["publications"]
    assert [publication.title for publication in listed] == [content.title]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Type a word or two above to search the portal."),
        ("xyzzyplugh", "Nothing on the portal matches your search."),
        ("-", "There is no word to look for in this search."),
        ("-trafficking", "There is no word to look for in this search."),
        ("%%% ### ***", "There is no word to look for in this search."),
        ('"unclosed quote', "Nothing on the portal matches your search."),
        ("word " * 3000, "Your search was long, so only its start was searched"),
        ("\x00<script>alert(1)</script>", "Nothing on the portal matches your search."),
    ],
)
def test_empty_nonsense_and_hostile_searches_get_a_helpful_page(client, content, query, message):
    html = search(client, query).content.decode()

    assert message in html
    assert "<script>alert" not in html


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    query=st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=80),
    kind=st.sampled_from(["", "publication", "meeting", "nonsense"]),
    page=st.sampled_from(["", "1", "2", "-1", "abc", "99999999999999999999"]),
)
def test_no_search_makes_the_page_fail(client, content, query, kind, page):
    assert client.get(SEARCH, {"q": query, "type": kind, "page": page}).status_code == 200


def test_the_snippet_marks_the_words_found_and_escapes_the_rest(client):
    PublicationFactory(
        title="Guide",
        summary="Protecting <img src=x onerror=alert(1)> children & families.",
    )

    html = search(client, "children").content.decode()
    snippet = re.search(r'<p class="search-result__snippet">(.*?)</p>', html)[1]

    assert "<mark>children</mark>" in snippet
    assert "&lt;img src=x onerror=alert(1)&gt;" in snippet
    assert re.sub(r"</?mark>", "", snippet).count("<") == 0


def test_a_title_match_comes_before_a_summary_match(client):
    PublicationFactory(title="Annual report", summary="On guardianship of children.")
    PublicationFactory(title="Guardianship in the region", summary="A survey.")
    MeetingFactory(title="Expert meeting", description="Guardianship was discussed.")

    found = titles(search(client, "guardianship"))

    assert found[0] == "Guardianship in the region"
    assert sorted(found[1:]) == ["Annual report", "Expert meeting"]


@pytest.mark.parametrize("rows", [5, 50])
def test_the_search_page_runs_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, rows
):
    for number in range(rows):
        EditionFactory(publication=PublicationFactory(title=f"Safeguarding report {number}"))
        MeetingFactory(title=f"Safeguarding seminar {number}")
        ProjectFactory(title=f"Safeguarding project {number}")
        PresidencyFactory(name=f"Presidency {number}", summary="Safeguarding first.")

    # The counts per type with the page's keys (1), each type's rows and their prefetches
    # (7), and the request's savepoint (2).
    with django_assert_max_num_queries(10):
        response = search(client, "safeguarding")
    assert response.context["total"] == 4 * rows
    with django_assert_max_num_queries(5):
        search(client, "safeguarding", type="publication")


def test_pages_of_results_follow_one_another_and_a_page_past_the_last_shows_the_last(
    client, settings
):
    settings.PAGINATE_BY = 3
    for year in range(2010, 2017):
        PublicationFactory(
            title=f"Safeguarding report {year}", published_on=datetime.date(year, 1, 1)
        )
    MeetingFactory(title="Safeguarding seminar", start_date=datetime.date(2005, 1, 1))

    pages = [titles(search(client, "safeguarding", page=number)) for number in (1, 2, 3)]

    newest_first = [f"Safeguarding report {year}" for year in range(2016, 2009, -1)]
    assert pages == [newest_first[:3], newest_first[3:6], [newest_first[6], "Safeguarding seminar"]]
    for past in ("4", "99999999999999999999999", "-1"):
        response = search(client, "safeguarding", page=past)
        assert response.context["page_obj"].number == 3
        assert titles(response) == pages[2]
        assert response.context["counts"] == {
            "publication": 7,
            "meeting": 1,
            "project": 0,
            "presidency": 0,
        }


def test_the_header_has_a_labelled_search_box_that_works_without_javascript(client, content):
    html = client.get("/publications/").content.decode()

    form = re.search(r'<form class="site-search"[^>]*>.*?</form>', html, re.DOTALL)[0]
    assert 'action="/search/"' in form and 'method="get"' in form
    assert '<label class="visually-hidden" for="site-search-q">Search the portal</label>' in form
    assert 'id="site-search-q" name="q"' in form


# PostgreSQL: the stored vector ------------------------------------------------------------------


def vector(row):
    """The row's stored search vector, as PostgreSQL writes it."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT search_vector::text FROM {row._meta.db_table} WHERE id = %s", [row.pk]
        )
        return cursor.fetchone()[0]


@pytest.mark.postgresql
def test_weights_rank_title_above_summary_above_description(client):
    MeetingFactory(title="Expert meeting", description="Guardianship was discussed.")
    PublicationFactory(title="Annual report", summary="On guardianship of children.")
    ProjectFactory(title="Guardianship in the region", summary="A survey.")

    assert titles(search(client, "guardianship")) == [
        "Guardianship in the region",
        "Annual report",
        "Expert meeting",
    ]


@pytest.mark.postgresql
def test_phrases_and_left_out_words_work(client):
    PublicationFactory(title="Best interests of the child")
    PublicationFactory(title="The child's interests come best", summary="Begging.")
    PublicationFactory(title="Interests in the best way", summary="On begging.")

    assert titles(search(client, '"best interests"')) == ["Best interests of the child"]
    assert sorted(titles(search(client, "interests -begging"))) == ["Best interests of the child"]
    assert sorted(titles(search(client, "child or way -interests"))) == []
    assert sorted(titles(search(client, '"best way" or "best interests"'))) == [
        "Best interests of the child",
        "Interests in the best way",
    ]


@pytest.mark.postgresql
@pytest.mark.parametrize(
    ("typed", "title"),
    [
        ("Lietuv", "Vaikų apsauga Lietuvoje"),
        ("vaik", "Vaikų apsauga Lietuvoje"),
        ("dziec", "Wytyczne dotyczące ochrony dzieci"),
        ("ochron", "Wytyczne dotyczące ochrony dzieci"),
        ("traffick", "Children trafficked for begging"),
        ("child", "Children trafficked for begging"),
    ],
)
def test_the_start_of_a_plain_word_finds_it_in_any_language(client, typed, title):
    PublicationFactory(title="Vaikų apsauga Lietuvoje")
    PublicationFactory(title="Wytyczne dotyczące ochrony dzieci")
    PublicationFactory(title="Children trafficked for begging")

    assert titles(search(client, typed)) == [title]


@pytest.mark.postgresql
def test_english_words_match_in_their_other_forms(client):
    PublicationFactory(title="Protecting trafficked children")

    for typed in ["protection", "trafficking", "protects"]:
        assert titles(search(client, typed)) == ["Protecting trafficked children"], typed


@pytest.mark.postgresql
def test_the_vector_follows_a_save_and_bulk_writes():
    publication = PublicationFactory(title="Original title")
    assert "'origin'" in vector(publication)

    publication.title = "Guardianship"
    publication.save()
    assert "'guardianship'" in vector(publication) and "origin" not in vector(publication)

    (created,) = Publication.objects.bulk_create(
        [Publication(slug="bulk", title="Barnahus handbook", kind="report", summary="S.")]
    )
    assert "'barnahus'" in vector(created)

    created.summary = "Forensic interviews"
    Publication.objects.bulk_update([created], ["summary"])
    assert "'forens'" in vector(created)

    Meeting.objects.filter(pk=MeetingFactory(title="Tallinn").pk).update(title="Riga")
    assert "'riga'" in vector(Meeting.objects.get())


@pytest.mark.postgresql
def test_the_vector_follows_a_spreadsheet_import(admin_client):
    publication = PublicationFactory(slug="imported", title="Before the import")
    dataset = tablib.Dataset(
        ["imported", "Safeguarding after the import", "guidelines", "published", "A summary."],
        ["new-one", "Barnahus in practice", "report", "published", "Another summary."],
        headers=["Slug", "Title", "Kind", "Status", "Summary"],
    )
    url = "/admin/publications/publication/"
    preview = admin_client.post(
        f"{url}import/",
        {
            "format": "0",
            "import_file": SimpleUploadedFile("list.csv", io.BytesIO(dataset.csv.encode()).read()),
        },
    )
    assert preview.context.get("confirm_form"), preview.content.decode()[:2000]
    admin_client.post(f"{url}process_import/", preview.context["confirm_form"].initial)

    assert "'safeguard'" in vector(publication)
    assert "'barnahus'" in vector(Publication.objects.get(slug="new-one"))
    assert titles(search(admin_client, "safeguarding")) == ["Safeguarding after the import"]


def test_an_editions_own_title_finds_its_publication_once(client):
    publication = PublicationFactory(title="Guidelines for professionals")
    edition = EditionFactory(publication=publication, language="lt", title="Gairės Lietuvoje")
    EditionFactory(publication=publication, language="lv", title="Vadlīnijas Lietuvai")
    EditionFactory(publication=publication, language="pl")
    found = ["Guidelines for professionals"]

    assert titles(search(client, "Lietuv")) == found
    listed = client.get("/publications/", {"q": "Lietuv"}).context["publications"]
    assert [row.title for row in listed] == found
    assert titles(search(client, "Gairės")) == found
    assert titles(search(client, "guidelines -Gairės")) == []

    edition.title = "Vaiko teisių apsauga"
    edition.save()
    assert titles(search(client, "Gairės")) == []
    assert titles(search(client, "vaik")) == found
    assert titles(search(client, "guidelines -Gairės")) == found

    edition.delete()
    assert titles(search(client, "vaik")) == []


@pytest.mark.parametrize("url", ["/search/", "/publications/"])
def test_a_result_shows_the_translated_titles_it_was_found_by_in_their_language(client, url):
    publication = PublicationFactory(title="Guidelines for professionals")
    EditionFactory(publication=publication, language="en", title="Guidelines for professionals")
    EditionFactory(publication=publication, language="lt", title="Gairės vaiko apsaugai")
    EditionFactory(publication=publication, language="lv", title="Vadlīnijas speciālistiem")

    html = client.get(url, {"q": "vaiko"}).content.decode()

    found = (
        f'<p class="item__edition">In Lithuanian: <a href="/publications/{publication.slug}'
        '/editions/lt/" hreflang="lt" type="application/pdf"><span lang="lt">Gairės'
        " <mark>vaiko</mark> apsaugai</span>"
    )
    assert found in html
    assert "Vadlīnijas" not in html
    # Found by its own title, a publication shows no edition's.
    assert "item__edition" not in client.get(url, {"q": "guidelines"}).content.decode()
