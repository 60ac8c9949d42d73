"""Signups while the Celery broker goes away and comes back, as when production's Redis
restarts: a redis-server of the test's own, stopped and started under a real worker."""

import logging
import shutil
import signal
import socket
import subprocess
import time
from collections import Counter
from contextlib import contextmanager

import pytest
import redis
from celery import signals
from django.conf import settings
from django.core import mail

from carportal.celery import app as celery_app
from network.models import ContactPoint, OutboxMessage
from network.tasks import send_pending_mail
from tests.network.conftest import NAME, PHONE, SURNAME, celery_broker, embedded_worker

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis as broker: set REDIS_URL"),
    pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server on PATH"),
]

# Long enough for a slow CI machine; the whole test takes a few seconds.
DEADLINE = 20


def wait_for(condition, what):
    deadline = time.monotonic() + DEADLINE
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what} after {DEADLINE} s")
        time.sleep(0.05)


class RedisServer:
    """A redis-server on a free port, keeping nothing on disk, so a restart loses every
    queued message as a crash would."""

    def __init__(self, directory):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.directory = directory
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port)]
            + ["--save", "", "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
        )
        wait_for(self.answers, "redis-server to start")

    def answers(self):
        try:
            return redis.Redis(port=self.port, socket_timeout=0.5).ping()
        except redis.ConnectionError:
            return False

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=DEADLINE)

    def freeze(self):
        """Keep the port open but answer nothing, as a hung server or a lost host does."""
        self.process.send_signal(signal.SIGSTOP)

    def kill(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.kill()
            self.process.wait()


@pytest.fixture
def broker(tmp_path):
    server = RedisServer(tmp_path)
    try:
        server.start()
        with celery_broker(server.url):
            yield server
    finally:
        server.kill()


@pytest.fixture
def worker(broker):
    with embedded_worker(shutdown_timeout=DEADLINE) as w:
        yield w


@pytest.fixture
def finished_tasks():
    """The name of each task the worker has run, in order."""
    names = []

    def record(sender, **kwargs):
        names.append(sender.name)

    signals.task_postrun.connect(record, weak=False)
    yield names
    signals.task_postrun.disconnect(record)


def worker_answers(worker):
    return bool(celery_app.control.ping(destination=[worker.hostname], timeout=0.5))


@contextmanager
def paused(worker):
    """The worker takes no task meanwhile, as when it is behind: its tasks queue up."""
    queue, destination = celery_app.conf.task_default_queue, [worker.hostname]
    assert celery_app.control.cancel_consumer(queue, destination=destination, reply=True)
    yield
    assert celery_app.control.add_consumer(queue, destination=destination, reply=True)


@contextmanager
def within(seconds):
    """Fail a step that takes longer, rather than let it hang the test run."""

    def overdue(signum, frame):
        pytest.fail(f"still waiting after {seconds} s")

    previous = signal.signal(signal.SIGALRM, overdue)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def sign_up(client, signup_data, settings):
    """Post the signup form for person ``n``; its reply and how long that took."""
    settings.NETWORK_RATE_LIMIT = 100

    def post(n):
        started = time.monotonic()
        with within(DEADLINE):
            response = client.post(
                "/network/join/", {**signup_data, "email": f"person{n}@example.org"}
            )
        assert (response.status_code, response["Location"]) == (302, "/network/join/thanks/")
        return time.monotonic() - started

    return post


def pending():
    return set(OutboxMessage.objects.filter(sent_at=None).values_list("pk", flat=True))


# Each e-mail goes out once thanks to PostgreSQL's row lock; SQLite could not take the worker's
# writes beside the requests' either.
@pytest.mark.postgresql
def test_no_signup_is_lost_or_sent_twice_when_the_broker_restarts(
    broker, worker, sign_up, finished_tasks, caplog
):
    caplog.set_level(logging.INFO)
    for n in range(3):
        sign_up(n)
    wait_for(lambda: not pending(), "the worker to send the first e-mails")
    broker.stop()

    for n in range(3, 6):
        assert sign_up(n) < 2  # a refused connection fails at once
    assert ContactPoint.objects.count() == 6
    assert len(pending()) == 3
    assert caplog.text.count("left for the periodic send") == 3

    broker.start()
    wait_for(lambda: worker_answers(worker), "the worker to reconnect")
    with paused(worker):
        # The beat job, run twice (beat and cron), then signups whose own tasks queue
        # behind it: the job reaches their rows first, their tasks find them sent.
        send_pending_mail.delay()
        send_pending_mail.delay()
        for n in range(6, 8):
            sign_up(n)
    wait_for(lambda: len(finished_tasks) == 7, "the worker to run every task it was given")

    assert Counter(finished_tasks) == {
        "network.tasks.send_outbox_message": 5,
        "network.tasks.send_pending_mail": 2,
    }
    assert not pending()

    addressees = sorted(address for message in mail.outbox for address in message.to)
    assert addressees == [f"person{n}@example.org" for n in range(8)]
    assert OutboxMessage.objects.count() == 8
    logged = caplog.text.lower()
    for secret in (NAME, SURNAME, "@example.org", PHONE, PHONE[4:], "40 123 4567"):
        assert secret.lower() not in logged


def test_a_broker_that_hangs_delays_a_signup_by_seconds_only(broker, sign_up, caplog):
    sign_up(0)
    broker.freeze()

    # Measured: three seconds on the open connection, two once it is dropped. Without the
    # timeouts in settings, the request would wait for as long as Redis is frozen.
    took = [sign_up(1), sign_up(2)]
    assert max(took) < 5
    assert ContactPoint.objects.count() == OutboxMessage.objects.count() == 3
    assert caplog.text.count("left for the periodic send") == 2
