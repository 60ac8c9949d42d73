import csv
import io
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carportal.bulk_import import RelatedRowsField
from carportal.dates import DatePrecision, format_iso, parse_iso, widen
from carportal.spreadsheets import csv_response, escape_formula, split_list, unescape_formula
from network.models import ContactPoint, ContactPointLanguage
from network.resources import ContactPointResource
from publications.models import Publication
from publications.resources import PublicationResource


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://example.org","x")', '\'=HYPERLINK("http://example.org","x")'),
        ("+358401234567", "'+358401234567"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("'=already quoted", "''=already quoted"),
        ("'s-Hertogenbosch", "'s-Hertogenbosch"),
        ("Jõgeva", "Jõgeva"),
        ("", ""),
        (7, 7),
        (None, None),
    ],
)
def test_a_cell_that_would_be_a_formula_is_written_as_text(value, written):
    assert escape_formula(value) == written
    assert unescape_formula(written) == value


@given(st.text())
def test_unescaping_gives_back_any_text_exactly(text):
    assert unescape_formula(escape_formula(text)) == text
    assert not escape_formula(text).startswith(("=", "+", "-", "@", "\t", "\r"))


def test_a_csv_download_is_utf8_with_a_byte_order_mark_and_escaped():
    response = csv_response([["Åsa Ōra", "=1+1"]], header=["Name", "Note"], filename="people.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="people.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [["Name", "Note"], ["Åsa Ōra", "'=1+1"]]


@given(st.dates(min_value=date(1000, 1, 1)), st.sampled_from(list(DatePrecision)))
def test_a_partial_date_reads_back_as_it_is_written(day, precision):
    first_day = widen(day, precision)[0]

    assert parse_iso(format_iso(day, precision)) == (first_day, precision)


@pytest.mark.parametrize("text", ["14.5.2026", "2026-13", "2026-02-30", "26", "May 2026", ""])
def test_anything_else_is_not_a_partial_date(text):
    with pytest.raises(ValueError):
        parse_iso(text)


@pytest.mark.parametrize(
    ("cell", "commas", "items"),
    [
        ("fi, sv,,en", True, ["fi", "sv", "en"]),
        ("Swedish Institute, Baltic Sea Unit", False, ["Swedish Institute, Baltic Sea Unit"]),
        (
            "Child Circle; Swedish Institute, Baltic Sea Unit",
            True,
            ["Child Circle", "Swedish Institute, Baltic Sea Unit"],
        ),
        ("CBSS\nEC\n", True, ["CBSS", "EC"]),
        ("fi;fi", True, ["fi"]),
        (None, True, []),
    ],
)
def test_a_list_cell_splits_at_semicolons_line_breaks_or_commas(cell, commas, items):
    assert split_list(cell, commas=commas) == items


def test_one_related_rows_field_serves_every_list():
    """Contact points' languages and expertise and the content lists' many-to-many columns
    are the same RelatedRowsField (carportal/bulk_import.py), told apart by their link rows."""
    contact_fields = ContactPointResource().fields
    topics = PublicationResource().fields["topics"]

    assert isinstance(topics, RelatedRowsField)
    assert (topics.link_model, topics.owner, topics.value, topics.m2m_name) == (
        Publication.topics.through,
        "publication_id",
        "topic_id",
        "topics",
    )
    # A part of its own in the history (recorded row by row), or a many-to-many field's rows.
    languages, expertise = contact_fields["languages"], contact_fields["expertise"]
    assert (languages.link_model, languages.m2m_name) == (ContactPointLanguage, None)
    assert (expertise.link_model, expertise.m2m_name) == (
        ContactPoint.expertise.through,
        "expertise",
    )
