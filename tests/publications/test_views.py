import datetime
import time

import pytest
from django.urls import reverse

from carportal.models import Language
from publications.models import Publication
from tests.carportal.factories import OrganisationFactory, TopicFactory
from tests.projects.factories import ProjectFactory
from tests.publications.factories import EditionFactory, PublicationFactory

pytestmark = pytest.mark.django_db

LIST = reverse("publications:list")


def titles(response):
    return sorted(publication.title for publication in response.context["publications"])


@pytest.fixture
def publications():
    protect = ProjectFactory(slug="protect")
    guide = PublicationFactory(
        title="Practical guide",
        kind=Publication.Kind.PRACTICAL_GUIDE,
        project=protect,
        published_on=None,
        summary="For caseworkers and case officers.",
    )
    for language in (Language.EN, Language.FI, Language.RU):
        EditionFactory(publication=guide, language=language)
    oslo = PublicationFactory(
        title="Oslo Conclusions",
        kind=Publication.Kind.CONCLUSIONS,
        published_on=datetime.date(2018, 6, 1),
        topics=[TopicFactory(slug="participation")],
    )
    EditionFactory(publication=oslo)
    PublicationFactory(title="Unreleased report", draft=True)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Oslo Conclusions", "Practical guide"]),
        ("kind=practical_guide", ["Practical guide"]),
        ("language=fi", ["Practical guide"]),
        ("language=en", ["Oslo Conclusions", "Practical guide"]),
        ("year=2018", ["Oslo Conclusions"]),
        ("project=protect", ["Practical guide"]),
        ("topic=participation", ["Oslo Conclusions"]),
        ("q=caseworkers", ["Practical guide"]),
        ("q=OSLO conclusions", ["Oslo Conclusions"]),
        ("q=unreleased", []),
        ("language=fi&kind=conclusions", []),
    ],
)
def test_each_filter_narrows_the_list(client, publications, query, expected):
    response = client.get(f"{LIST}?{query}")

    assert response.status_code == 200
    assert titles(response) == expected


@pytest.mark.parametrize("query", ["language=xx", "year=abc", "kind=poem", "project=unknown"])
def test_a_nonsense_filter_value_gives_the_page_with_a_message(client, publications, query):
    response = client.get(f"{LIST}?{query}")

    assert response.status_code == 200
    assert response.context["filter"].form.errors
    assert titles(response) == []


def test_a_language_is_accepted_while_a_published_work_has_it_read_afresh(client):
    work = PublicationFactory()
    EditionFactory(publication=work, language=Language.EN)

    def finnish_accepted():
        return not client.get(LIST, {"language": "fi"}).context["filter"].form.errors

    assert not finnish_accepted()
    EditionFactory(publication=work, language=Language.FI)
    assert finnish_accepted()
    work.status = Publication.Status.DRAFT
    work.save()
    assert not finnish_accepted()


def test_detail_lists_editions_with_language_and_size_and_addenda(client):
    guidelines = PublicationFactory(title="Guidelines")
    guidelines.organisations.add(OrganisationFactory(name="Child Circle"))
    EditionFactory(publication=guidelines, language=Language.LV, file_size=2_500_000)
    PublicationFactory(
        title="Addendum December 2016", amends=guidelines, kind=Publication.Kind.ADDENDUM
    )
    PublicationFactory(title="Draft addendum", amends=guidelines, draft=True)

    content = client.get(guidelines.get_absolute_url()).content.decode()

    for text in (
        "Guidelines",
        "Latvian",
        "2.4\xa0MB",
        "Addendum December 2016",
        "Child Circle",
        reverse("publications:edition", args=[guidelines.slug, "lv"]),
    ):
        assert text in content
    assert "Draft addendum" not in content


def test_edition_download_serves_published_files_only(client):
    edition = EditionFactory(language=Language.ET)
    draft = EditionFactory(publication=PublicationFactory(draft=True))

    response = client.get(reverse("publications:edition", args=[edition.publication.slug, "et"]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 edition"
    assert response["Content-Type"] == "application/pdf"
    for slug, language in [(draft.publication.slug, "en"), (edition.publication.slug, "fi")]:
        assert client.get(reverse("publications:edition", args=[slug, language])).status_code == 404


@pytest.mark.parametrize("rows", [5, 50])
def test_publication_pages_run_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, rows
):
    topic = TopicFactory()
    project = ProjectFactory()
    for _ in range(rows):
        publication = PublicationFactory(project=project, topics=[topic])
        publication.organisations.add(OrganisationFactory())
        EditionFactory(publication=publication, language=Language.EN)
        EditionFactory(publication=publication, language=Language.FI)
        PublicationFactory(amends=publication)

    for url in [LIST, f"{LIST}?language=fi&q=publication", publication.get_absolute_url()]:
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200


def test_every_edition_language_is_named_in_english_and_in_itself(client):
    publication = PublicationFactory()
    for language in Language:
        EditionFactory(publication=publication, language=language)

    html = client.get(publication.get_absolute_url()).content.decode()

    for language in Language:
        assert f"Read in {language.label}" in html
    assert '<span lang="fi">suomi</span>' in html


def test_a_search_of_thousands_of_words_runs_the_first_ten_and_says_so(client, publications):
    first_words = "practical guide for caseworkers and case officers pract guid offic"
    long_query = " ".join([first_words, *(f"nomatch{n}" for n in range(4990))])

    started = time.perf_counter()
    response = client.get(LIST, {"q": long_query})
    elapsed = time.perf_counter() - started

    assert response.status_code == 200
    assert elapsed < 2
    assert titles(response) == titles(client.get(LIST, {"q": first_words})) == ["Practical guide"]
    assert f"only its first 10 words were searched: {first_words}" in response.content.decode()


def test_a_short_search_shows_no_notice(client, publications):
    response = client.get(LIST, {"q": "Oslo OSLO conclusions"})

    assert titles(response) == ["Oslo Conclusions"]
    assert "were searched" not in response.content.decode()


@pytest.mark.parametrize("language", ["%00", "xx", "EN", "e"])
def test_an_edition_in_an_unknown_language_is_not_found(client, language):
    edition = EditionFactory()

    response = client.get(f"/publications/{edition.publication.slug}/editions/{language}/")

    assert response.status_code == 404


def test_an_edition_whose_file_is_missing_is_not_found_and_logged(client, caplog):
    edition = EditionFactory(language=Language.FI)
    edition.file.storage.delete(edition.file.name)

    response = client.get(reverse("publications:edition", args=[edition.publication.slug, "fi"]))

    assert response.status_code == 404
    assert f"publications.Edition {edition.pk} is missing from storage: {edition.file.name}" in (
        caplog.text
    )
