"""The portal tells the group's story in its own words: no public page, with the seed content
loaded, repeats a run of RUN words or more from the group's pages (tests/sources/).

Names are quoted as they are: the titles of publications, projects and meetings, the names of
topics (the mandate's priorities) and organisations, and speakers' functions. Everything else
on a page is the portal's own prose and is checked.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.management import call_command

from carportal.models import Organisation, Topic
from meetings.models import Meeting, Presentation
from projects.models import Project
from publications.models import Publication
from tests.sitemap import sitemap_paths

pytestmark = pytest.mark.django_db

RUN = 12
SOURCES = Path(__file__).parent / "sources"
# Public pages that the sitemap cannot list.
PAGES_BEYOND_THE_SITEMAP = ["/network/join/", "/network/sign-in/"]


def words(text):
    """Lower-case words without punctuation: "Children’s Unit," and "children's unit" agree."""
    return re.findall(r"[^\W_]+", text.replace("’", "'").casefold())


def runs(sequence):
    return {tuple(sequence[i : i + RUN]) for i in range(len(sequence) - RUN + 1)}


class VisibleText(HTMLParser):
    """The text a reader sees, block by block (a paragraph, a list item, a heading), without
    scripts or styles: two list items side by side do not make one run."""

    HIDDEN = {"script", "style", "template"}
    INLINE = {"a", "abbr", "b", "cite", "code", "em", "i", "q", "small", "span", "strong", "time"}

    def __init__(self):
        super().__init__()
        self.blocks, self.hidden = [[]], 0

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in self.HIDDEN
        if tag not in self.INLINE:
            self.blocks.append([])

    def handle_endtag(self, tag):
        self.hidden -= tag in self.HIDDEN
        if tag not in self.INLINE:
            self.blocks.append([])

    def handle_data(self, data):
        if not self.hidden:
            self.blocks[-1].append(data)


def visible_blocks(html):
    parser = VisibleText()
    parser.feed(html)
    return ["".join(block) for block in parser.blocks if block]


def names():
    """The names a page may quote, longest first, as lists of words."""
    texts = [
        *Publication.objects.values_list("title", flat=True),
        *Publication.objects.values_list("subtitle", flat=True),
        *Project.objects.values_list("title", flat=True),
        *Meeting.objects.values_list("title", flat=True),
        *Topic.objects.values_list("name", flat=True),
        *Organisation.objects.values_list("name", flat=True),
        *Presentation.objects.values_list("speaker_role", flat=True),
    ]
    return sorted({" ".join(words(text)) for text in texts if text}, key=len, reverse=True)


def prose(block, quoted):
    """The stretches of a block's words between the names it quotes."""
    text = f" {' '.join(words(block))} "
    for name in quoted:
        text = text.replace(f" {name} ", " | ")
    return [part.split() for part in text.split("|")]


def repeated(page_words, source_runs):
    """Each longest stretch of `page_words` made of runs found in the sources, as text."""
    found, start, end = [], None, -1
    for i in range(len(page_words) - RUN + 1):
        if tuple(page_words[i : i + RUN]) in source_runs:
            if start is None or i > end:
                if start is not None:
                    found.append(" ".join(page_words[start:end]))
                start = i
            end = i + RUN
    if start is not None:
        found.append(" ".join(page_words[start:end]))
    return found


@pytest.fixture(scope="module")
def source_runs():
    return set().union(*(runs(words(path.read_text())) for path in SOURCES.glob("*.txt")))


def test_the_copy_check_finds_a_run_of_twelve_words_and_no_shorter_one(source_runs):
    eleven = "Expert Group consists of senior officials from the CBSS Member States"
    twelve = f"{eleven} appointed"

    assert repeated(words(eleven), source_runs) == []
    assert repeated(words(f"In short: {twelve.upper()}, it says."), source_runs) == [
        " ".join(words(twelve))
    ]


def public_paths(client):
    return sitemap_paths(lambda path: client.get(path).content.decode()) + PAGES_BEYOND_THE_SITEMAP


def test_no_public_page_repeats_twelve_words_of_the_groups_pages(client, source_runs):
    call_command("seed", verbosity=0)
    paths = public_paths(client)
    quoted = names()
    assert {"/about/", "/contact/", "/meetings/eg-car-rovaniemi-2023/"} <= set(paths)

    copied = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        for block in visible_blocks(response.content.decode()):
            for stretch in prose(block, quoted):
                if found := repeated(stretch, source_runs):
                    copied.setdefault(path, []).extend(found)

    assert not copied, "Say these in the portal's own words:\n" + "\n".join(
        f"{path}: “{run}”" for path, runs_found in copied.items() for run in runs_found
    )
