"""Scale benchmark: demo data at scale N on PostgreSQL, then lists, sitemap and admin lists.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/carportal_scale .venv/bin/python bench/scale.py

The database must be PostgreSQL (SQLite's figures say nothing about production), and one
nobody else is using: the script migrates it, loads the seed content if it is empty, removes
any demo data and times ``manage.py seed_demo --scale N`` (default 100), then compacts and
analyses the database (VACUUM FULL ANALYZE: see ``start``). ``--reuse`` keeps demo data that
is there already.

Then, in-process with the test settings (page cache off, DEBUG off) through Django's test
client, so that URL routing, middleware, queries and templates are all timed, it requests
each page ``--repeat`` times after two warm-up requests: the public lists (the last page of
publications too), the sitemap index and its largest page, and the admin lists as a
superuser. For each it prints the wall-clock p50 and p95, the median CPU time of this
process (steadier than the wall clock on a shared machine), the page's queries and its size,
and beside them the raw SQL: every read of the page run again alone on the same connection
(the SQL as executed, so valid as it stands; "all SQL" is their sum) and the slowest of them,
the main query, with the ratio of the page to it, and the ratio of the page to all its SQL
("x SQL"). Goals: p95 under 100 ms, and a page at most 8x its SQL: what the ORM and the
templates add. A list with filter counts (issue 12) reads the counts beside its rows, each
its own grouped query; the ratio to the main query alone then says more about how many
queries there are than about the layers above them. ``--explain`` prints each main
query's plan (EXPLAIN ANALYZE).

Measured at scale 100 (19,000 published publications, 950 pages of them), ``--repeat 30``,
on this 2-core machine shared with four other sessions, PostgreSQL 15, in ms: before the
indexes and the sitemap's pages (load average 7 to 10) and after (load average 5 to 6).

                                    before                        after
                                    p50/p95     CPU  main SQL     p50/p95   CPU  main SQL
    /publications/                  569/967      80  129          110/264    49  2.5
    /publications/?language=fi      619/1009    108  149          126/239    55  4.2
    /publications/?page=949         676/926      77  219          104/224    45  2.5
    /meetings/                       49/193      17  5.1           41/80     16  0.3
    /projects/                       78/164      25  3.8           80/256    27  1.4
    /sitemap.xml                   2065/3514    815  225 (2.2 MB)   3/6       2  0.5 (2 KB)
    /sitemap-publications.xml?p=1       -                          55/233    25  1.0 (101 KB)
    admin publications              282/851      57  34            97/314    40  8.0
    admin meetings                  102/329      40  4.7          113/208    41  1.9
    admin projects                   99/317      31  2.4           83/230    33  0.3
    admin organisations              58/175      20  0.3           43/102    19  0.3
    admin contact points            534/859     129  24           202/376    54  6.2

seed_demo --scale 100 took 10 s on a quieter machine and 15 to 34 s under this load; its
removal 12 to 20 s. Every page's SQL was then a few milliseconds: what was left was Python,
most of it /publications/' project filter, a <select> of 938 options.

Now, with the site search's vectors, the filters' counts and a typed project filter (issue
12), on a quiet machine (load average 1), ``--repeat 20``, p50/p95 ms (CPU ms, all SQL ms):

    /publications/                  131/182  (47, 76: the four counts are 60 of it)
    /publications/?language=fi      121/188  (51, 60)
    /publications/?page=949         116/247  (35, 72)
    /meetings/                       71/152  (48, 24)
    /projects/                       47/58   (32, 10)
    /sitemap.xml                      6/8    (4, 2)
    admin publications              112/206  (91, 23)
    admin contact points            114/162  (98, 23)

seed_demo --scale 100 takes 34 s (each search vector computed once, at the end of the load)
and its removal 22 s (without a history entry per demo row: 4 minutes with them).

The process then freezes what it made loading (``gc.freeze()``), as each gunicorn worker does
(gunicorn.conf.py): otherwise a full collection, walking Django's 140,000 objects from
startup, lands in some requests. Two runs each, alternated, the related facets counted by key
(ADR 0014), ``--repeat 30``, p50/p95 ms, without then with:

    /publications/                  74/123, 91/129    69/80, 72/87
    /publications/?language=fi      91/138, 81/141    77/111, 86/114
    /publications/?page=949         73/130, 69/125    69/86, 70/91
    /meetings/                      51/93, 39/80      44/69, 46/54
    /projects/                      33/47, 29/37      31/45, 30/39

On 2026-11-25 (a slower machine, load average 1), ``--repeat 30``: p50/p95 ms, then the
page's SQL in ms and the page against it (x SQL):

    /publications/                  80/111    44    1.8
    /publications/?language=fi      88/109    45    2.0
    /publications/?page=949         76/98     44    1.7
    /meetings/                      46/69     10    4.4
    /projects/                      32/43      7    4.8
    /sitemap-publications.xml?p=1   48/69      4   11.1

The publications' four filter counts are 30 of their 44 ms of SQL (the languages 16: a
join of 48,000 editions with the published publications, grouped); the largest sitemap page
is 1,000 URLs of XML written by Django's sitemap template.

Later that day the filters' options, the admin's row checkboxes and the kinds and languages
in use stopped going through a template or the ORM's compiler for each (see ADR 0014). At
the session's start, then two runs after (load average about 1), p50/p95 ms (CPU ms):

    /publications/                  73/86 (28)     68/105 (23)    63/73 (22)
    /publications/?language=fi      82/106 (36)    67/90 (25)     69/86 (26)
    /publications/?page=949         78/94 (26)     59/66 (16)     61/73 (17)
    /meetings/                      48/67 (32)     32/42 (20)     35/47 (22)
    /projects/                      34/46 (24)     27/37 (19)     31/47 (21)
    admin publications              77/101 (62)         -         58/94 (43)
    admin contact points            76/87 (63)          -         55/62 (43)

A third run minutes later, on the same code, found the machine slower (CPU 36 ms for
/publications/, 86/108 ms): the p95 goal is met or missed by the shared machine's load.
"""

import argparse
import gc
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
from bench.load import percentiles  # noqa: E402

ADMIN_LISTS = [
    "publications/publication",
    "meetings/meeting",
    "projects/project",
    "carportal/organisation",
    "network/contactpoint",
]


def manage(*args, env):
    """Runs manage.py as a person would (local settings); returns its output and seconds."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip(), time.perf_counter() - started


def prepare(args):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "carportal.settings.local", "DEBUG": "true"}
    env.pop("REDIS_URL", None)
    manage("migrate", "--verbosity", "0", env=env)
    print(manage("seed", env=env)[0])
    if args.reuse and demo_present():
        print("Demo data present: reused (--reuse).")
        return
    if demo_present():
        out, seconds = manage("seed_demo", "--remove", env=env)
        print(f"{out}\n  (seed_demo --remove: {seconds:.1f} s wall clock)")
    out, seconds = manage("seed_demo", "--scale", str(args.scale), env=env)
    print(f"{out}\n  (seed_demo --scale {args.scale}: {seconds:.1f} s wall clock, goal < 60 s)")


def demo_present():
    from carportal.models import DemoRecord

    return DemoRecord.objects.exists()


def pages():
    """The paths measured, worked out from the data: the last page, the largest sitemap."""
    from django.conf import settings
    from django.urls import NoReverseMatch, reverse

    from carportal.site.sitemaps import sitemaps
    from publications.models import Publication

    last = -(-Publication.objects.published().count() // settings.PAGINATE_BY)
    paths = [
        "/publications/",
        "/publications/?language=fi",
        f"/publications/?page={last}",
        "/meetings/",
        "/projects/",
        "/sitemap.xml",
    ]
    try:
        section_url = reverse("sitemap_section", kwargs={"section": "pages"})
    except NoReverseMatch:
        section_url = None  # a sitemap in one piece
    if section_url:
        # The sitemap's largest page.
        sections = {
            name: section() if isinstance(section, type) else section
            for name, section in sitemaps.items()
        }
        largest = max(sections, key=lambda name: sections[name].paginator.num_pages)
        paths.append(reverse("sitemap_section", kwargs={"section": largest}) + "?p=1")
    return paths + [f"/admin/{model}/" for model in ADMIN_LISTS]


def measure(client, path, repeat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        response = client.get(path)
    if response.status_code != 200:
        return {"status": response.status_code}
    times, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        client.get(path)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    # Every read of the page, run again alone on the same connection: a query read through
    # .iterator() runs in a server-side cursor, of which its SELECT is timed.
    reads = [
        re.sub(r"^DECLARE .*? CURSOR (WITH(OUT)? HOLD )?FOR ", "", query["sql"])
        for query in captured.captured_queries
    ]
    raw = {sql: raw_time(sql, repeat) for sql in reads if sql.startswith(("SELECT", "WITH"))}
    main = max(raw, key=raw.get)
    centiles = percentiles(times)
    return {
        "status": 200,
        "p50": centiles[49],
        "p95": centiles[94],
        "cpu": statistics.median(cpu),
        "queries": len(captured),
        "sql": sum(raw.values()),
        "size": len(response.content),
        "main": main,
        "raw": raw[main],
    }


def raw_time(sql, repeat):
    """Median seconds to run `sql` and fetch its rows."""
    from django.db import connection

    times = []
    with connection.cursor() as cursor:
        for _ in range(repeat):
            started = time.perf_counter()
            cursor.execute(sql)
            cursor.fetchall()
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def explain(sql):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return "\n".join(f"      {row[0]}" for row in cursor.fetchall())


def start(description, *options):
    """What every benchmark at scale does first: parse the common options (and ``options``,
    pairs of flags and keyword arguments for ``add_argument``), set Django up in this process
    with the test settings (page cache off, DEBUG off), bring the database to scale
    (``prepare``), then compact and analyse it.

    Compacted (VACUUM FULL), not only vacuumed as autovacuum would: the demo load writes each
    searched row twice, inserted without its search vector and then given it by one UPDATE
    of the whole table, which leaves the room of the first versions free in pages that only
    later inserts would fill: 22 of the publications' 74 MB at scale 100. A portal whose
    rows come a few at a time reuses such room as it goes, so the compacted table is the
    one it has. Every search reading most publications ("child") reads those pages too:
    29.7-32.4 ms p50 for the search query before compacting, 20.6-27.4 after (bench/search.py)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--reuse", action="store_true", help="keep demo data already there")
    for flags, keywords in options:
        parser.add_argument(*flags, **keywords)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        parser.error("set DATABASE_URL to a PostgreSQL database: SQLite's figures mean nothing")

    os.environ["DJANGO_SETTINGS_MODULE"] = "carportal.settings.test"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.db import connection

    prepare(args)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (FULL, ANALYZE)")
        # VACUUM FULL leaves the visibility map empty, and every index-only scan would then
        # read the table too: a plain VACUUM fills it in, as autovacuum would.
        cursor.execute("VACUUM")
    # As each gunicorn worker does once the portal is loaded (gunicorn.conf.py).
    gc.freeze()
    return args


def main():
    args = start(
        __doc__.splitlines()[0],
        (["--explain"], {"action": "store_true", "help": "print each main query's plan"}),
    )
    from django.contrib.auth import get_user_model
    from django.test import Client

    admin, _ = get_user_model().objects.update_or_create(
        username="bench-scale", defaults={"is_staff": True, "is_superuser": True}
    )
    # Public pages as the public sees them, admin lists as a superuser.
    public, staff = Client(), Client()
    staff.force_login(admin)
    try:
        print(
            f"{'page':<40}{'p50 ms':>8}{'p95 ms':>8}{'CPU ms':>8}{'queries':>8}{'all SQL':>8}"
            f"{'main':>8}{'ratio':>7}{'x SQL':>7}{'KB':>7}"
        )
        for path in pages():
            client = staff if path.startswith("/admin/") else public
            result = measure(client, path, args.repeat)
            if result["status"] != 200:
                print(f"{path:<40}  answered {result['status']}")
                continue
            print(
                f"{path:<40}{result['p50'] * 1000:>8.1f}{result['p95'] * 1000:>8.1f}"
                f"{result['cpu'] * 1000:>8.1f}"
                f"{result['queries']:>8}{result['sql'] * 1000:>8.1f}"
                f"{result['raw'] * 1000:>8.1f}{result['p50'] / result['raw']:>7.1f}"
                f"{result['p50'] / result['sql']:>7.1f}"
                f"{result['size'] / 1024:>7.0f}",
                flush=True,
            )
            if args.explain:
                print(f"    {result['main'][:300]}\n{explain(result['main'])}")
    finally:
        admin.delete()


if __name__ == "__main__":
    main()
