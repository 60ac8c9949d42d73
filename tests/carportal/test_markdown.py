"""Long texts in Markdown, sanitised on pages and in PDFs (carportal/markdown.py)."""

import pytest

from carportal.markdown import render, render_inline
from tests.meetings.factories import MeetingFactory, PresidencyFactory
from tests.projects.factories import ProjectFactory
from tests.test_pdf import pdf_text, requires_weasyprint

ATTACKS = """\
<script>alert("one")</script>

[Click me](javascript:alert('two'))

<img src=x onerror="alert('three')">

[Data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)
"""


def test_headings_lists_links_and_emphasis_render():
    html = render(
        "# Aims\n\nThe **Barnahus** model, *child-friendly*:\n\n- one\n- two\n\n"
        "See [the guidelines](https://www.childrenatrisk.eu/guidelines)."
    )

    assert "<h3>Aims</h3>" in html  # under the page's own h1 and h2
    assert "<strong>Barnahus</strong>" in html and "<em>child-friendly</em>" in html
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html
    assert (
        '<a href="https://www.childrenatrisk.eu/guidelines" rel="noopener noreferrer">'
        "the guidelines</a>"
    ) in html


def test_no_script_handler_or_dangerous_link_survives():
    html = render(ATTACKS)

    # No element but those allowed: the attacks stay as text, never as tags or links.
    assert "<script" not in html and "<img" not in html
    assert 'href="javascript' not in html and 'href="data' not in html
    # Typed HTML shows as the text it is, so nothing an editor wrote vanishes.
    assert "&lt;script&gt;" in html


def test_a_line_of_a_list_keeps_only_inline_markup():
    assert render_inline("**Child** [rights](https://example.org) # not a heading") == (
        '<strong>Child</strong> <a href="https://example.org" rel="noopener noreferrer">'
        "rights</a> # not a heading"
    )
    assert "<script" not in render_inline("<script>x</script>")


@pytest.mark.django_db
def test_the_page_shows_the_markdown_and_no_attack(client):
    meeting = MeetingFactory(description="Two **workshops** on Barnahus.\n\n" + ATTACKS)
    presidency = PresidencyFactory(priorities="*Safe* childhoods\n[Trafficking](javascript:x)")

    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Two <strong>workshops</strong> on Barnahus." in page
    assert 'href="javascript' not in page and "<script>alert" not in page

    page = client.get(presidency.get_absolute_url()).content.decode()
    assert "<li><em>Safe</em> childhoods</li>" in page
    assert 'href="javascript' not in page


@requires_weasyprint
@pytest.mark.django_db
def test_the_pdf_shows_the_markdown_as_text_without_its_marks(client):
    project = ProjectFactory(
        description="## Method\n\nThe **Barnahus** model.", outcomes="A *practical* guide"
    )

    text = pdf_text(client.get(f"/projects/{project.slug}/factsheet.pdf").content)

    assert "Method" in text and "The Barnahus model." in text and "A practical guide" in text
    assert "**" not in text and "##" not in text
