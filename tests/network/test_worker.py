"""The network's e-mails through a real Celery worker on the real Redis broker, as in
production: the whole journey of a member, and no personal data in any log line."""

import logging
import re
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail

from carportal.celery import app as celery_app
from network.models import ContactPoint, OutboxMessage
from tests.network.conftest import EMAIL, NAME, PHONE, SURNAME
from tests.network.test_self_service import assert_nowhere_in_the_database, details

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis as broker: set REDIS_URL"),
]

NEW_EMAIL = "aino.k@example.org"


@pytest.fixture
def celery_eager():
    """Not eager: each task goes through the broker to the worker."""


@pytest.fixture
def worker():
    # At DEBUG, so that the log test below sees everything the worker can say.
    with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=10, loglevel="DEBUG"):
        yield


def next_mail(count):
    """The ``count``-th e-mail, once the worker has sent it."""
    deadline = time.monotonic() + 20
    while len(mail.outbox) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(mail.outbox) >= count, f"the worker sent {len(mail.outbox)} e-mails, not {count}"
    return mail.outbox[count - 1]


def path_in(message, prefix):
    url = re.search(rf"http://\S+({prefix}\S+/)", message.body).group(1)
    return url


def test_a_worker_sends_the_confirmation_of_a_signup(client, signup_data, worker):
    response = client.post("/network/join/", signup_data)

    assert response.status_code == 302
    assert next_mail(1).to == [EMAIL]
    assert OutboxMessage.objects.get().sent_at is not None


def test_the_whole_journey_of_a_member_leaves_no_personal_data_in_logs(
    client, signup_data, worker, network_staff, caplog
):
    caplog.set_level(logging.DEBUG)
    staff = client.__class__()
    staff.force_login(network_staff)

    # Signs up, and confirms with the e-mailed link; the secretariat hears of it.
    assert client.post("/network/join/", signup_data).status_code == 302
    assert client.post(path_in(next_mail(1), "/network/confirm/")).status_code == 200
    assert next_mail(2).to == [settings.NETWORK_REVIEW_EMAIL]

    # Network staff approve; the member is welcomed with their personal link.
    entry = ContactPoint.objects.get()
    approve = {"action": "approve_selected", "_selected_action": [entry.pk]}
    assert staff.post("/admin/network/contactpoint/", approve).status_code == 302
    personal = path_in(next_mail(3), "/network/me/")

    # Signs in to the directory by e-mailed link.
    client.post("/network/sign-in/", {"email": EMAIL})
    client.post(path_in(next_mail(4), "/network/sign-in/"))
    assert EMAIL in client.get("/network/directory/").content.decode()

    # Changes their details and their address, confirmed from the new mailbox.
    entry.refresh_from_db()
    response = client.post(personal, details(entry, job_title="Head of unit", email=NEW_EMAIL))
    assert response.status_code == 302
    assert next_mail(5).to == [NEW_EMAIL]
    assert client.post(path_in(mail.outbox[4], "/network/confirm-email/")).status_code == 200
    assert next_mail(6).to == [settings.NETWORK_REVIEW_EMAIL]
    entry.refresh_from_db()
    assert (entry.email, entry.job_title) == (NEW_EMAIL, "Head of unit")

    # Withdraws, from the new personal link.
    staff.post("/admin/network/contactpoint/", approve)
    personal = path_in(next_mail(7), "/network/me/")
    assert client.post(f"{personal}withdraw/")["Location"] == "/network/withdrawn/"

    assert not ContactPoint.objects.exists()
    assert OutboxMessage.objects.count() == 0
    personal_data = [NAME, SURNAME, EMAIL, NEW_EMAIL, PHONE, PHONE.removeprefix("+")]
    assert_nowhere_in_the_database(personal_data)
    assert "succeeded" in caplog.text  # the worker's own log lines were captured too
    for value in personal_data:
        assert value.casefold() not in caplog.text.casefold(), value
