"""PDF benchmark: time and peak memory of our documents beside bare weasyprint.

    .venv/bin/python bench/pdf.py [--repeat 2]

Runs in-process on an in-memory SQLite database filled with generated rows (the test
settings; nothing is written to disk). For each document, a 2-page meeting programme and
publication catalogues of about 50 and 200 pages, it requests the PDF through Django's test
client (URL routing, middleware, queries, templates and weasyprint, page cache off), warm,
best of ``--repeat`` runs. Beside it, it renders with bare weasyprint a minimal HTML of the
same page count and the same layout type (flowing text blocks under headings, A4) and prints
our time as a ratio to it. Peak memory is the process's peak resident set size after each
document (it only grows, and the documents run smallest first).

Measured on this 2-core machine shared with other work (load average 2.5): programme, 2 pages,
0.11 s; catalogue of 51 pages 4.8 s; of 198 pages 18.3 s, peak 487 MB. Against bare
weasyprint that is 2.8x to 3.6x, over the 1.5x goal. A profile of the 51-page catalogue puts
the difference in the engine, not in Django: writing the tagged PDF (PDF/UA-1) took about
2.5 s against about 1 s untagged, and the contents' page numbers (target-counter) make
weasyprint lay the pages out twice; the queries and the template took about 0.3 s of the
7.6 s the profiled request ran.
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

SUMMARY = (
    "Guidance for professionals who meet children at risk of trafficking and exploitation: "
    "how to recognise the signs, whom to call, and how agencies share the work. "
)


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def best_of(repeat, make):
    times, result = [], None
    make()  # warm: templates, fonts, stylesheet
    for _ in range(repeat):
        start = time.perf_counter()
        result = make()
        times.append(time.perf_counter() - start)
    return min(times), result


def page_count(content):
    import pypdf

    return len(pypdf.PdfReader(io.BytesIO(content)).pages)


def bare_html(blocks, paragraphs_per_block):
    body = "".join(
        f"<h2>Publication {n}</h2>" + f"<p>{SUMMARY * 3}</p>" * paragraphs_per_block
        for n in range(blocks)
    )
    return (
        "<html lang='en'><head><title>Bare</title><style>@page { size: A4; margin: 22mm 20mm }"
        " html { font-family: 'DejaVu Sans'; font-size: 10pt; line-height: 1.45 }</style>"
        f"</head><body>{body}</body></html>"
    )


def bare_pages(target_pages, blocks, paragraphs_per_block, weasyprint):
    """Bare weasyprint HTML of `blocks` text blocks, as many as make `target_pages` pages."""
    html = bare_html(blocks, paragraphs_per_block)
    pages = len(weasyprint.HTML(string=html).render().pages)
    blocks = max(1, round(blocks * target_pages / pages))
    return bare_html(blocks, paragraphs_per_block)


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

    cases = [("programme", f"/meetings/{meeting.slug}/programme.pdf", 6, 1)]
    for target, kind in ((50, "guidelines"), (200, "handbook")):
        # About 2.3 publications a page, measured with this summary and two editions.
        for _ in range(round(target * 2.3)):
            publication = PublicationFactory(kind=kind, summary=SUMMARY * 6)
            EditionFactory(publication=publication, language="lt", title="Gairės ąčęėįšųūž")
            EditionFactory(publication=publication, language="ru", title="Руководство")
        cases.append((f"catalogue {target}", f"/publications/catalogue.pdf?kind={kind}", 0, 2))

    print(f"{'document':<15}{'pages':>6}{'ours s':>9}{'bare s':>9}{'ratio':>7}{'peak MB':>9}")
    for name, url, blocks, paragraphs in cases:
        ours, response = best_of(args.repeat, lambda url=url: client.get(url))
        assert response.status_code == 200, (url, response.status_code)
        pages = page_count(response.content)
        peak = peak_mb()
        html = bare_pages(pages, blocks or pages * 2, paragraphs, weasyprint)
        bare, content = best_of(
            args.repeat, lambda html=html: weasyprint.HTML(string=html).write_pdf()
        )
        print(
            f"{name:<15}{pages:>6}{ours:>9.2f}{bare:>9.2f}{ours / bare:>7.2f}{peak:>9.0f}"
            f"   (bare: {page_count(content)} pages)"
        )


if __name__ == "__main__":
    main()
