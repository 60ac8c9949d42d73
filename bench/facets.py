r"""Facet counts benchmark: each public list with its filters' counts, and without them.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/carportal_facets \
        .venv/bin/python bench/facets.py

As bench/scale.py (whose setup and timing it reuses): PostgreSQL only, demo data at scale N
(default 100, ``--reuse`` keeps what is there), in-process through Django's test client with
the test settings. Each list is timed twice: as served, with its facets' counts and the
number of results read in one statement, and with the counts switched off (no options
counted, so the form renders its plain choices, and the paginator counting the results
itself), the page as it was before counts. Goal: at most 2x. It prints
the p50/p95 wall clock, the CPU time, the queries and the page's size for both, and the
ratio of the p50s. "SQL ms" is the sum of the page's queries, each run again alone.

Measured at scale 100 on a quiet machine (load average 1), ``--repeat 15``, after the narrow
``publication_facets`` index (before it, the unfiltered list was 2.26x: its counts read rows
made wide by their search vectors), p50/p95 ms and the ratio of the p50s:

    /publications/                            off  68/76     on 114/184    1.67
    /publications/?language=fi&topic=...      off 106/137    on 133/164    1.25
    /publications/?project=<a project>        off  93/181    on 102/152    1.09
    /meetings/                                off  42/124    on  68/90     1.60
    /meetings/?when=past&kind=seminar         off  54/67     on  79/105    1.46
    /projects/                                off  35/41     on  50/63     1.43
    /projects/?status=concluded&topic=...     off  43/54     on  64/104    1.48

With searched lists too (2026-11-25, load average 1, ``--repeat 15``):

    /publications/                            off  48/62     on  77/91     1.62
    /publications/?q=child                    off  61/84     on 143/181    2.34
    /publications/?q=trafficking+guardians    off  64/70     on  63/71     0.99
    /meetings/                                off  31/73     on  45/47     1.43
    /projects/                                off  30/41     on  36/68     1.21

A word in nearly every row is the one case over 2x: each count matches the search again
against every row's vector (about 20 ms for 19,000 rows), four times. Tried: giving the
counts the matched keys (an array of 19,000, or a WITH of them) made each count slower, the
planner nesting loops over keys it could not estimate. PostgreSQL answers such a count in
13 ms from the search's GIN index alone, but plans a scan of the rows instead; it was not
made to. Later the same day, the keys as one text literal (``id = ANY('{...}'::bigint[])``,
which PostgreSQL hashes) made the kind count 15 ms rather than 25 and the languages' 26
rather than 34, but reading the 19,000 keys costs 25 ms and each count then sends 150 kB of
SQL: about a fifth saved, for a statement that grows with the rows found. Not kept.

With the options written in Python (ADR 0014), ``--repeat 20``, two runs two minutes apart
(load average 1, then 0.5), p50 ms off and on, and their ratio:

                                              first run              second run
    /publications/                           56 and  97    1.74    48 and 100    2.11
    /publications/?q=child                   93 and 242    2.60    79 and 162    2.05
    /meetings/                               35 and  53    1.52    28 and  38    1.38
    /projects/                               35 and  43    1.23    25 and  43    1.67

The counts' SQL dominates the publication lists (55 to 59 ms of the unfiltered list's SQL, 28
without them; 128 to 188 ms of the searched list's, 40 to 60 without), so their ratios
follow the machine's load; the unfiltered list's page is the one the page cache serves
(ADR 0004).

With the counts and the number of results read in one statement, and a narrowed list's rows
found once for all of them (ADR 0014; 2026-11-25, ``--repeat 20``, two runs on one machine,
load average 0.5 to 0.8), p50 ms off and on, and their ratio; before the change, on the same
machine, ``?q=child`` was 43 and 111 ms, 2.59:

                                              first run              second run
    /publications/                           21 and  38    1.82    23 and  40    1.71
    /publications/?q=child                   35 and  66    1.87    40 and  68    1.71
    /publications/?q=trafficking+guardians   24 and  27    1.13    29 and  30    1.04
    /publications/?language=fi&topic=...     29 and  44    1.51    32 and  48    1.48
    /publications/?project=<a project>       33 and  31    0.93    35 and  32    0.92
    /meetings/                               16 and  19    1.18    16 and  22    1.32
    /projects/                               14 and  16    1.14    15 and  17    1.18

A page with counts now runs fewer queries than without them (5 to 8): the paginator's count
is in the statement.

Then with the facets counting from the CTE's own columns rather than joining the list's table
back to its keys, on the database compacted after the load (bench/scale.py; the same day, two
runs, load average 0.6 to 1):

                                              first run              second run
    /publications/                           21 and  36    1.76    21 and  38    1.82
    /publications/?q=child                   33 and  55    1.70    34 and  56    1.66
    /publications/?q=trafficking+guardians   33 and  27    0.80    25 and  23    0.89
    /publications/?language=fi&topic=...     35 and  39    1.10    30 and  34    1.14
    /publications/?project=<a project>       34 and  29    0.86    31 and  29    0.95
    /meetings/                               15 and  19    1.25    15 and  20    1.27
    /meetings/?when=past&kind=seminar        19 and  21    1.12    19 and  21    1.12
    /projects/                               14 and  16    1.13    14 and  16    1.16
"""

import sys
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
from bench.scale import measure, start  # noqa: E402


@contextmanager
def counts_off():
    from carportal.filters import FacetFilterSet

    # No counts: no options counted, and the paginator counts the results itself.
    with mock.patch.object(FacetFilterSet, "facet_counts", property(lambda self: None)):
        yield


def pages():
    """The lists plain and filtered, with values worked out from the data."""
    from meetings.models import Meeting
    from projects.models import Project
    from publications.models import Publication

    published = Publication.objects.published()
    topic = published.exclude(topics=None).values_list("topics__slug", flat=True).first()
    parent = Project.objects.published().exclude(phases=None).values_list("slug", flat=True).first()
    kind = Meeting.objects.published().values_list("kind", flat=True).first()
    return [
        "/publications/",
        # Searched: a word in nearly every row, then one in a few hundred.
        "/publications/?q=child",
        "/publications/?q=trafficking+guardians",
        f"/publications/?language=fi&topic={topic}",
        f"/publications/?project={parent}",
        "/meetings/",
        f"/meetings/?when=past&kind={kind}",
        "/projects/",
        f"/projects/?status=concluded&topic={topic}",
    ]


def main():
    args = start(__doc__.splitlines()[0])
    from django.test import Client

    client = Client()
    print(
        f"{'page':<48}{'counts':>7}{'p50 ms':>8}{'p95 ms':>8}{'CPU ms':>8}{'SQL ms':>8}"
        f"{'queries':>8}{'KB':>7}{'ratio':>7}"
    )
    for path in pages():
        without = None
        for label, switch in (("off", counts_off), ("on", contextmanager(lambda: (yield)))):
            with switch():
                result = measure(client, path, args.repeat)
            if result["status"] != 200:
                print(f"{path:<48}{label:>7}  answered {result['status']}")
                continue
            ratio = f"{result['p50'] / without['p50']:>7.2f}" if without else ""
            print(
                f"{path:<48}{label:>7}{result['p50'] * 1000:>8.1f}{result['p95'] * 1000:>8.1f}"
                f"{result['cpu'] * 1000:>8.1f}{result['sql'] * 1000:>8.1f}{result['queries']:>8}"
                f"{result['size'] / 1024:>7.0f}{ratio}",
                flush=True,
            )
            without = without or result


if __name__ == "__main__":
    main()
