import re
import time
from datetime import timedelta

import pytest
from django.core import mail

from network.links import confirmation_token
from network.models import ContactPoint, OutboxMessage
from tests.network.factories import ContactPointFactory

pytestmark = pytest.mark.django_db


def confirm_path(entry):
    return f"/network/confirm/{confirmation_token(entry)}/"


def test_the_e_mailed_link_confirms_the_entry_and_the_secretariat_is_told(
    client, sign_up, settings, django_capture_on_commit_callbacks
):
    settings.NETWORK_REVIEW_EMAIL = "protect-review@example.org"
    sign_up()
    link = re.search(r"http://\S+/network/confirm/\S+/", mail.outbox[0].body).group()
    path = link.removeprefix(settings.NETWORK_SITE_URL)

    page = client.get(path)
    assert "Confirm my e-mail address" in page.content.decode()
    assert page["X-Robots-Tag"] == "noindex"
    assert ContactPoint.objects.get().status == ContactPoint.Status.UNCONFIRMED
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(path)

    assert "Thank you for confirming" in done.content.decode()
    entry = ContactPoint.objects.get()
    assert entry.status == ContactPoint.Status.AWAITING_REVIEW
    assert entry.confirmed_at is not None
    review = mail.outbox[1]
    assert review.to == ["protect-review@example.org"]
    assert "status__exact=awaiting_review" in review.body
    assert entry.first_name not in review.body + review.subject


def test_a_link_works_once(client, django_capture_on_commit_callbacks):
    entry = ContactPointFactory()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirm_path(entry))

    again = client.post(confirm_path(entry))

    assert again.status_code == 200
    assert "This link has already been used" in again.content.decode()
    assert "Already confirmed" in client.get(confirm_path(entry)).content.decode()
    assert entry.outbox_messages.filter(kind=OutboxMessage.Kind.REVIEW_REQUEST).count() == 1


def test_a_tampered_link_is_refused(client):
    entry = ContactPointFactory()
    token = confirmation_token(entry)
    other_payload = confirmation_token(ContactPointFactory()).split(":")[0]
    # Another entry's payload under this entry's signature.
    forged = ":".join([other_payload, *token.split(":")[1:]])

    for path in (f"/network/confirm/{forged}/", f"/network/confirm/{token}x/"):
        response = client.post(path)
        assert response.status_code == 400
        assert "This confirmation link is not valid" in response.content.decode()
    assert not ContactPoint.objects.exclude(status=ContactPoint.Status.UNCONFIRMED).exists()


def test_a_link_older_than_seven_days_has_expired(client, monkeypatch):
    entry = ContactPointFactory()
    eight_days_ago = time.time() - timedelta(days=8).total_seconds()
    with monkeypatch.context() as patched:
        patched.setattr(time, "time", lambda: eight_days_ago)
        path = confirm_path(entry)

    response = client.post(path)

    assert response.status_code == 400
    assert "This confirmation link has expired" in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == ContactPoint.Status.UNCONFIRMED
