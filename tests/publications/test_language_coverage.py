import csv
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from pytest_django.asserts import assertInHTML

from carportal.models import Country, Language
from publications.coverage import MEMBER_STATE_LANGUAGES, REGION_LANGUAGES
from publications.models import Publication
from tests.publications.factories import EditionFactory, PublicationFactory

pytestmark = pytest.mark.django_db

LIST = reverse("publications:list")
MATRIX = reverse("publications:languages")
CSV = reverse("publications:languages_csv")
REGION = ["EN", "DA", "DE", "ET", "FI", "IS", "LT", "LV", "NO", "PL", "SV"]


class TableText(HTMLParser):
    """The cells of the page's table, row by row, as their text (hidden words included)."""

    def __init__(self):
        super().__init__()
        self.rows, self.cell = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("th", "td"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("th", "td"):
            self.rows[-1].append(" ".join(" ".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table(response):
    parser = TableText()
    parser.feed(response.content.decode())
    return parser.rows


def body_rows(response):
    """The table's rows of works: title first, then its cells, without header and totals."""
    return table(response)[1:-1]


def with_editions(title, *languages, **kwargs):
    publication = PublicationFactory(title=title, **kwargs)
    for language in languages:
        EditionFactory(publication=publication, language=language)
    return publication


@pytest.fixture
def works():
    """Three published works and a draft, each with editions in some languages."""
    return {
        "guide": with_editions(
            "Practical guide",
            Language.EN,
            Language.FI,
            Language.RU,
            kind=Publication.Kind.PRACTICAL_GUIDE,
            published_on=None,
        ),
        "report": with_editions("Annual report", Language.EN, Language.SV),
        "brief": with_editions("Policy brief", kind=Publication.Kind.POLICY_BRIEF),
        "draft": with_editions("Unreleased handbook", Language.EN, Language.DA, draft=True),
    }


def marks(*available):
    """A row's cells for the region's languages, marked as the page marks them."""
    return ["✓ available" if code in available else "— missing" for code in REGION]


def test_the_regions_languages_are_english_and_those_of_the_member_states():
    seed = json.loads((Path(settings.BASE_DIR) / "fixtures" / "seed.json").read_text())
    members = {
        row["fields"]["code"]
        for row in seed
        if row["model"] == "carportal.country"
        and row["fields"]["membership"] == Country.Membership.MEMBER
    }

    assert set(MEMBER_STATE_LANGUAGES) == members
    assert [language.upper() for language in REGION_LANGUAGES] == REGION
    assert Language.RU not in REGION_LANGUAGES
    assert Language.UK not in REGION_LANGUAGES


def test_the_page_links_each_language_it_is_in_and_names_the_regions_others(client, works):
    guide = works["guide"]

    html = client.get(guide.get_absolute_url()).content.decode()

    links = "".join(
        f'<li><a href="{reverse("publications:edition", args=[guide.slug, code])}" '
        f'hreflang="{code}">{name}</a></li>'
        for code, name in [("en", "English"), ("fi", "Finnish"), ("ru", "Russian")]
    )
    assertInHTML(f'<dd><ul class="tags">{links}</ul></dd>', html)
    assertInHTML(
        "<dd>Danish, German, Estonian, Icelandic, Lithuanian, Latvian, Norwegian, Polish, "
        "Swedish</dd>",
        html,
    )
    assert "<dt>Not yet available in</dt>" in html


def test_a_page_without_editions_is_not_yet_in_any_of_the_regions_languages(client, works):
    html = client.get(works["brief"].get_absolute_url()).content.decode()

    assert "<dt>Available in</dt>" not in html
    assertInHTML(
        "<dd>English, Danish, German, Estonian, Finnish, Icelandic, Lithuanian, Latvian, "
        "Norwegian, Polish, Swedish</dd>",
        html,
    )


def test_a_page_in_every_language_of_the_region_misses_none(client):
    complete = with_editions("Complete", *REGION_LANGUAGES)

    html = client.get(complete.get_absolute_url()).content.decode()

    assert "<dt>Available in</dt>" in html
    assert "Not yet available in" not in html


def test_the_list_shows_each_works_languages_as_codes_with_their_names(client, works):
    html = client.get(LIST).content.decode()

    assertInHTML(
        '<span class="language-codes">'
        '<abbr title="English" aria-hidden="true">EN</abbr>'
        '<span class="visually-hidden">English</span><span class="visually-hidden">,</span> '
        '<abbr title="Finnish" aria-hidden="true">FI</abbr>'
        '<span class="visually-hidden">Finnish</span><span class="visually-hidden">,</span> '
        '<abbr title="Russian" aria-hidden="true">RU</abbr>'
        '<span class="visually-hidden">Russian</span></span>',
        html,
    )
    # A work without editions says nothing rather than an empty "Available in".
    assert html.count("Available in:") == 2


def test_the_list_links_to_the_matrix_with_its_filters(client, works):
    html = client.get(f"{LIST}?kind=practical_guide&page=1").content.decode()

    assert f'<a href="{MATRIX}?kind=practical_guide">Which translations exist?' in html


@pytest.mark.parametrize("rows", [5, 50])
def test_the_list_reads_the_editions_languages_in_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, rows
):
    for n in range(rows):
        with_editions(f"Work {n}", Language.EN, Language.ET, Language.UK)

    with django_assert_max_num_queries(12):
        response = client.get(LIST)

    assert response.content.decode().count("Available in:") == min(rows, 20)


def test_the_matrix_marks_each_work_and_language_and_counts_them(client, works):
    response = client.get(MATRIX)

    assert response.status_code == 200
    header, *rows, totals = table(response)
    assert header == [
        "Publication",
        "EN English",
        "DA Danish",
        "DE German",
        "ET Estonian",
        "FI Finnish",
        "IS Icelandic",
        "LT Lithuanian",
        "LV Latvian",
        "NO Norwegian",
        "PL Polish",
        "SV Swedish",
        "Other languages",
        "Region languages",
    ]
    assert rows == [
        ["Annual report June 2018", *marks("EN", "SV"), "", "2 of 11"],
        ["Policy brief June 2018", *marks(), "", "0 of 11"],
        ["Practical guide", *marks("EN", "FI"), "RU Russian", "2 of 11"],
    ]
    # The draft's English and Danish editions count for nothing.
    assert totals == [
        "Of all 3 publications, how many have it",
        "2",
        "0",
        "0",
        "0",
        "1",
        "0",
        "0",
        "0",
        "0",
        "0",
        "1",
        "",
        "",
    ]
    assert "Unreleased handbook" not in response.content.decode()


def test_the_matrix_is_an_accessible_table(client, works):
    html = client.get(MATRIX).content.decode()

    assert re.search(r"<caption[^>]*>Languages of each publication</caption>", html)
    assert html.count('<th scope="col"') == len(REGION) + 3
    assert html.count('<th scope="row">') == 3 + 1  # each work, and the totals
    assert '<div class="table-scroll" role="region" aria-labelledby="matrix-caption"' in html


@pytest.mark.parametrize(
    ("query", "titles", "total"),
    [
        ("kind=practical_guide", ["Practical guide"], "Of the 1 publication, how many have it"),
        ("language=sv", ["Annual report"], "Of the 1 publication, how many have it"),
        ("language=en", ["Annual report", "Practical guide"], "Of all 2 publications"),
    ],
)
def test_the_list_filters_narrow_the_matrix_and_its_totals(client, works, query, titles, total):
    response = client.get(f"{MATRIX}?{query}")

    rows = body_rows(response)
    assert [row[0].removesuffix(" June 2018") for row in rows] == titles
    assert table(response)[-1][0].startswith(total)
    english = table(response)[-1][1]
    assert english == str(len(titles))


def test_an_invalid_filter_shows_its_error_and_no_table(client, works):
    response = client.get(f"{MATRIX}?year=abc")

    assert response.status_code == 200
    assert response.context["filter"].form.errors
    assert "<table" not in response.content.decode()


def test_the_matrix_is_paged_as_the_list_and_counts_every_page(client):
    for n in range(settings.PAGINATE_BY + 3):
        with_editions(f"Work {n:02}", Language.EN, *([Language.LT] if n % 2 else []))

    first = client.get(MATRIX)
    second = client.get(f"{MATRIX}?page=2")

    assert len(body_rows(first)) == settings.PAGINATE_BY
    assert len(body_rows(second)) == 3
    for response in (first, second):
        totals = table(response)[-1]
        assert totals[:2] == ["Of all 23 publications, how many have it", "23"]
        assert totals[REGION.index("LT") + 1] == "11"
    assert "Languages of each publication, page 2 of 2" in second.content.decode()


@pytest.mark.parametrize("rows", [5, 50])
def test_the_matrix_and_its_spreadsheet_run_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, rows
):
    for n in range(rows):
        with_editions(f"Work {n}", Language.EN, Language.PL, Language.RU)

    with django_assert_max_num_queries(14):
        page = client.get(f"{MATRIX}?language=pl")
    with django_assert_max_num_queries(6):
        spreadsheet = client.get(f"{CSV}?language=pl")

    assert len(body_rows(page)) == min(rows, settings.PAGINATE_BY)
    assert len(spreadsheet.content.decode().splitlines()) == rows + 1


def read_csv(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_spreadsheet_holds_every_work_the_filters_select(client, works):
    with_editions("=HYPERLINK(1)", Language.DE)

    header, *rows = read_csv(client.get(CSV))

    assert header == [
        "Title",
        "Address",
        "English (en)",
        "Danish (da)",
        "German (de)",
        "Estonian (et)",
        "Finnish (fi)",
        "Icelandic (is)",
        "Lithuanian (lt)",
        "Latvian (lv)",
        "Norwegian (no)",
        "Polish (pl)",
        "Swedish (sv)",
        "Other languages",
        "Region languages available",
    ]
    yes_no = {row[0]: row[1:] for row in rows}
    guide = works["guide"]
    assert yes_no["Practical guide"] == [
        f"http://testserver{guide.get_absolute_url()}",
        *["yes" if code in ("EN", "FI") else "no" for code in REGION],
        "ru",
        "2",
    ]
    # Escaped, so that a spreadsheet shows the title rather than running it.
    assert "'=HYPERLINK(1)" in yes_no
    assert "Unreleased handbook" not in yes_no
    assert len(rows) == 4


def test_the_spreadsheet_follows_the_filters_and_refuses_invalid_ones(client, works):
    _, *rows = read_csv(client.get(f"{CSV}?language=sv"))
    invalid = client.get(f"{CSV}?year=abc")

    assert [row[0] for row in rows] == ["Annual report"]
    assert invalid.status_code == 302
    assert invalid["Location"] == f"{MATRIX}?year=abc"


def test_no_publication_takes_the_matrixs_address():
    publication = PublicationFactory.build(slug="languages")

    with pytest.raises(ValidationError) as error:
        publication.full_clean()

    assert "slug" in error.value.message_dict
