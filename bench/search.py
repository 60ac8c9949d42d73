"""Search benchmark: the site search at scale N on PostgreSQL, beside the same search by icontains.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/carportal_scale .venv/bin/python bench/search.py

Sets up the database as bench/scale.py does (migrate, seed, ``seed_demo --scale N``; ``--reuse``
keeps demo data already there), then for a few searches (one word, two words, a phrase, a
prefix) prints the p50 and p95 of:

- the search query alone: the counts per type and the first page's keys, as /search/ runs them
  over the stored, GIN-indexed vectors;
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

A selective search meets the goals; "child", in nearly every row, does not: ranking reads
every vector found (ts_rank of 23,000 rows), and the counts per type read them once more.
The vectors are kept in their rows (STORAGE MAIN): from the TOAST table the count alone took
four times as long.
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
    """The queries of /search/ without the page: counts per type and the first page's keys."""
    from carportal import search
    from carportal.site.search import TYPES, _keys, _ordered

    query = search.parse(text)
    if contains:
        # As on SQLite: the same query as icontains conditions, ranked by title matches.
        real = search.is_postgresql
        search.is_postgresql = lambda queryset: False
    try:
        counts = [
            search.matching(kind.model.objects.published(), query).count()
            for kind in TYPES.values()
        ]
        keys = [_keys(name, query) for name in TYPES]
        first = list(_ordered(keys[0].union(*keys[1:], all=True))[:20])
    finally:
        if contains:
            search.is_postgresql = real
    return sum(counts), first


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
