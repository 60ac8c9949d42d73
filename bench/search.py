"""Search benchmark: the site search at scale N on PostgreSQL, beside the same search by icontains.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/carportal_scale .venv/bin/python bench/search.py

Sets up the database as bench/scale.py does (migrate, seed, ``seed_demo --scale N``; ``--reuse``
keeps demo data already there), then for a few searches (one word, two words, a phrase, a
prefix) prints the p50 and p95 of:

- the search query alone: the counts per type and the first page's keys, read together as
  /search/ reads them, over the stored, GIN-indexed vectors;
- the same done with icontains over the same fields, as the portal searched before (SQLite
  still does), and the ratio of the two;
- the whole /search/ page through Django's test client (routing, middleware, queries, ts_headline
  and template), and /publications/?q= for the publication list's search.

Goals: the query's p95 under 30 ms, the page's under 100 ms.

Measured at scale 100 (18,964 published publications, 2,844 meetings, 949 projects), ``--repeat
20``, PostgreSQL 15, on a quiet machine (load average 1), in ms, p50/p95:

                                     found   query       icontains     ratio  page       list
    one word: child                  22848    91/98       371/403        4.1  130/141    266/315
    two words: trafficking guardians   426    15/16       762/829       49.9   50/61      76/83
    a phrase: "best interests"           8     7/7        790/993      120.4   38/49      34/37
    a prefix: Barnah                  1708    21/24       753/873       35.6   54/78     107/132

A selective search met the goals; "child", in nearly every row, did not: ranking read every
vector found (ts_rank of 23,000 rows), and the counts per type read them once more. The
vectors are kept in their rows (STORAGE MAIN): from the TOAST table the count alone took four
times as long.

Now the counts and the page's keys are read in one query (carportal/site/search.py, Hits), so
each matching row is read once. The same day, on a faster machine (quiet, load average 0.5),
``--repeat 20``, before and after, in ms, p50/p95:

                                     query before  after       page before  after
    one word: child                   35.8/38.1    26.8/28.5    52.7/55.7    44.6/49.8
    two words: trafficking guardians   9.5/12.9     4.2/4.9     23.7/25.9    20.1/21.3
    a phrase: "best interests"         2.9/3.4      2.0/2.1     12.1/15.8    14.7/17.2
    a prefix: Barnah                   5.2/5.8      3.2/3.7     22.1/24.2    18.9/21.4

A word whose English stem is the word itself is then sought once rather than twice ("child"
rather than "child | child"). Two runs of "child" with it, load average 0.8 to 1: query
26.2/28.0 and 31.1/32.3, page 44.8/46.3 and 46.2/50.1: at the goal's edge, which the machine's
load decides. What "child" costs is reading 19,000 rows of 3 kB and matching each
vector: a bare ``count(*)`` of the matches takes 11 ms of it, ts_rank adds little.

On a slower machine (later the same day, load average 1 to 2), the same code, in ms,
p50/p95:

                                     query        icontains    page         list
    one word: child                   41.5/49.8   194.9/225.8   85.9/112.3  251.4/290.6
    two words: trafficking guardians  13.3/15.0   356.2/457.3   55.5/66.0    91.6/109.7
    a phrase: "best interests"         3.2/3.8    376.0/515.1   32.5/36.6    31.0/35.2
    a prefix: Barnah                  10.1/13.7   307.1/326.0   46.0/71.8    68.9/146.6

The vectors in a table of their own did not change "child" (40.0/50.1): see ADR 0012.
Nor did vectors a third smaller (without the descriptions' words as written): the ranked
query over two copies of the publications, timed in turn, 17.4 against 16.2-16.7 ms p50.
What "child" costs is about 0.9 us for each of the 23,000 rows it finds.

Those rows lay in a table a third larger than they are: the demo load writes each searched
row twice (ADR 0012), and 22 of the publications' 74 MB were the room of the first versions.
bench/scale.py now compacts the database after the load, as a portal whose rows come a few at
a time keeps it (2026-11-25, quiet machine, load average 0.6 to 1, ``--repeat 20``, p50/p95
ms). Before, the lowest and highest of four runs; after, two runs:

                       query before             query after            page after
    child              29.7/31.8 to 32.4/32.9   20.6/21.2, 27.4/28.2   39.2/45.8, 44.5/46.6
    trafficking guar.   5.1/6.7  to  5.9/7.0     4.5/4.7,   4.5/5.6    19.3/21.1, 19.5/19.8
    "best interests"    1.4/1.5  to  1.5/1.6     1.3/1.4,   1.3/1.4    10.3/20.5, 10.6/12.1
    Barnah              3.1/3.7  to  4.7/5.8     2.9/3.0,   3.0/3.1    18.0/20.8, 18.1/19.9
"""

import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
from bench.load import percentiles  # noqa: E402
from bench.scale import start  # noqa: E402

SEARCHES = {
    "one word": "child",
    "two words": "trafficking guardians",
    "a phrase": '"best interests"',
    "a prefix": "Barnah",
}


def timed(run, repeat):
    run()
    run()  # warm-up: plans and pages in memory
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    centiles = percentiles(times)
    return centiles[49] * 1000, centiles[94] * 1000


def search_query(text, contains):
    """The query of /search/ without the page: counts per type and the first page's keys."""
    from carportal import search
    from carportal.site.search import TYPES, Hits

    query = search.parse(text)
    if contains:
        # As on SQLite: the same query as icontains conditions, ranked by title matches.
        real = search.is_postgresql
        search.is_postgresql = lambda queryset: False
    try:
        hits = Hits(query, list(TYPES), 1, 20)
    finally:
        if contains:
            search.is_postgresql = real
    return sum(hits.counts.values()), hits.keys


def main():
    args = start(__doc__.splitlines()[0])
    from urllib.parse import urlencode

    from django.test import Client

    from meetings.models import Meeting
    from projects.models import Project
    from publications.models import Publication

    print(
        f"{Publication.objects.published().count()} publications, "
        f"{Meeting.objects.published().count()} meetings, "
        f"{Project.objects.published().count()} projects published"
    )
    client = Client()
    print(
        f"{'search':<32}{'found':>7}{'query p50/p95':>16}{'icontains p50/p95':>20}{'ratio':>7}"
        f"{'page p50/p95':>15}{'list p50/p95':>15}"
    )
    for name, text in SEARCHES.items():
        found, _first = search_query(text, contains=False)
        vector = timed(lambda t=text: search_query(t, contains=False), args.repeat)
        contains = timed(lambda t=text: search_query(t, contains=True), args.repeat)
        page = timed(lambda t=text: client.get(f"/search/?{urlencode({'q': t})}"), args.repeat)
        listed = timed(
            lambda t=text: client.get(f"/publications/?{urlencode({'q': t})}"), args.repeat
        )
        print(
            f"{name + ': ' + text:<32}{found:>7}{vector[0]:>8.1f}/{vector[1]:<7.1f}"
            f"{contains[0]:>12.1f}/{contains[1]:<7.1f}{contains[0] / vector[0]:>7.1f}"
            f"{page[0]:>7.1f}/{page[1]:<7.1f}{listed[0]:>7.1f}/{listed[1]:<7.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
