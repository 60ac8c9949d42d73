"""PDF benchmark: time and peak memory of our documents beside bare weasyprint.

    .venv/bin/python bench/pdf.py [--repeat 2]

Runs in-process on an in-memory SQLite database filled with generated rows (the test
settings; nothing is written to disk). For each document, a 2-page meeting programme and
publication catalogues of about 50 and 200 pages, it requests the PDF through Django's test
client (URL routing, middleware, queries, templates and weasyprint, page cache off), warm,
best of ``--repeat`` runs. Every document is made in the request, as the Celery task makes a
long one (carportal/pdf_jobs.py), so what is timed is the making, never a stored copy. Peak
memory is the process's peak resident set size after each document (it only grows, and the
documents run smallest first).

Beside each, bare weasyprint renders a hand-written HTML string of the same page count and
the same kind of document: flowing text blocks under headings, each with a list of links, in
DejaVu Sans on A4, with a running header, a footer with "page X of Y" and the export date,
bookmarks from the headings, and a tagged PDF (PDF/UA-1) with title and language; the
catalogues also have a cover without header or footer and a contents page whose page numbers
come from target-counter(). It leaves out only what the portal adds to the engine: URL
routing, queries, templates, our stylesheet file and URL fetcher. Times are wall-clock and
CPU seconds; the ratio (goal: at most 1.5) is of CPU seconds, which other work on a shared
machine disturbs less than the wall clock.

Measured on this 2-core machine shared with other work (load average about 1), --repeat 3:
programme, 2 pages, 0.08 s (1.12x); catalogue of 51 pages 3.85 s (1.11x); of 198 pages
16.6 s (1.08x), peak 493 MB. Before the font configuration and stylesheet were kept per
thread (load 2 to 3): 0.09 s (1.35x), 3.79 s (1.10x), 17.6 s (1.20x), 497 MB. The catalogues
are the engine's work either way (queries and template: 0.3 s of 17). The 2.8x to 3.6x
measured first were against an untagged page of paragraphs without running header, footer,
contents or links.
"""

import argparse
import io
import os
import resource
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ["DJANGO_SETTINGS_MODULE"] = "carportal.settings.test"
os.environ.pop("DATABASE_URL", None)
os.environ.pop("REDIS_URL", None)
# Every document is made in the request, as the task makes a long one: what is timed is
# the making, not a stored file being handed out again.
os.environ["PDF_TASK_ROWS"] = str(10**9)

SUMMARY = (
    "Guidance for professionals who meet children at risk of trafficking and exploitation: "
    "how to recognise the signs, whom to call, and how agencies share the work. "
)

BARE_CSS = """
@page {
  size: A4; margin: 22mm 20mm 24mm;
  @top-left { content: element(header); }
  @bottom-left { content: element(date); }
  @bottom-right { content: element(folio); }
}
@page cover { @top-left { content: none; } @bottom-right { content: none; } }
html { font-family: "DejaVu Sans"; font-size: 10pt; line-height: 1.45; }
.header { position: running(header); }
.date { position: running(date); }
.folio { position: running(folio); }
.folio::after { content: "Page " counter(page) " of " counter(pages); }
h1, h2 { break-after: avoid; }
.cover { page: cover; break-after: page; }
.contents { break-after: page; }
.contents a::after { content: leader(". ") target-counter(attr(href), page); }
"""


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def best_of(repeat, make):
    """Best wall-clock and CPU seconds of `repeat` warm runs, and the last result."""
    walls, cpus, result = [], [], None
    make()  # warm: templates, fonts, stylesheet
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = make()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus), result


def page_count(content):
    import pypdf

    return len(pypdf.PdfReader(io.BytesIO(content)).pages)


def bare_html(blocks, paragraphs, with_contents):
    """`blocks` text blocks, each a heading, its text and two links, as one document."""
    entries = "".join(
        f"<article id='e{n}'><h2>Publication {n}</h2><p>Guidelines · June 2018</p>"
        + f"<p>{SUMMARY * 3}</p>" * paragraphs
        + f"<ul><li><a href='https://example.org/{n}/lt'><span lang='lt'>Gairės ąčęėįšųūž</span>"
        f"</a> (Lithuanian, PDF)</li><li><a href='https://example.org/{n}/ru'>"
        f"<span lang='ru'>Руководство</span></a> (Russian, PDF)</li></ul>"
        f"<p><a href='https://example.org/{n}/'>example.org/{n}/</a></p></article>"
        for n in range(blocks)
    )
    front = ""
    if with_contents:
        items = "".join(f"<li><a href='#e{n}'>Publication {n}</a></li>" for n in range(blocks))
        front = (
            "<section class='cover'><h1>Catalogue</h1><p>Every publication.</p></section>"
            f"<nav class='contents'><h2>Contents</h2><ol>{items}</ol></nav>"
        )
    return (
        f"<html lang='en'><head><title>Bare</title><style>{BARE_CSS}</style></head><body>"
        "<p class='header'>Council of the Baltic Sea States</p>"
        "<p class='date'>Exported on 1 January 2026</p><p class='folio'></p>"
        f"{front}{entries}</body></html>"
    )


def bare_pdf(html, weasyprint):
    return weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")


def bare_document(target_pages, paragraphs, with_contents, weasyprint):
    """Bare HTML with as many text blocks as make `target_pages` pages."""
    blocks = target_pages

    def pages_of(blocks):
        html = bare_html(blocks, paragraphs, with_contents)
        return len(weasyprint.HTML(string=html).render().pages)

    for _ in range(3):
        blocks = max(1, round(blocks * target_pages / pages_of(blocks)))
    return bare_html(blocks, paragraphs, with_contents)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()

    import django

    django.setup()
    import weasyprint
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from meetings.models import MeetingSession
    from tests.meetings.factories import (
        MeetingFactory,
        MeetingSessionFactory,
        PresentationFactory,
    )
    from tests.publications.factories import EditionFactory, PublicationFactory

    setup_test_environment()
    connection.creation.create_test_db(verbosity=0)
    client = Client()

    meeting = MeetingFactory(title="Expert group meeting")
    for position in range(6):
        kind = MeetingSession.Kind.PARALLEL_WORKSHOP if position % 5 == 4 else "session"
        session = MeetingSessionFactory(
            meeting=meeting, position=position, kind=kind, description=SUMMARY
        )
        PresentationFactory(session=session, speaker="Ona Žemaitė")
        PresentationFactory(session=session, speaker="Иван Петров")

    cases = [("programme", f"/meetings/{meeting.slug}/programme.pdf", 1, False)]
    for target, kind in ((50, "guidelines"), (200, "handbook")):
        # About 2.3 publications a page, measured with this summary and two editions.
        for _ in range(round(target * 2.3)):
            publication = PublicationFactory(kind=kind, summary=SUMMARY * 6)
            EditionFactory(publication=publication, language="lt", title="Gairės ąčęėįšųūž")
            EditionFactory(publication=publication, language="ru", title="Руководство")
        cases.append((f"catalogue {target}", f"/publications/catalogue.pdf?kind={kind}", 2, True))

    print(
        f"{'document':<15}{'pages':>6}{'ours s':>8}{'cpu s':>8}{'bare s':>8}{'cpu s':>8}"
        f"{'ratio':>7}{'peak MB':>9}"
    )
    for name, url, paragraphs, with_contents in cases:
        ours, ours_cpu, response = best_of(args.repeat, lambda url=url: client.get(url))
        assert response.status_code == 200, (url, response.status_code)
        pages = page_count(response.content)
        peak = peak_mb()
        html = bare_document(pages, paragraphs, with_contents, weasyprint)
        bare, bare_cpu, content = best_of(args.repeat, lambda html=html: bare_pdf(html, weasyprint))
        print(
            f"{name:<15}{pages:>6}{ours:>8.2f}{ours_cpu:>8.2f}{bare:>8.2f}{bare_cpu:>8.2f}"
            f"{ours_cpu / bare_cpu:>7.2f}{peak:>9.0f}   (bare: {page_count(content)} pages)"
        )


if __name__ == "__main__":
    main()
