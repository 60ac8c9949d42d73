import re
from contextlib import contextmanager

import pytest
from celery import signals
from celery.contrib.testing.worker import start_worker
from django.contrib.auth.models import Permission
from django.core import mail

from carportal.celery import app as celery_app
from tests.carportal.factories import TopicFactory

NAME, SURNAME, EMAIL, PHONE = (
    "Aino",
    "Korhonen-Testaaja",
    "aino.korhonen@example.org",
    "+358401234567",
)


@pytest.fixture
def signup_data(db):
    topic = TopicFactory()
    return {
        "first_name": NAME,
        "last_name": SURNAME,
        "email": EMAIL,
        "organisation": "Example Child Welfare Office",
        "country": "FI",
        "profession": "child_welfare",
        "job_title": "Senior social worker",
        "phone": "+358 40 123 4567",
        "languages": ["fi", "sv"],
        "expertise": [topic.pk],
        "show_phone": "on",
        "consent": "on",
        "website": "",
    }


@pytest.fixture
def sign_up(client, signup_data, django_capture_on_commit_callbacks):
    """Post the signup form as a visitor would, running what waits for the commit."""

    def post(**changes):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                "/network/join/", {**signup_data, **changes}, REMOTE_ADDR="192.0.2.7"
            )

    return post


@pytest.fixture
def cache_down(settings):
    """The cache is a Redis that is not there; Django connects anew on the settings change."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }


@pytest.fixture(autouse=True)
def celery_eager():
    """Tasks run at once, even where REDIS_URL makes Celery use its broker (test_worker.py
    opts out, to test exactly that)."""
    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = saved


def request_link(client, email, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post("/network/sign-in/", {"email": email})


def link_path(settings):
    url = re.search(r"http://\S+/network/sign-in/\S+/", mail.outbox[-1].body).group()
    return url.removeprefix(settings.NETWORK_SITE_URL)


@pytest.fixture
def signed_in(client, settings, django_capture_on_commit_callbacks):
    def sign_in(member):
        request_link(client, member.email, django_capture_on_commit_callbacks)
        client.post(link_path(settings))
        return client

    return sign_in


@pytest.fixture
def network_staff(django_user_model):
    user = django_user_model.objects.create_user("reviewer", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="network",
            codename__in=["view_contactpoint", "change_contactpoint", "review_contactpoint"],
        )
    )
    return user


@contextmanager
def celery_broker(url):
    """Celery publishing through the broker at ``url``, not eagerly, as in production; its
    own settings come back afterwards."""
    saved = {key: celery_app.conf[key] for key in ("broker_url", "task_always_eager")}
    _forget_broker_connections()
    celery_app.conf.update(broker_url=url, task_always_eager=False)
    try:
        yield
    finally:
        celery_app.conf.update(saved)
        _forget_broker_connections()


def _forget_broker_connections():
    # The app keeps the broker connections (and producers) it opened first, whatever
    # broker_url says later: each side of a test must open its own.
    celery_app._pool = celery_app.amqp._producer_pool = None


def _leave_logging_alone(**kwargs):
    """Answering Celery's setup_logging signal keeps an embedded worker from replacing the
    root logger's handlers (and pytest's log capture with them)."""


@contextmanager
def embedded_worker(**options):
    """A real Celery worker in a thread of this process, taking tasks from the broker the
    app is configured with; its log lines reach pytest's capture like the requests' do."""
    signals.setup_logging.connect(_leave_logging_alone)
    try:
        with start_worker(celery_app, perform_ping_check=False, **options) as worker:
            yield worker
    finally:
        signals.setup_logging.disconnect(_leave_logging_alone)
