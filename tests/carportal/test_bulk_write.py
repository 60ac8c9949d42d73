"""carportal.bulk_write: rows written as bulk_create and bulk_update write them, on both
databases (COPY and one UPDATE on PostgreSQL, Django's own on SQLite)."""

from datetime import UTC, datetime

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext_lazy

from carportal import bulk_write
from carportal.search import matching, parse
from network.models import ContactPoint, ContactPointLanguage
from publications.models import Publication
from tests.network.factories import ApprovedContactPointFactory
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db

# What the database's bulk paths must carry unchanged: quotes, a backslash, a tab, a line
# break, a COPY end marker, letters of the region.
AWKWARD = 'The "Barnahus" model\\ in\tpractice\n\\.\nVaikų apsauga, Защита детей'
WHEN = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)


def new_entry(n, **values):
    return ContactPoint(
        first_name=f"Aino{n}",
        last_name="Korhonen",
        email=f"aino{n}@example.org",
        organisation=AWKWARD,
        country="FI",
        profession=ContactPoint.Profession.CHILD_WELFARE,
        consent_version="2024-05",
        consent_given_at=datetime(2026, 11, 3, 14, 5, tzinfo=UTC),
        **values,
    )


def test_insert_saves_each_row_whole_with_its_key(django_user_model):
    staff = django_user_model.objects.create_user("staff")
    rows = [new_entry(n, phone="+358401234567", decided_by=staff, job_title="") for n in range(3)]
    before = timezone.now()

    saved = bulk_write.insert(ContactPoint, rows)

    assert saved == rows
    assert all(row.pk and not row._state.adding for row in rows)
    assert len({row.pk for row in rows}) == 3
    for row in rows:
        stored = ContactPoint.objects.get(pk=row.pk)
        assert stored.organisation == AWKWARD
        assert (stored.email, stored.job_title, stored.decided_by) == (row.email, "", staff)
        assert str(stored.phone) == "+358401234567"
        assert stored.consent_given_at == datetime(2026, 11, 3, 14, 5, tzinfo=UTC)
        assert stored.reject_reason == "" and stored.lapsed_at is None
        # As a first save sets them.
        assert stored.created_at == row.created_at >= before
        assert stored.updated_at == row.updated_at >= before


def test_values_not_yet_as_the_database_takes_them_are_converted_as_django_converts_them(
    django_user_model,
):
    # Text, numbers and times go as they are; anything else through the field, as in
    # bulk_create: a lazy translation, a naive time (with Django's warning), a number as text.
    naive = datetime(2026, 11, 3, 14, 5)  # noqa: DTZ001 - the case under test
    rows = [
        new_entry(1, job_title=gettext_lazy("Coordinator"), reconfirm_requested_at=naive),
        new_entry(
            2,
            job_title="Coordinator",
            decided_by_id=str(django_user_model.objects.create_user("staff").pk),
        ),
    ]

    with pytest.warns(RuntimeWarning, match="naive datetime"):
        bulk_write.insert(ContactPoint, rows)

    first, second = (ContactPoint.objects.get(pk=row.pk) for row in rows)
    assert first.job_title == second.job_title == "Coordinator"
    assert first.reconfirm_requested_at == timezone.make_aware(naive)
    assert second.decided_by_id == int(rows[1].decided_by_id)


def test_insert_takes_the_key_of_a_row_saved_after_it_was_assigned():
    entry = new_entry(1)
    language = ContactPointLanguage(contact_point=entry, language="lt")
    bulk_write.insert(ContactPoint, [entry])

    bulk_write.insert(ContactPointLanguage, [language])

    assert ContactPointLanguage.objects.get(pk=language.pk).contact_point_id == entry.pk


def test_insert_of_nothing_asks_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert bulk_write.insert(ContactPoint, iter([])) == []


@pytest.mark.postgresql
def test_insert_is_one_copy_after_reading_the_keys(django_assert_num_queries):
    with django_assert_num_queries(1):  # the keys; COPY is not a query the cursor counts
        bulk_write.insert(ContactPoint, [new_entry(n) for n in range(50)])
    assert ContactPoint.objects.count() == 50


@pytest.mark.postgresql
def test_rows_inserted_are_found_by_search():
    # COPY runs the tables' triggers, which keep the search vectors.
    project = ProjectFactory()
    bulk_write.insert(
        Publication,
        [
            Publication(
                slug="barnahus-quality-standards",
                title="Barnahus quality standards",
                kind=Publication.Kind.REPORT,
                status=Publication.Status.PUBLISHED,
                project=project,
            )
        ],
    )

    found = matching(Publication.objects.all(), parse("barnahus"))

    assert [publication.slug for publication in found] == ["barnahus-quality-standards"]


def test_update_writes_each_rows_own_values_of_the_fields_named():
    rows = ApprovedContactPointFactory.create_batch(3)
    untouched = {row.pk: row.first_name for row in rows}
    for n, row in enumerate(rows):
        row.organisation = f"{AWKWARD} {n}"
        row.job_title = ""
        row.reconfirm_requested_at = None if n == 0 else datetime(2026, 1, n, tzinfo=UTC)
        row.first_name = "Not written"

    bulk_write.update(ContactPoint, rows, ["organisation", "job_title", "reconfirm_requested_at"])

    for n, row in enumerate(rows):
        stored = ContactPoint.objects.get(pk=row.pk)
        assert stored.organisation == f"{AWKWARD} {n}"
        assert stored.job_title == ""
        assert stored.reconfirm_requested_at == (
            None if n == 0 else datetime(2026, 1, n, tzinfo=UTC)
        )
        assert stored.first_name == untouched[row.pk]


@pytest.mark.postgresql
def test_update_is_one_query_however_many_rows(django_assert_num_queries):
    rows = ApprovedContactPointFactory.create_batch(20)
    for row in rows:
        row.show_phone = True

    with django_assert_num_queries(1):
        bulk_write.update(ContactPoint, rows, ["show_phone"])

    assert ContactPoint.objects.filter(show_phone=True).count() == 20


def test_update_of_nothing_asks_nothing(django_assert_num_queries):
    rows = ApprovedContactPointFactory.create_batch(2)
    with django_assert_num_queries(0):
        bulk_write.update(ContactPoint, rows, [])
        bulk_write.update(ContactPoint, [], ["show_phone"])


def test_json_and_addresses_go_both_ways():
    # The change history's own columns: JSON (with text that needs escaping) and an address.
    entry = LogEntry(
        content_type=ContentType.objects.get_for_model(ContactPoint),
        object_pk="1",
        object_repr=AWKWARD,
        action=LogEntry.Action.UPDATE,
        changes={"organisation": ["Before", AWKWARD]},
    )
    (saved,) = bulk_write.insert(LogEntry, [entry])
    assert LogEntry.objects.get(pk=saved.pk).changes == {"organisation": ["Before", AWKWARD]}

    saved.changes, saved.additional_data = {"job_title": [None, "Head"]}, {"source": "import"}
    saved.remote_addr = "192.0.2.7"
    bulk_write.update(LogEntry, [saved], ["changes", "additional_data", "remote_addr"])

    stored = LogEntry.objects.get(pk=saved.pk)
    assert stored.changes == {"job_title": [None, "Head"]}
    assert (stored.additional_data, stored.remote_addr) == ({"source": "import"}, "192.0.2.7")
    assert stored.object_repr == AWKWARD


def test_new_objects_take_the_values_given_and_their_fields_defaults():
    entry = ApprovedContactPointFactory()

    objects = bulk_write.new_objects(
        LogEntry,
        [
            {"object_pk": "1", "object_repr": AWKWARD, "action": 0},
            {"object_pk": "2", "object_repr": "Second", "action": 1, "actor_id": None},
            {"object_pk": "3", "object_repr": "Third", "action": 1, "timestamp": WHEN},
        ],
    )
    first, second, third = objects

    assert (first.object_pk, first.object_repr, second.action) == ("1", AWKWARD, 1)
    assert first._state.adding and first.pk is None
    # Defaults: text fields empty, the rest none, and one made by a call (a time, a random
    # token) made for each object, not shared.
    assert (first.changes_text, first.changes, first.cid) == ("", None, None)
    assert first.timestamp <= second.timestamp <= timezone.now()
    assert first.timestamp is not second.timestamp
    assert third.timestamp == WHEN  # a value given is taken, not the default
    links = bulk_write.new_objects(
        ContactPointLanguage, [{"contact_point_id": entry.pk, "language": "lt"}]
    )
    assert (links[0].contact_point, links[0].language) == (entry, "lt")
