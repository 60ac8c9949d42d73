import io
import logging

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.management import call_command

from network import links, outbox
from network.links import confirmation_token
from network.models import ContactPoint, OutboxMessage
from tests.network.conftest import EMAIL, NAME, PHONE, SURNAME, celery_broker

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_down():
    """Celery publishing to a Redis that is not there, as when the broker is down."""
    with celery_broker("redis://127.0.0.1:1/0"):
        yield


def test_a_signup_made_while_the_broker_is_down_is_kept_and_sent_later(sign_up, broker_down):
    response = sign_up()

    assert response.status_code == 302
    assert ContactPoint.objects.count() == 1
    assert OutboxMessage.objects.get().sent_at is None
    assert mail.outbox == []

    output = io.StringIO()
    call_command("send_pending_mail", stdout=output)

    assert output.getvalue() == "1 e-mail(s) sent.\n"
    assert OutboxMessage.objects.get().sent_at is not None
    assert [m.to for m in mail.outbox] == [[EMAIL]]


def test_a_stored_e_mail_is_sent_once_however_often_asked(sign_up, broker_down):
    sign_up()
    message = OutboxMessage.objects.get()

    assert outbox.outbox_message_send(message_id=message.pk) is True
    assert outbox.outbox_message_send(message_id=message.pk) is False
    assert outbox.send_pending() == 0
    assert len(mail.outbox) == 1


def test_no_member_data_in_the_log_of_the_whole_flow(
    client, sign_up, caplog, django_user_model, django_capture_on_commit_callbacks
):
    reviewer = django_user_model.objects.create_user("reviewer", is_staff=True)
    reviewer.user_permissions.set(Permission.objects.filter(content_type__app_label="network"))
    caplog.set_level(logging.DEBUG)

    sign_up()
    entry = ContactPoint.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/network/confirm/{confirmation_token(entry)}/")
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/network/contactpoint/",
            {"action": "approve_selected", "_selected_action": [entry.pk]},
        )

    client.logout()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/network/sign-in/", {"email": EMAIL})
    token = links.sign_in_token(ContactPoint.objects.get())
    client.post(f"/network/sign-in/{token}/")
    directory = client.get("/network/directory/")

    assert directory.status_code == 200
    assert len(mail.outbox) == 4
    assert caplog.records
    logged = caplog.text.lower()
    for secret in (NAME, SURNAME, EMAIL, PHONE, PHONE[4:], "40 123 4567"):
        assert secret.lower() not in logged


def test_a_signup_made_while_the_mail_server_is_down_is_kept_and_sent_later(sign_up, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1

    assert sign_up().status_code == 302
    assert OutboxMessage.objects.get().sent_at is None

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox.send_pending() == 1
    assert [m.to for m in mail.outbox] == [[EMAIL]]
