"""Contact points imported in bulk (carportal/bulk_import.py) as row by row, only faster."""

import gc

import pytest
from django.db import transaction
from import_export import exceptions
from import_export.formats.base_formats import CSV

from network.models import ContactPoint
from network.resources import ContactPointResource
from tests.carportal.factories import TopicFactory
from tests.network.factories import (
    ApprovedContactPointFactory,
    AwaitingReviewContactPointFactory,
)
from tests.network.test_spreadsheets import csv_file, row

pytestmark = pytest.mark.django_db


class RowByRowContactPointResource(ContactPointResource):
    """The same resource saving each row as it goes: django-import-export's own way."""

    class Meta:
        use_bulk = False


@pytest.fixture
def importer(django_user_model):
    return django_user_model.objects.create_user("importer", is_staff=True)


@pytest.fixture
def topics():
    return [TopicFactory(slug="child-trafficking"), TopicFactory(slug="online-safety")]


def run(resource_class, content, user, *, dry_run=False):
    """The admin's import of a CSV file, without the admin."""
    dataset = CSV(encoding="utf-8-sig").create_dataset(content.decode("utf-8-sig"))
    return resource_class().import_data(
        dataset,
        dry_run=dry_run,
        raise_errors=False,
        rollback_on_validation_errors=True,
        retain_instance_in_row_result=not dry_run,
        user=user,
    )


def stored():
    """Everything stored about every entry, by address, but the moments of its saves."""
    moments = {"id", "created_at", "updated_at", "decided_at"}
    return {
        entry.email: (
            {k: v for k, v in vars(entry).items() if k not in moments and not k.startswith("_")},
            sorted(entry.languages.values_list("language", flat=True)),
            sorted(entry.expertise.values_list("slug", flat=True)),
        )
        for entry in ContactPoint.objects.all()
    }


def outcome(result):
    """What the preview and the admin show of an import: the counts, and each row's errors."""
    return (
        dict(result.totals),
        [(row.number, row.error_dict) for row in result.invalid_rows],
        [
            (number, [str(error.error) for error in errors])
            for number, errors in result.row_errors()
        ],
        [str(error.error) for error in result.base_errors],
    )


def both_ways(content, user):
    """The outcome of the preview and the import, and what is stored after, in bulk and row
    by row, each from the same start."""
    seen = {}
    for resource_class in (ContactPointResource, RowByRowContactPointResource):
        with transaction.atomic():
            preview = outcome(run(resource_class, content, user, dry_run=True))
            done = outcome(run(resource_class, content, user))
            seen[resource_class] = (preview, done, stored())
            transaction.set_rollback(True)
    return seen[ContactPointResource], seen[RowByRowContactPointResource]


def test_new_entries_with_their_languages_and_expertise(importer, topics):
    content = csv_file(
        row(email="a@example.org", languages="fi,sv", expertise="online-safety"),
        row(email="b@example.org", languages="", expertise="child-trafficking,online-safety"),
        row(email="c@example.org", languages="en", status="awaiting_review"),
    )

    in_bulk, row_by_row = both_ways(content, importer)

    assert in_bulk == row_by_row
    preview, done, entries = in_bulk
    assert preview[0]["new"] == done[0]["new"] == 3
    assert entries["a@example.org"][1:] == (["fi", "sv"], ["online-safety"])
    assert entries["b@example.org"][1:] == ([], ["child-trafficking", "online-safety"])
    assert entries["a@example.org"][0]["decided_by_id"] == importer.pk


def test_a_changed_file_updates_entries_and_their_related_rows_without_duplicates(importer, topics):
    anna = ApprovedContactPointFactory(email="anna@example.org", organisation="Old office")
    anna.expertise.set(topics)
    for code in ("fi", "sv"):
        anna.languages.create(language=code)
    waiting = AwaitingReviewContactPointFactory(email="waiting@example.org")
    languages = dict(anna.languages.values_list("language", "pk"))
    content = csv_file(
        row(
            email="ANNA@example.org",
            organisation="New office",
            languages="sv,et",
            expertise="child-trafficking",
        ),
        row(email=waiting.email, status="approved", languages="en"),
        row(email="new@example.org"),
    )

    in_bulk, row_by_row = both_ways(content, importer)

    assert in_bulk == row_by_row
    _preview, done, entries = in_bulk
    assert (done[0]["new"], done[0]["update"]) == (1, 2)
    assert len(entries) == 3
    assert entries["anna@example.org"][0]["organisation"] == "New office"
    assert entries["anna@example.org"][1:] == (["et", "sv"], ["child-trafficking"])
    assert entries[waiting.email][0]["status"] == "approved"

    # Imported in bulk for good: the Swedish row is the one there was, and nothing doubles.
    run(ContactPointResource, content, importer)
    run(ContactPointResource, content, importer)
    assert ContactPoint.objects.count() == 3
    assert anna.languages.get(language="sv").pk == languages["sv"]
    assert stored() == entries


def test_bad_rows_get_the_same_errors_and_nothing_is_saved(importer, topics):
    anna = ApprovedContactPointFactory(email="anna@example.org")
    gone = ApprovedContactPointFactory(status=ContactPoint.Status.LAPSED)
    exported = "2026-01-01T10:00:00+00:00"  # before Anna's last change: an old file
    content = csv_file(
        row(email="anna@example.org", updated_at=exported, organisation="Overwritten?"),
        row(email="left@example.org", updated_at=exported),
        row(email="x@example.org", languages="fi,klingon", expertise="no-such-topic"),
        row(email="y@example.org", country="XX", phone="12345", show_phone="perhaps"),
        row(email=gone.email, status="approved"),
        row(email="Y@example.org"),
    )
    before = stored()

    in_bulk, row_by_row = both_ways(content, importer)

    assert in_bulk == row_by_row
    preview, done, entries = in_bulk
    assert preview == done
    errors = dict(preview[1])
    assert "after the file was exported" in errors[1]["Last changed"][0]
    assert "No entry has this address any more" in errors[2]["Last changed"][0]
    assert set(errors[3]) == {"Languages", "Areas of expertise"}
    assert set(errors[4]) == {"Country", "Phone", "Show phone"}
    assert "cannot move an entry from" in errors[5]["Status"][0]
    assert errors[6] == {
        "E-mail": ["“Y@example.org” is on row 5 already: a file lists each entry once."]
    }
    assert entries == before
    anna.refresh_from_db()
    assert anna.organisation != "Overwritten?"


# Up to 40 of each: SQLite takes 999 values a query, so an INSERT of contact points holds 49
# rows there (a thousand on PostgreSQL).
@pytest.mark.parametrize("size", [5, 40])
def test_an_import_takes_the_same_few_queries_for_any_number_of_rows(
    importer, topics, django_assert_max_num_queries, size
):
    existing = ApprovedContactPointFactory.create_batch(size)
    content = csv_file(
        *(
            row(email=entry.email, languages="fi,sv", expertise="online-safety")
            for entry in existing
        ),
        *(row(email=f"new{n}@example.org", languages="en") for n in range(size)),
    )

    with django_assert_max_num_queries(13):
        assert outcome(run(ContactPointResource, content, importer, dry_run=True))[1] == []
    # Those, and for the new entries and the changed ones each: their INSERT or UPDATEs, the
    # read, delete and insert of their languages and of their expertise, and the history of
    # the entries, of their languages and of their expertise.
    with django_assert_max_num_queries(28):
        result = run(ContactPointResource, content, importer)

    assert (result.totals["new"], result.totals["update"]) == (size, size)
    assert ContactPoint.objects.filter(languages__language="sv").count() == size


class SeeingResource(ContactPointResource):
    """Notes whether Python's cycle collector runs while each row is imported."""

    seen = []

    def import_row(self, row, instance_loader, **kwargs):
        self.seen.append(gc.isenabled())
        return super().import_row(row, instance_loader, **kwargs)


class FailingResource(ContactPointResource):
    def before_import(self, dataset, **kwargs):
        raise RuntimeError("The file went away.")


def test_the_cycle_collector_is_paused_while_an_import_runs_and_only_then(importer, topics):
    # bulk_import.cyclic_gc_paused: resumed after an import, and after one that fails.
    SeeingResource.seen = []
    result = run(SeeingResource, csv_file(row(), row(email="b@example.org")), importer)
    assert (result.totals["new"], SeeingResource.seen, gc.isenabled()) == (2, [False, False], True)

    dataset = CSV(encoding="utf-8-sig").create_dataset(csv_file(row()).decode("utf-8-sig"))
    with pytest.raises(exceptions.ImportError, match="went away"):
        FailingResource().import_data(dataset, raise_errors=True, user=importer)
    assert gc.isenabled()

    gc.disable()  # a caller's own pause outlasts the import
    try:
        run(SeeingResource, csv_file(row(email="c@example.org")), importer)
        assert not gc.isenabled()
    finally:
        gc.enable()
