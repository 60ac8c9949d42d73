"""Demo data at scale: `manage.py seed_demo` (carportal/demo.py)."""

from collections import Counter

import pytest
from auditlog.models import LogEntry
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from carportal.demo import EMAIL_DOMAIN, PER_SCALE, SAMPLE_FILE
from carportal.models import DemoRecord, Organisation
from meetings.models import Meeting, Presidency
from network.models import ContactPoint
from projects.models import Project
from publications.models import Edition, Publication
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db

LISTED = {
    Organisation: PER_SCALE["organisations"],
    Project: PER_SCALE["projects"],
    Presidency: 1,
    Meeting: PER_SCALE["meetings"],
    Publication: PER_SCALE["publications"],
    ContactPoint: PER_SCALE["contact_points"],
}


@pytest.fixture
def local(settings, capsys):
    """A developer's database: DEBUG on, the seed content loaded."""
    settings.DEBUG = True
    call_command("seed")
    capsys.readouterr()


def seed_demo(capsys, *args):
    call_command("seed_demo", *args)
    return capsys.readouterr().out


def table_sizes():
    return {model: model.objects.count() for model in [*LISTED, Edition]}


def test_demo_data_is_generated_marked_and_listed(local, capsys):
    before = table_sizes()

    assert "Added demo data" in seed_demo(capsys, "--scale", "1")

    for model, count in LISTED.items():
        listed = DemoRecord.objects.filter(content_type__model=model._meta.model_name)
        assert model.objects.count() - before[model] == listed.count() == count
        assert model.objects.filter(pk__in=listed.values("object_id")).count() == count
    demo_publications = Publication.objects.filter(slug__startswith="demo-")
    assert demo_publications.count() == PER_SCALE["publications"]
    assert 2 <= Edition.objects.filter(publication__in=demo_publications).count() / 200 <= 3
    assert all(
        name.endswith("(demo)")
        for name in Organisation.objects.filter(slug__startswith="demo-").values_list(
            "name", flat=True
        )
    )
    points = ContactPoint.objects.all()
    assert all(point.email.endswith(f"@{EMAIL_DOMAIN}") for point in points)
    assert Counter(points.values_list("status", flat=True)).most_common(1)[0][0] == "approved"
    # The region's letters, and dates known to a day, a month or a year over decades.
    names = " ".join(Organisation.objects.values_list("name", flat=True))
    assert {"ā", "ė", "ł", "ø", "õ", "ж"} & set(names)
    meetings = Meeting.objects.filter(slug__startswith="demo-")
    assert set(meetings.values_list("start_precision", flat=True)) >= {"day", "month"}
    years = {day.year for day in demo_publications.values_list("published_on", flat=True) if day}
    assert max(years) - min(years) >= 15
    assert default_storage.exists(SAMPLE_FILE)


def test_demo_rows_are_stored_as_the_admin_would_store_them(local, capsys):
    seed_demo(capsys, "--scale", "1")

    for model in [Presidency, Meeting, Project, Publication, Edition, ContactPoint]:
        for obj in model.objects.all():
            stored = {f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields}
            obj.full_clean()  # partial dates widened, constraints and validators met
            assert {f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields} == (
                stored
            )


def test_the_same_scale_gives_the_same_rows(local, capsys):
    def titles():
        return list(Publication.objects.order_by("slug").values_list("slug", "title"))

    seed_demo(capsys, "--scale", "1")
    first = titles()
    seed_demo(capsys, "--remove")
    seed_demo(capsys, "--scale", "1")

    assert titles() == first


def test_seeding_twice_is_refused_and_changes_nothing(local, capsys):
    seed_demo(capsys, "--scale", "1")
    before = table_sizes()

    with pytest.raises(CommandError, match="seed_demo --remove"):
        call_command("seed_demo", "--scale", "1")

    assert table_sizes() == before


def test_removal_takes_the_demo_rows_and_leaves_seed_and_staff_content(local, capsys):
    staff_meeting = MeetingFactory(slug="demo-day-for-staff", title="Demo day (staff's own)")
    before = table_sizes()
    seed_demo(capsys, "--scale", "1")
    history = LogEntry.objects.count()

    out = seed_demo(capsys, "--remove")

    assert "Removed demo data" in out
    assert f"{PER_SCALE['publications']} publications" in out
    assert table_sizes() == before
    assert Meeting.objects.filter(pk=staff_meeting.pk).exists()
    assert not DemoRecord.objects.exists()
    # Demo rows leave no history behind: none was recorded for their removal.
    assert LogEntry.objects.count() == history
    assert not default_storage.exists(SAMPLE_FILE)
    # Seed content has its own files, which stay.
    assert Edition.objects.exists()
    assert all(default_storage.exists(edition.file.name) for edition in Edition.objects.all())


def test_removal_refuses_while_real_content_points_at_demo_rows(local, capsys):
    seed_demo(capsys, "--scale", "1")
    demo_presidency = Presidency.objects.get(slug__startswith="demo-")
    MeetingFactory(title="Staff meeting", presidency=demo_presidency)
    before = table_sizes()

    with pytest.raises(CommandError, match="Nothing removed.*Staff meeting"):
        call_command("seed_demo", "--remove")

    assert table_sizes() == before


@pytest.mark.postgresql
def test_demo_rows_are_searchable_and_the_search_triggers_work_again_after_seeding(local, capsys):
    """The load computes the vectors once, at its end, with the triggers paused meanwhile."""
    seed_demo(capsys, "--scale", "1")

    def select(sql):
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()

    for model in [Presidency, Meeting, Project, Publication]:
        table = model._meta.db_table
        assert select(f"SELECT count(*) FROM {table} WHERE search_vector IS NULL") == [(0,)]
    demo = Publication.objects.filter(slug__startswith="demo-").first()
    edition = demo.editions.first()
    edition.title = "Quokkaquest"
    edition.save()
    demo.title = "Wombatwise"
    demo.save()

    assert select(
        "SELECT id FROM publications_publication "
        "WHERE search_vector @@ to_tsquery('simple', 'wombatwise & quokkaquest')"
    ) == [(demo.pk,)]


def test_demo_data_is_refused_outside_a_local_run(capsys):
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", "--scale", "1")
    assert not Publication.objects.exists()


def test_demo_data_needs_the_seed_content(settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="manage.py seed"):
        call_command("seed_demo", "--scale", "1")


def test_seeding_writes_in_batches_not_row_by_row(local, django_assert_max_num_queries):
    # About 2,600 rows; a fixed set of queries plus one a batch (smaller on SQLite, which
    # caps a query's parameters), where a query a row would be thousands.
    with django_assert_max_num_queries(60):
        call_command("seed_demo", "--scale", "1")
