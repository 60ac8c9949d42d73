"""The change history (carportal/audit.py): who changed what, field by field, and when."""

import copy
import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from auditlog.context import set_actor
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from django.contrib.auth.models import Group
from django.utils import timezone

from carportal import audit
from carportal.admin import ModelFilter
from carportal.models import Publishable, Topic
from meetings.models import Meeting, MeetingSession
from network import services
from network.models import ContactPoint, ContactPointLanguage, Departure
from tests.carportal.factories import CountryFactory, TopicFactory
from tests.meetings.factories import MeetingFactory
from tests.network.factories import ApprovedContactPointFactory
from tests.network.test_self_service import assert_nowhere_in_the_database
from tests.network.test_spreadsheets import confirm, csv_file, row, upload
from tests.test_admin import meeting_form

pytestmark = pytest.mark.django_db

HISTORY = "/admin/auditlog/logentry/"
CREATE, UPDATE, DELETE = LogEntry.Action.CREATE, LogEntry.Action.UPDATE, LogEntry.Action.DELETE
PERSONAL = ["contactpoint", "contactpointlanguage"]


@pytest.fixture
def staff_in(django_user_model):
    """A staff user (not a superuser) in the role named (carportal/migrations/0002_roles.py)."""

    def make(group_name, username=None):
        user = django_user_model.objects.create_user(
            username or group_name.lower().replace(" ", "-"), is_staff=True
        )
        user.groups.add(Group.objects.get(name=group_name))
        return user

    return make


@pytest.fixture
def editor(staff_in):
    return staff_in("Content editor")


@pytest.fixture
def manager(staff_in):
    return staff_in("Network manager")


def signed_in(client, user):
    client.force_login(user)
    return client


def listed(response):
    """The entries on a page of the change history."""
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def edit_meeting(client, **changes):
    """Create a meeting through the admin, then save it again with ``changes``."""
    country = CountryFactory(code="ee", name="Estonia")
    data = meeting_form(country, _save_draft="Save as draft")
    assert client.post("/admin/meetings/meeting/add/", data).status_code == 302
    meeting = Meeting.objects.get()
    data |= {"sessions-INITIAL_FORMS": "2", **changes}
    for index, session in enumerate(meeting.sessions.all()):
        data |= {f"sessions-{index}-id": session.pk, f"sessions-{index}-meeting": meeting.pk}
    assert client.post(f"/admin/meetings/meeting/{meeting.pk}/change/", data).status_code == 302
    return meeting


@pytest.fixture
def member():
    entry = ApprovedContactPointFactory(
        first_name="Ieva", last_name="Kalniņa", email="ieva@example.org", phone="+37120000000"
    )
    entry.expertise.set([TopicFactory(name="Child trafficking")])
    ContactPointLanguage.objects.create(contact_point=entry, language="lv")
    return entry


def test_an_admin_edit_records_who_when_and_each_field_change(client, editor):
    topic = TopicFactory(name="Online exploitation")
    before = timezone.now()

    meeting = edit_meeting(
        signed_in(client, editor),
        title="Expert group meeting in Tartu",
        city="Tartu",
        topics=[topic.pk],
        **{"sessions-1-title": "Workshop on grooming"},
    )

    entries = audit.history_of(meeting)
    assert {entry.actor for entry in entries} == {editor}
    assert all(before <= entry.timestamp <= timezone.now() for entry in entries)
    meeting_entries = [entry for entry in entries if entry.content_type.model == "meeting"]
    created, *updates = reversed(meeting_entries)
    assert created.action == CREATE
    assert created.changes["title"] == ["None", "Expert group meeting in Tallinn"]
    fields = {name: change for entry in updates for name, change in entry.changes.items()}
    assert fields["title"] == ["Expert group meeting in Tallinn", "Expert group meeting in Tartu"]
    assert fields["city"] == ["Tallinn", "Tartu"]
    assert fields["topics"] == {"type": "m2m", "operation": "add", "objects": [topic.name]}
    assert "updated_at" not in fields and "status" not in fields  # unchanged: not recorded
    # The programme is edited on the meeting's page: its changes are part of its history.
    session = meeting.sessions.get(title="Workshop on grooming")
    (renamed,) = [e for e in entries if e.object_id == session.pk and e.action == UPDATE]
    assert renamed.changes == {"title": ["Joint workshop on online exploitation", session.title]}


def test_the_history_page_shows_the_changes_field_by_field(client, editor):
    topic = TopicFactory(name="Online exploitation")
    meeting = edit_meeting(
        signed_in(client, editor), city="Tartu", _publish="Save and publish", topics=[topic.pk]
    )

    response = client.get(f"/admin/meetings/meeting/{meeting.pk}/history/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Changes, field by field" in page
    rows = [row for _entry, rows in response.context["change_rows"] for row in rows]
    assert ("City", "Tallinn", "Tartu") in rows
    assert ("Status", "Draft", "Published") in rows  # choices by their label
    assert ("Topics", "", "added: Online exploitation") in rows
    assert ("Country", "", "Estonia") in rows  # a linked row by its name
    assert "content-editor" in page
    assert "Log of admin actions" in page  # Django's own log stays below


def test_the_history_shows_yes_or_no_and_local_times(editor, member):
    changed = copy.copy(member)
    changed.show_phone = not member.show_phone
    changed.lapsed_at = datetime(2026, 11, 3, 12, 5, tzinfo=UTC)
    (entry,) = audit.record_bulk(ContactPoint, updated=[(member, changed)], actor=editor)

    ((_entry, rows),) = audit.describe([LogEntry.objects.get(pk=entry.pk)])

    answers = ["No", "Yes"] if changed.show_phone else ["Yes", "No"]
    assert ("Show my phone number to members", *answers) in rows
    # Kept in UTC, shown in the portal's time zone (Stockholm: an hour ahead in November).
    assert ("Dropped out at", "", "3 November 2026, 13:05") in rows


def test_the_change_history_filters_by_user_date_and_kind_of_record(
    client, editor, staff_in, django_assert_max_num_queries
):
    other = staff_in("Content editor", "other-editor")
    with set_actor(editor):
        mine = MeetingFactory(title="Mine")
    with set_actor(other):
        theirs = TopicFactory(name="Theirs")
    old = LogEntry.objects.get_for_object(theirs).get()
    old.timestamp = timezone.now() - timedelta(days=400)
    old.save()
    client = signed_in(client, editor)

    by_user = listed(client.get(HISTORY, {"actor__id__exact": editor.pk}))
    assert mine.title in {entry.object_repr for entry in by_user}
    assert {entry.actor for entry in by_user} == {editor}
    this_year = listed(client.get(HISTORY, {"timestamp__year": timezone.now().year}))
    assert mine.title in {e.object_repr for e in this_year} and old not in this_year
    since = str(timezone.now() - timedelta(days=7))
    assert old not in listed(client.get(HISTORY, {"timestamp__gte": since}))
    topic_type = old.content_type_id
    assert listed(client.get(HISTORY, {"model": topic_type})) == [old]
    with django_assert_max_num_queries(12):
        assert client.get(HISTORY).status_code == 200


def test_the_list_runs_the_same_queries_for_five_entries_or_fifty(
    client, editor, django_assert_max_num_queries
):
    client = signed_in(client, editor)
    for count in (5, 50):
        TopicFactory.create_batch(count - Topic.objects.count())
        with django_assert_max_num_queries(12):
            assert len(listed(client.get(HISTORY))) == count


def test_a_content_editor_never_sees_a_contact_points_history(client, editor, member, manager):
    signed_in(client, manager).post(
        f"/admin/network/contactpoint/{member.pk}/change/",
        {"action": "approve_selected", "_selected_action": [member.pk]},
    )
    entry = LogEntry.objects.get_for_object(member).earliest()
    language = LogEntry.objects.get(content_type__model="contactpointlanguage")
    client = signed_in(client, editor)

    page = client.get(HISTORY)
    assert not {entry, language} & set(listed(page))
    assert "Kalniņa" not in page.content.decode()
    (kinds,) = [f for f in page.context["cl"].filter_specs if isinstance(f, ModelFilter)]
    assert "Contact points" not in dict(kinds.lookup_choices).values()
    assert not listed(client.get(HISTORY, {"q": "Kalniņa"}))
    assert not listed(client.get(HISTORY, {"model": entry.content_type_id}))
    for url in (f"{HISTORY}{entry.pk}/change/", f"{HISTORY}{language.pk}/change/"):
        response = client.get(url, follow=True)
        assert response.redirect_chain == [("/admin/", 302)]
        assert "Kalniņa" not in response.content.decode()
    assert client.get(f"/admin/network/contactpoint/{member.pk}/history/").status_code == 403


def test_a_network_manager_reads_the_history_of_contact_points_only(client, manager, member):
    meeting = MeetingFactory()
    client = signed_in(client, manager)

    shown = listed(client.get(HISTORY))
    created = LogEntry.objects.get_for_object(member).get(action=CREATE)
    assert created in shown
    assert not set(LogEntry.objects.get_for_object(meeting)) & set(shown)
    page = client.get(f"/admin/network/contactpoint/{member.pk}/history/")
    rows = [row for _entry, rows in page.context["change_rows"] for row in rows]
    assert ("Last name", "", "Kalniņa") in rows
    assert ("Areas of expertise", "", "added: Child trafficking") in rows
    assert ("Language", "", "Latvian") in rows  # a language row is part of the entry
    detail = client.get(f"{HISTORY}{created.pk}/change/")
    assert "Kalniņa" in detail.content.decode()


@pytest.mark.parametrize("departure", ["withdraws", "is erased after lapsing"])
def test_a_departing_member_leaves_no_entry_in_the_history(client, manager, member, departure):
    signed_in(client, manager).post(
        f"/admin/network/contactpoint/{member.pk}/change/",
        {
            **{f: getattr(member, f) for f in ("first_name", "email", "organisation", "country")},
            "last_name": "Bērziņa",
            "profession": member.profession,
            "phone": "+37120000001",
            "expertise": [],
            "languages-TOTAL_FORMS": "0",
            "languages-INITIAL_FORMS": "0",
            "outbox_messages-TOTAL_FORMS": "0",
            "outbox_messages-INITIAL_FORMS": "0",
        },
    )
    assert LogEntry.objects.get_for_object(member).filter(changes__has_key="last_name").count() == 2

    if departure != "withdraws":
        member.lapse()
        member.lapsed_at = timezone.now() - timedelta(days=400)
        member.save()
    others = set(LogEntry.objects.exclude(content_type__model__in=PERSONAL))
    if departure == "withdraws":
        services.member_withdraw(contact_point=member)
    else:
        assert services.members_reconfirm_yearly()["erased"] == 1

    assert not ContactPoint.objects.exists()
    assert set(LogEntry.objects.all()) == others
    assert_nowhere_in_the_database(["Ieva", "Kalniņa", "Bērziņa", "ieva@example.org", "2000000"])


def test_publishing_and_unpublishing_from_the_list_are_recorded(client, editor):
    published = MeetingFactory.create_batch(2)
    draft = MeetingFactory(draft=True)
    client = signed_in(client, editor)
    changelist = "/admin/meetings/meeting/"

    client.post(changelist, {"action": "unpublish", "_selected_action": [m.pk for m in published]})
    client.post(changelist, {"action": "publish", "_selected_action": [draft.pk, published[0].pk]})

    def status_changes(meeting):
        entries = LogEntry.objects.get_for_object(meeting).filter(action=UPDATE)
        return [(entry.changes, entry.actor) for entry in entries.order_by("pk")]

    assert status_changes(published[0]) == [
        ({"status": ["published", "draft"]}, editor),
        ({"status": ["draft", "published"]}, editor),
    ]
    assert status_changes(published[1]) == [({"status": ["published", "draft"]}, editor)]
    assert status_changes(draft) == [({"status": ["draft", "published"]}, editor)]


def test_an_import_in_the_admin_is_recorded_with_the_importing_user(client, manager, member):
    TopicFactory(slug="online-safety", name="Online safety")
    client = signed_in(client, manager)
    file = csv_file(
        row(first_name="Marta", languages="pl,en", expertise="online-safety"),
        row(
            first_name="Ieva",
            last_name="Kalniņa",
            email="IEVA@example.org",
            organisation="State Inspectorate",
            country="LV",
            languages="en",
            expertise="online-safety",
        ),
    )
    before = LogEntry.objects.count()

    preview = upload(client, file)
    assert LogEntry.objects.count() == before  # the preview writes nothing, history included
    assert "Import finished: 1 new, 1 updated" in confirm(client, preview).content.decode()

    new = ContactPoint.objects.get(email="marta.kowalska@example.org")
    recorded = LogEntry.objects.filter(pk__gt=LogEntry.objects.order_by("pk")[before - 1].pk)
    assert {entry.actor for entry in recorded} == {manager}
    created = recorded.get(content_type__model="contactpoint", object_id=new.pk, action=CREATE)
    assert created.changes["first_name"] == ["None", "Marta"]
    assert {e.changes["language"][1] for e in audit.history_of(new) if "language" in e.changes} == {
        "pl",
        "en",
    }
    updated = {
        (name, change.get("operation") if isinstance(change, dict) else None): change
        for entry in recorded.filter(object_id=member.pk, content_type__model="contactpoint")
        for name, change in entry.changes.items()
    }
    assert updated["organisation", None] == ["Example Child Welfare Office", "State Inspectorate"]
    assert ("email", None) not in updated  # the same address, written in capitals
    # Written in bulk, expertise and languages are recorded as the admin records them: the
    # topics each entry gained and lost, and each language row added and removed.
    assert updated["expertise", "add"]["objects"] == ["Online safety"]
    assert updated["expertise", "delete"]["objects"] == ["Child trafficking"]
    assert updated["expertise", "add"]["type"] == "m2m"
    languages = {
        (entry.action, *entry.changes["language"])
        for entry in audit.history_of(member)
        if entry in recorded and "language" in entry.changes
    }
    assert languages == {(CREATE, "None", "en"), (DELETE, "lv", "None")}
    page = client.get(f"/admin/network/contactpoint/{member.pk}/history/").content.decode()
    assert "added: Online safety" in page and "removed: Child trafficking" in page


def test_record_bulk_records_rows_written_without_signals(editor, django_assert_num_queries):
    meeting = MeetingFactory()
    sessions = MeetingSession.objects.bulk_create(
        MeetingSession(meeting=meeting, title=f"Session {n}", position=n) for n in (1, 2)
    )
    old = MeetingSession.objects.get(pk=sessions[0].pk)
    new = copy.copy(old)
    new.title, new.kind = "Opening", MeetingSession.Kind.PARALLEL_WORKSHOP
    unchanged = sessions[1]

    with django_assert_num_queries(1):
        recorded = audit.record_bulk(
            MeetingSession,
            created=sessions,
            updated=[(old, new), (unchanged, unchanged)],
            actor=editor,
        )

    entries = list(LogEntry.objects.filter(pk__in=[e.pk for e in recorded]).order_by("pk"))
    assert [(e.action, e.object_id, e.actor) for e in entries] == [
        (CREATE, sessions[0].pk, editor),
        (CREATE, sessions[1].pk, editor),
        (UPDATE, sessions[0].pk, editor),
    ]
    assert entries[0].changes["title"] == ["None", "Session 1"]
    assert entries[2].changes == {
        "title": ["Session 1", "Opening"],
        "kind": ["session", "parallel_workshop"],
    }
    assert set(entries) <= set(audit.history_of(meeting))  # found as parts of the meeting


def test_entries_written_in_bulk_read_back_as_auditlog_writes_them(editor, member):
    # Text that the database's bulk paths must carry unchanged: quotes, a backslash, a tab, a
    # line break, letters of the region.
    title = 'The "Barnahus" model\\ in\tpractice\nVaikų apsauga, Защита детей'
    sessions = MeetingSession.objects.bulk_create(
        [MeetingSession(meeting=MeetingFactory(), title=title, position=1)]
    )
    languages = ContactPointLanguage.objects.bulk_create(
        [ContactPointLanguage(contact_point=member, language="lt")]
    )

    recorded = audit.record_bulk(MeetingSession, created=sessions, actor=editor)
    recorded += audit.record_bulk(ContactPointLanguage, created=languages, actor=editor)

    for entry, written in zip(recorded, [*sessions, *languages], strict=True):
        stored = LogEntry.objects.get(pk=entry.pk)
        # As JSON keeps them: lists, and choices by their value.
        assert stored.changes == json.loads(json.dumps(model_instance_diff(None, written)))
        assert stored.serialized_data == LogEntry.objects._get_serialized_data_or_none(written)
        assert (stored.object_repr, stored.actor) == (str(written), editor)
    assert LogEntry.objects.get(pk=recorded[0].pk).changes["title"] == ["None", title]
    assert recorded[1].object_repr == "Lithuanian"


def test_record_bulk_takes_the_actor_auditlog_knows_and_the_registered_fields(editor, member):
    new = copy.copy(member)
    new.job_title, new.updated_at = "Head of unit", timezone.now() + timedelta(days=1)

    with set_actor(editor):
        (entry,) = audit.record_bulk(ContactPoint, updated=[(member, new)])
    (system,) = audit.record_bulk(ContactPoint, updated=[(member, new)])

    assert entry.actor == editor and system.actor is None
    entry.refresh_from_db()
    assert entry.changes == {"job_title": ["Social worker", "Head of unit"]}  # no updated_at
    with pytest.raises(ValueError, match="no primary key"):
        audit.record_bulk(Topic, created=[Topic(name="Unsaved")])
    with pytest.raises(ValueError, match="not in the change history"):
        audit.record_bulk(Departure, created=[Departure(month=timezone.localdate(), count=1)])


def test_record_bulk_records_what_auditlog_records_of_each_row(editor, member):
    # record_bulk compares the fields auditlog compares, found once per model: the same
    # changes for a creation, an update and a deletion, null relations and times included
    # (one in a zone other than UTC, which auditlog writes in UTC).
    meeting = MeetingFactory(presidency=None)
    language = ContactPointLanguage.objects.create(contact_point=member, language="lt")
    moved = copy.copy(meeting)
    moved.title, moved.start_date = "Moved", meeting.start_date + timedelta(days=3)
    changed = copy.copy(member)
    changed.decided_by = editor
    changed.lapsed_at = timezone.now().astimezone(ZoneInfo("Europe/Vilnius"))
    cases = [
        (Meeting, None, meeting),
        (Meeting, meeting, moved),
        (Meeting, meeting, None),
        (ContactPoint, None, member),
        (ContactPoint, member, changed),
        (ContactPoint, member, copy.copy(member)),
        (ContactPointLanguage, None, language),
        (ContactPointLanguage, language, None),
    ]

    for model, old, new in cases:
        created, deleted = (old is None, new is None)
        (entry,) = audit.record_bulk(
            model,
            created=[new] if created else [],
            updated=[(old, new)] if not (created or deleted) else [],
            deleted=[old] if deleted else [],
        ) or [None]
        expected = model_instance_diff(old, new)
        if expected is None:
            assert entry is None
        else:
            stored = LogEntry.objects.get(pk=entry.pk)
            assert stored.changes == json.loads(json.dumps(expected)), (model, old, new)


def test_update_with_history_changes_and_records_each_row(editor):
    meetings = MeetingFactory.create_batch(3)

    count = audit.update_with_history(
        Meeting.objects.filter(pk__in=[m.pk for m in meetings[:2]]),
        actor=editor,
        status=Publishable.Status.DRAFT,
    )

    assert count == 2
    assert Meeting.objects.filter(status=Publishable.Status.DRAFT).count() == 2
    assert LogEntry.objects.filter(action=UPDATE, actor=editor).count() == 2


def test_the_history_page_runs_the_same_queries_for_five_changes_or_fifty(
    client, editor, django_assert_max_num_queries
):
    meeting = MeetingFactory(country__name="Estonia")
    countries = CountryFactory.create_batch(50)
    client = signed_in(client, editor)
    for count in (5, 50):
        moves = [(meeting, copy.copy(meeting)) for _ in range(count)]
        for (_old, new), country in zip(moves, countries, strict=False):
            new.country = country
        audit.record_bulk(Meeting, updated=moves, actor=editor)

        with django_assert_max_num_queries(11):
            response = client.get(f"/admin/meetings/meeting/{meeting.pk}/history/")

        rows = [row for _entry, rows in response.context["change_rows"] for row in rows]
        assert ("Country", "Estonia", countries[count - 1].name) in rows
