"""Signups while the Celery broker fails, as production's Redis may: a redis-server of the
test's own, frozen by the test."""

import shutil
import signal
import socket
import subprocess
import time
from contextlib import contextmanager

import pytest
import redis
from django.conf import settings

from network.models import ContactPoint, OutboxMessage
from tests.network.conftest import celery_broker

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
    """A redis-server on a free port, keeping nothing on disk."""

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


def test_a_broker_that_hangs_delays_a_signup_by_seconds_only(broker, sign_up, caplog):
    sign_up(0)
    broker.freeze()

    # Measured: three seconds on the open connection, two once it is dropped. Without the
    # timeouts in settings, the request would wait for as long as Redis is frozen.
    took = [sign_up(1), sign_up(2)]
    assert max(took) < 5
    assert ContactPoint.objects.count() == OutboxMessage.objects.count() == 3
    assert caplog.text.count("left for the periodic send") == 2
