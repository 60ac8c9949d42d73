"""A large catalogue through a real Celery worker on the real Redis broker, as in production."""

import re
import time

import pytest
from django.conf import settings

from carportal.celery import app as celery_app
from carportal.pdf import unavailable_reason
from tests.network.conftest import embedded_worker
from tests.publications.factories import EditionFactory, PublicationFactory
from tests.test_pdf import pdf_text

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis as broker: set REDIS_URL"),
    pytest.mark.skipif(
        bool(unavailable_reason()), reason="needs weasyprint with Pango: see README, PDF documents"
    ),
]


@pytest.fixture
def pdf_queue_only():
    """The worker of docker-compose.yml's worker-pdf service, which consumes the pdf queue.

    A worker's -Q selects queues on the app itself: put back what other tests' workers use.
    """
    queues = celery_app.amqp.queues
    saved = queues._consume_from
    yield ["pdf"]
    queues._consume_from = saved


def test_a_worker_makes_a_long_catalogue_that_the_progress_page_then_offers(
    client, settings, pdf_queue_only
):
    settings.PDF_TASK_ROWS = 4
    wanted = [PublicationFactory(title=f"Handbook {n:02}", kind="handbook") for n in range(6)]
    EditionFactory(publication=wanted[0], language="lt", title="Rokasgrāmata āčēģīķļņšūž")
    PublicationFactory(title="Annual report", kind="report")

    with embedded_worker(queues=pdf_queue_only, shutdown_timeout=30):
        response = client.get("/publications/catalogue.pdf?kind=handbook")
        assert response.status_code == 302
        progress = response["Location"]
        assert re.fullmatch(r"/pdf/[^/]+/", progress)
        seen = set()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            html = client.get(progress).content.decode()
            state = re.search(r'data-state="(\w+)"', html)[1]
            seen.add(state)
            if state not in ("waiting", "building"):
                break
            time.sleep(0.2)

    assert state == "ready", html
    assert seen & {"waiting", "building"}  # the request did not wait for the document
    download = re.search(r'href="(/pdf/[^"]+/download/)"', html)[1]
    pdf = client.get(download)
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(b"".join(pdf.streaming_content))
    for publication in wanted:
        assert publication.title in text
    assert "Rokasgrāmata āčēģīķļņšūž" in text
    assert "Annual report" not in text
