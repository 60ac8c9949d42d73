"""The signup's e-mail through a real Celery worker on the real Redis broker, as in production."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail

from carportal.celery import app as celery_app
from network.models import OutboxMessage
from tests.network.conftest import EMAIL

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis as broker: set REDIS_URL"),
]


@pytest.fixture
def celery_eager():
    """Not eager: the task goes through the broker to the worker."""


def test_a_worker_sends_the_confirmation_of_a_signup(client, signup_data):
    with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=10):
        response = client.post("/network/join/", signup_data)
        deadline = time.monotonic() + 20
        while not mail.outbox and time.monotonic() < deadline:
            time.sleep(0.1)

    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[EMAIL]]
    assert OutboxMessage.objects.get().sent_at is not None
