"""Import benchmark: 10,000 contact points and 5,000 publications from CSV files, each beside
a plain bulk_create of the same rows.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/carportal_bulk .venv/bin/python bench/import.py

Runs in-process with the test settings on a database of its own, made beside the one
``DATABASE_URL`` names (``bench_<name>``, dropped at the end; without ``DATABASE_URL``, SQLite
in memory). It writes ``--rows`` contact points as the admin's import takes them (every column
of an export; one to three working languages and up to two areas of expertise each), then
times, in the same run:

- the baseline: a plain ``bulk_create`` of the same entries, already typed, with their
  language and expertise rows, in batches of 1,000 and one transaction; then they are deleted;
- the import of the file as the admin takes a file this large, by its job's steps
  (carportal/import_jobs.py) without Celery: the check (a dry run, which lists each row and
  every error) and the import, each reading the file, on an empty table (every row new);
- a file changing each entry (its organisation and job title): every row an update;
- that file again: every row skipped, as nothing changes.

Then the same for ``--publications`` publications (each with its project, one or two
organisations and up to three topics), in the same run: the baseline (a bulk_create of the
publications, their organisations and topics, and two language editions each with a title of
its own), the import of the file (every row new), then, once each publication has its two
editions, the file with the editions' titles (every row an update of the editions' metadata).

It prints wall-clock seconds and queries of each, and each import's ratio to its baseline
(goal: at most 3, a third of bulk_create's speed; issue 10 asks for under 15 s), then the
two steps apart: the check, which a person reads before confirming, and the import they
confirm, with its own ratio.
``--profile`` prints where each import spends its time.

Measured on this 2-core machine shared with other work, PostgreSQL, 10,000 rows. Row by
row, as django-import-export imports by default (preview with each row's changes, then the
import): baseline 1.40 s (41 queries); import
250 s (333,105 queries, 179x); import again 665 s (339,822 queries, 476x): for each row a
savepoint, a look-up of its entry, a query for each model constraint and for each topic
column, the save, the related rows' reads and writes, and the preview's reads of the
related rows twice.

In bulk (carportal/bulk_import.py), by a large file's steps, with the machine's load average
at about 6 (the baseline took 1.4 s on a quiet machine and 3 to 5 s meanwhile): baseline
4.26 s; import 9.9 s (132 queries, 2.3x); import again 9.0 s (150 queries, 2.1x). The rest
is the library's own work for each row and field, twice (check, then import): reading each
cell through its widget and setting it, and full_clean.

With every list in bulk and related rows in the history (2026-11-24, load average falling
from 7 to 2): contact points, baseline 6.26 s; import 27.2 s (161 queries, 4.3x), again
14.9 s (150 queries, 2.4x). 5,000 publications, baseline 2.02 s; import 8.1 s (98 queries,
4.0x); the editions' titles 13.8 s (107 queries, 6.8x). A profile of the titles' import puts
nearly half of its writing in the history of 10,000 editions (auditlog serialising each part,
and each edition's name, which reads its language's translated label).

Then (2026-11-24, a quiet and faster machine, load average under 1), before and after the
history was written with COPY, parts' serialized data made directly and language names read
without hashing every choice (carportal/audit.py); and unchanged rows skipped:

                                   before              after
    contact points, baseline        1.48 s              1.41 s
    import, all new                11.97 s (8.1x)       8.19 s (5.8x)
    import, each row changed           -               10.12 s (7.2x)
    the same file again             6.43 s (4.3x)       5.03 s (3.6x, every row skipped)
    publications, baseline          1.50 s              1.43 s
    import, all new                 3.72 s (2.5x)       3.39 s (2.4x)
    import editions' titles         7.22 s (4.8x)       5.58 s (3.9x)

"The same file again" writes nothing: what it costs is the library's work on each row, done
twice (check, then import), the floor under every figure above.

Then (2026-11-24, a slower machine, load average under 1), the code before and after rows
were written with COPY and one UPDATE from arrays (carportal/bulk_write.py) and the history
compared each row's fields without auditlog's search for them, run one after the other:

                                   before              after
    contact points, baseline        2.47 s              2.87 s
    import, all new                14.40 s (5.8x)      13.27 s (4.6x)
    import, each row changed       16.23 s (6.6x)      12.65 s (4.4x)
    the same file again             8.28 s (3.4x)       8.71 s (3.0x, nothing written)
    publications, baseline          2.49 s              3.00 s
    import, all new                 5.57 s (2.2x)       5.52 s (1.8x)
    import editions' titles         8.93 s (3.6x)       7.72 s (2.6x)

The baseline itself moved by a sixth between the runs: the seconds say more than the ratios.
Django's bulk_update took 5.6 s of the changed rows' import, building a CASE for each row
and column; the one UPDATE takes 0.3 s. Of an import of new contact points, the check is
3.1 s, the rows' own work in the import another 2.7 s, the history of 36,500 entries about
4.5 s (1.3 s comparing fields, 1.2 s making the entries, 2 s writing them), the entries and
their languages 1.6 s.

The two steps apart (2026-11-24, later, the same code, a machine whose speed varied by half within
minutes), seconds and ratio to the baseline:

                                   both steps      the check    the import confirmed
    contact points, baseline        2.61 s
    import, all new                11.93 s (4.6x)   2.51 s       9.38 s (3.6x)
    import, each row changed       11.61 s (4.4x)   3.51 s       8.05 s (3.1x)
    the same file again             9.28 s (3.6x)   4.16 s       5.07 s (1.9x)
    publications, baseline          2.19 s
    import, all new                 4.71 s (2.1x)   0.78 s       3.91 s (1.8x)
    import editions' titles         6.04 s (2.8x)   1.47 s       4.55 s (2.1x)

Then (2026-11-25, load average under 1) before and after values that need no converting
went to COPY as they are, rows were made from their columns in order (history entries,
the admin's log, links), language names were kept for each interface language, the admin's
log was written with COPY and a new entry's links were no longer read; one run each, back
to back, seconds and ratio to the baseline:

                                   before                       after
                                   both steps      import       both steps      import
    contact points, baseline        2.13 s                       2.13 s
    import, all new                10.61 s (5.0x)   8.11 (3.8x)   9.20 s (4.3x)   6.75 (3.2x)
    import, each row changed       10.20 s (4.8x)   6.88 (3.2x)   9.51 s (4.5x)   6.19 (2.9x)
    the same file again             7.04 s (3.3x)   3.61 (1.7x)   6.61 s (3.1x)   3.26 (1.5x)
    publications, baseline          2.02 s                       2.05 s
    import, all new                 4.21 s (2.1x)   3.43 (1.7x)   3.73 s (1.8x)   2.98 (1.5x)
    import editions' titles         5.86 s (2.9x)   4.40 (2.2x)   5.84 s (2.8x)   4.43 (2.2x)

Alternated runs of the confirmed import of new contact points alone, three each: 8.0 to
9.0 s before (7.0 to 7.8 s of CPU), 6.8 to 7.4 s after (5.6 to 6.4 s of CPU). What is left
of the history (36,585 entries) is about 2 s of the 7: comparing fields 0.4, making the
entries 0.6, writing them 1.0 (0.45 of it in the database). The library's work on each row
is 2 s, the commit 0.4.

Then (2026-11-25, later, load average about 0.9), with Python's cycle collector paused while
an import runs (1.4 s of the import's 6.8 s went in its passes over the import's live rows)
and the history reading plain values without auditlog's converter; two runs, seconds and
ratio to the baseline:

                                   run 1                          run 2
                                   both steps      import        both steps      import
    contact points, baseline        2.08 s                         2.69 s
    import, all new                 8.01 s (3.8x)   5.68 (2.7x)    8.87 s (3.3x)   6.29 (2.3x)
    import, each row changed        8.42 s (4.0x)   5.49 (2.6x)    9.02 s (3.4x)   5.98 (2.2x)
    the same file again             6.19 s (3.0x)   3.07 (1.5x)    6.91 s (2.6x)   3.73 (1.4x)
    publications, baseline          2.04 s                         2.29 s
    import, all new                 4.45 s (2.2x)   3.40 (1.7x)    4.64 s (2.0x)   3.09 (1.3x)
    import editions' titles         5.55 s (2.7x)   4.00 (2.0x)    7.03 s (3.1x)   5.37 (2.3x)

Before, the check's result was still held while the import ran; the job runs them as two
tasks, and so does this script now.
"""

import argparse
import cProfile
import csv
import io
import os
import pstats
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ["DJANGO_SETTINGS_MODULE"] = "carportal.settings.test"
os.environ.pop("REDIS_URL", None)  # Celery eager, cache in memory: nothing leaves the process

FIRST_NAMES = ["Aino", "Marta", "Jānis", "Ōda", "Ieva", "Søren", "Anna", "Олена", "Birgitta"]
LAST_NAMES = ["Korhonen", "Kowalska", "Bērziņš", "Tamm", "Jensen", "Schmidt", "Коваленко"]
ORGANISATIONS = ["Child Welfare Office", "Police Department", "Ministry of Social Affairs"]
COUNTRIES = ["DK", "EE", "FI", "DE", "IS", "LV", "LT", "NO", "PL", "SE", "UA"]
PHONES = ["+358401234567", "+4684401920", "+37060012345", "+4520123456", ""]


def contact_rows(count, topics, seed=10):
    """``count`` rows of a contact point file, by column name, the same for a seed."""
    from carportal.models import Language
    from network.models import CURRENT_CONSENT_VERSION, ContactPoint

    pick = random.Random(seed)
    given = datetime(2026, 11, 3, 14, 5, tzinfo=UTC)
    rows = []
    for n in range(count):
        rows.append(
            {
                "First name": pick.choice(FIRST_NAMES),
                "Last name": f"{pick.choice(LAST_NAMES)}-{n}",
                "E-mail": f"contact{n}@example.org",
                "Organisation": f"{pick.choice(ORGANISATIONS)} {n % 97}",
                "Country": pick.choice(COUNTRIES),
                "Profession": pick.choice(ContactPoint.Profession.values),
                "Job title": pick.choice(["Social worker", "Inspector", ""]),
                "Phone": pick.choice(PHONES),
                "Languages": ",".join(pick.sample(Language.values, pick.randint(1, 3))),
                "Areas of expertise": ",".join(pick.sample(topics, pick.randint(0, 2))),
                "Show phone": pick.choice(["1", "0"]),
                "Show job title": pick.choice(["1", "0"]),
                "Status": pick.choice(["approved", "approved", "awaiting_review"]),
                "Consent version": CURRENT_CONSENT_VERSION,
                "Consent given at": (given - timedelta(minutes=n)).isoformat(),
                "Last changed": "",
            }
        )
    return rows


def csv_text(rows):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def bulk_create(rows, user):
    """The baseline: the same entries and their related rows, typed by hand, bulk created."""
    from django.db import transaction
    from phonenumber_field.phonenumber import to_python

    from carportal.models import Topic
    from network.models import ContactPoint, ContactPointLanguage

    topics = {topic.slug: topic.pk for topic in Topic.objects.all()}
    now = datetime.now(UTC)
    entries = [
        ContactPoint(
            first_name=row["First name"],
            last_name=row["Last name"],
            email=row["E-mail"],
            organisation=row["Organisation"],
            country=row["Country"],
            profession=row["Profession"],
            job_title=row["Job title"],
            phone=to_python(row["Phone"]) if row["Phone"] else "",
            show_phone=row["Show phone"] == "1",
            show_job_title=row["Show job title"] == "1",
            status=row["Status"],
            decided_by=user if row["Status"] == "approved" else None,
            decided_at=now if row["Status"] == "approved" else None,
            consent_version=row["Consent version"],
            consent_given_at=datetime.fromisoformat(row["Consent given at"]),
        )
        for row in rows
    ]
    with transaction.atomic():
        ContactPoint.objects.bulk_create(entries, batch_size=1000)
        ContactPointLanguage.objects.bulk_create(
            [
                ContactPointLanguage(contact_point=entry, language=code)
                for entry, row in zip(entries, rows, strict=True)
                for code in row["Languages"].split(",")
            ],
            batch_size=1000,
        )
        ContactPoint.expertise.through.objects.bulk_create(
            [
                ContactPoint.expertise.through(contactpoint_id=entry.pk, topic_id=topics[slug])
                for entry, row in zip(entries, rows, strict=True)
                for slug in filter(None, row["Areas of expertise"].split(","))
            ],
            batch_size=1000,
        )


def publication_rows(count, *, projects, organisations, topics, titles=False, seed=10):
    """``count`` rows of a publication file, by column name, the same for a seed; with
    ``titles``, each names the titles of its English and Finnish editions."""
    from publications.models import Publication

    pick = random.Random(seed)
    rows = []
    for n in range(count):
        rows.append(
            {
                "Slug": f"publication-{n}",
                "Title": f"Guidelines on the protection of children, part {n}",
                "Kind": pick.choice(Publication.Kind.values),
                "Status": pick.choice(["published", "published", "draft"]),
                "Published": f"{2010 + n % 16}-{1 + n % 12:02d}",
                "Project": pick.choice(projects),
                "Published with": "; ".join(pick.sample(organisations, pick.randint(1, 2))),
                "Topics": ",".join(pick.sample(topics, pick.randint(0, 3))),
                "Summary": "What professionals need to know, in a page. " * 4,
                "Edition titles": f"en: English title {n}; fi: Suomenkielinen nimi {n}"
                if titles
                else "",
            }
        )
    return rows


def bulk_create_publications(rows):
    """The baseline: the same publications, their organisations, topics and titled editions,
    typed by hand, bulk created."""
    from django.db import transaction

    from carportal import dates
    from carportal.models import Organisation, Topic
    from projects.models import Project
    from publications.models import Edition, Publication

    projects = dict(Project.objects.values_list("acronym", "pk"))
    organisations = dict(Organisation.objects.values_list("name", "pk"))
    topics = dict(Topic.objects.values_list("slug", "pk"))
    entries = []
    for row in rows:
        day, precision = dates.parse_iso(row["Published"])
        entries.append(
            Publication(
                slug=row["Slug"],
                title=row["Title"],
                kind=row["Kind"],
                status=row["Status"],
                published_on=dates.widen(day, precision)[0],
                published_precision=precision,
                project_id=projects[row["Project"]],
                summary=row["Summary"],
            )
        )
    with transaction.atomic():
        Publication.objects.bulk_create(entries, batch_size=1000)
        through = Publication.organisations.through
        through.objects.bulk_create(
            [
                through(publication_id=entry.pk, organisation_id=organisations[name])
                for entry, row in zip(entries, rows, strict=True)
                for name in row["Published with"].split("; ")
            ],
            batch_size=1000,
        )
        through = Publication.topics.through
        through.objects.bulk_create(
            [
                through(publication_id=entry.pk, topic_id=topics[slug])
                for entry, row in zip(entries, rows, strict=True)
                for slug in filter(None, row["Topics"].split(","))
            ],
            batch_size=1000,
        )
        Edition.objects.bulk_create(editions(entries, titled=True), batch_size=1000)


def editions(publications, *, titled=False):
    """An English and a Finnish edition of each publication (their files are not read)."""
    from publications.models import Edition

    return [
        Edition(
            publication=publication,
            language=language,
            file=f"editions/{publication.slug}-{language}.pdf",
            title=f"{name} {publication.slug}" if titled else "",
        )
        for publication in publications
        for language, name in (("en", "English title"), ("fi", "Suomenkielinen nimi"))
    ]


def import_file(text, user, resource_class):
    """A large file's two steps, as its job takes them: the check, then the import."""
    from import_export.formats.base_formats import CSV

    from carportal.import_jobs import import_dataset

    totals, steps = None, {}
    for step, dry_run in (("check", True), ("import", False)):
        started = time.perf_counter()
        dataset = CSV(encoding="utf-8-sig").create_dataset(text)
        result = import_dataset(resource_class(), dataset, dry_run=dry_run, user=user)
        steps[step] = time.perf_counter() - started
        assert not result.has_errors() and not result.has_validation_errors(), (
            result.invalid_rows[:3] or result.base_errors[:3]
        )
        totals = dict(result.totals)
        # Each step is a task of its own: the check's rows are gone when the import starts.
        del dataset, result
    return totals, steps


def timed(function, *args):
    """Wall-clock seconds, queries and result of one call; also prints the seconds of this
    process's own CPU, which tell the import's work from waiting on a loaded machine."""
    from django.db import connection

    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started, cpu = time.perf_counter(), time.process_time()
        result = function(*args)
        seconds = time.perf_counter() - started
    timed.cpu = time.process_time() - cpu
    return seconds, queries, result


def compare(runs, base, *, count, user, resource_class, profile, check):
    """Time each of ``runs`` (label, expected kind of row, file) against the baseline's
    ``base`` seconds; ``check`` runs after each (to assert, or to prepare the next)."""
    for label, expected, text in runs:
        profiler = cProfile.Profile() if profile else None
        if profiler:
            profiler.enable()
        seconds, queries, (totals, steps) = timed(import_file, text, user, resource_class)
        if profiler:
            profiler.disable()
        assert totals[expected] == count, totals
        check(expected)
        print(
            f"{label:<28}{seconds:>8.2f} s{queries:>8} queries{seconds / base:>8.1f}x baseline"
            f"{timed.cpu:>8.2f} s of CPU   check {steps['check']:.2f} s, import "
            f"{steps['import']:.2f} s ({steps['import'] / base:.1f}x)"
        )
        if profiler:
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)


def print_baseline(seconds, queries):
    print(
        f"{'bulk_create (baseline)':<28}{seconds:>8.2f} s{queries:>8} queries{'':>17}"
        f"{timed.cpu:>8.2f} s of CPU"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000, help="contact points")
    parser.add_argument("--publications", type=int, default=5_000)
    parser.add_argument("--profile", action="store_true", help="profile each import")
    args = parser.parse_args()

    import django
    from django.conf import settings

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import setup_test_environment

    from network.models import ContactPoint
    from network.resources import ContactPointResource
    from publications.models import Edition, Publication
    from publications.resources import PublicationResource
    from tests.carportal.factories import OrganisationFactory, TopicFactory
    from tests.projects.factories import ProjectFactory

    setup_test_environment()
    database = settings.DATABASES["default"]
    if connection.vendor != "sqlite":
        database["TEST"]["NAME"] = f"bench_{database['NAME']}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        topics = [TopicFactory().slug for _ in range(12)]
        user = get_user_model().objects.create_user("importer", is_staff=True)
        rows = contact_rows(args.rows, topics)
        text = csv_text(rows)
        print(f"{args.rows} contact points, {len(text) / 1e6:.1f} MB of CSV, {connection.vendor}")

        base, base_queries, _ = timed(bulk_create, rows, user)
        ContactPoint.objects.all().delete()
        print_baseline(base, base_queries)

        def all_there(_kind):
            assert ContactPoint.objects.count() == args.rows

        # The same entries, each with a new organisation and job title.
        changed = csv_text(
            [
                row | {"Organisation": f"{row['Organisation']} (new)", "Job title": "Coordinator"}
                for row in rows
            ]
        )
        compare(
            [
                ("import, all new", "new", text),
                ("import, each row changed", "update", changed),
                ("the same file again", "skip", changed),
            ],
            base,
            count=args.rows,
            user=user,
            resource_class=ContactPointResource,
            profile=args.profile,
            check=all_there,
        )

        count = args.publications
        names = {
            "projects": [ProjectFactory().acronym for _ in range(40)],
            "organisations": [OrganisationFactory().name for _ in range(30)],
            "topics": topics,
        }
        text = csv_text(publication_rows(count, **names))
        titled = csv_text(publication_rows(count, **names, titles=True))
        print(f"\n{count} publications, {len(titled) / 1e6:.1f} MB of CSV with editions' titles")
        base, base_queries, _ = timed(bulk_create_publications, publication_rows(count, **names))
        Publication.objects.all().delete()
        print_baseline(base, base_queries)

        def give_editions(kind):
            if kind == "new":  # the editions whose titles the next file gives
                Edition.objects.bulk_create(editions(Publication.objects.all()), batch_size=1000)

        compare(
            [("import, all new", "new", text), ("import editions' titles", "update", titled)],
            base,
            count=count,
            user=user,
            resource_class=PublicationResource,
            profile=args.profile,
            check=give_editions,
        )
        assert Edition.objects.exclude(title="").count() == 2 * count
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
