import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.core import mail

from network.models import ContactPoint, OutboxMessage
from tests.network.factories import (
    ApprovedContactPointFactory,
    AwaitingReviewContactPointFactory,
    ContactPointFactory,
)

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/network/contactpoint/"


@pytest.fixture
def reviewer_client(client, network_staff):
    client.force_login(network_staff)
    return client


def act(client, action, entries, django_capture_on_commit_callbacks, **extra):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(
            CHANGELIST,
            {"action": action, "_selected_action": [e.pk for e in entries], **extra},
            follow=True,
        )


def test_staff_without_the_network_permissions_cannot_see_contact_points(client, django_user_model):
    ContactPointFactory()
    editor = django_user_model.objects.create_user("editor", is_staff=True)
    editor.user_permissions.set(Permission.objects.filter(content_type__app_label="meetings"))
    client.force_login(editor)

    assert client.get(CHANGELIST).status_code == 403
    assert client.get(f"{CHANGELIST}{ContactPoint.objects.get().pk}/change/").status_code == 403
    assert "contactpoint" not in client.get("/admin/").content.decode()


def test_the_awaiting_review_filter_lists_only_entries_to_review(reviewer_client):
    waiting = AwaitingReviewContactPointFactory(last_name="Waiting")
    ContactPointFactory(last_name="Unconfirmed")
    ApprovedContactPointFactory(last_name="Member")

    page = reviewer_client.get(f"{CHANGELIST}?status__exact=awaiting_review").content.decode()

    assert "Awaiting review" in page
    assert str(waiting) in page
    assert "Unconfirmed" not in page and "Member" not in page


def test_approving_records_who_and_when_logs_it_and_welcomes_the_member(
    reviewer_client, network_staff, django_capture_on_commit_callbacks
):
    entry = AwaitingReviewContactPointFactory()
    unconfirmed = ContactPointFactory()

    response = act(
        reviewer_client,
        "approve_selected",
        [entry, unconfirmed],
        django_capture_on_commit_callbacks,
    )

    assert "1 entry was left alone" in response.content.decode()
    assert "1 entry approved; the member gets a welcome e-mail." in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == ContactPoint.Status.APPROVED
    assert entry.decided_by == network_staff
    assert entry.decided_at is not None
    assert LogEntry.objects.get(object_id=entry.pk).action_flag == CHANGE
    assert [m.to for m in mail.outbox] == [[entry.email]]
    assert mail.outbox[0].subject == "Welcome to the PROTECT Network"
    unconfirmed.refresh_from_db()
    assert unconfirmed.status == ContactPoint.Status.UNCONFIRMED


def test_rejecting_asks_for_a_reason_that_no_e_mail_reveals(
    reviewer_client, network_staff, django_capture_on_commit_callbacks
):
    entry = AwaitingReviewContactPointFactory()
    reason = "Works in marketing, not with children."

    asked = act(reviewer_client, "reject_selected", [entry], django_capture_on_commit_callbacks)
    assert "Reason" in asked.content.decode()
    entry.refresh_from_db()
    assert entry.status == ContactPoint.Status.AWAITING_REVIEW

    done = act(
        reviewer_client,
        "reject_selected",
        [entry],
        django_capture_on_commit_callbacks,
        reason=reason,
    )

    assert "1 entry rejected" in done.content.decode()
    entry.refresh_from_db()
    assert entry.status == ContactPoint.Status.REJECTED
    assert (entry.decided_by, entry.reject_reason) == (network_staff, reason)
    assert LogEntry.objects.filter(object_id=entry.pk).exists()
    assert entry.outbox_messages.get().kind == OutboxMessage.Kind.REJECTION
    sent = mail.outbox[0]
    assert reason not in sent.body + sent.alternatives[0].content


def test_staff_who_may_only_view_cannot_approve(
    client, django_user_model, django_capture_on_commit_callbacks
):
    viewer = django_user_model.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.set(Permission.objects.filter(codename="view_contactpoint"))
    client.force_login(viewer)
    entry = AwaitingReviewContactPointFactory()

    act(client, "approve_selected", [entry], django_capture_on_commit_callbacks)

    entry.refresh_from_db()
    assert entry.status == ContactPoint.Status.AWAITING_REVIEW


def test_the_change_page_shows_languages_and_which_e_mails_went_out(reviewer_client, sign_up):
    sign_up()
    entry = ContactPoint.objects.get()

    page = reviewer_client.get(f"{CHANGELIST}{entry.pk}/change/").content.decode()

    assert "Confirm your e-mail address" in page
    assert "Outgoing e-mails" in page
    assert 'value="fi" selected' in page
