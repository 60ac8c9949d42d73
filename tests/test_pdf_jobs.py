"""Large PDFs made by a Celery task, stored, and offered from a progress page.

Celery runs tasks at once here (as without REDIS_URL): the newcomer's default, in which a
large document is ready as soon as the redirect is followed. tests/test_pdf_worker.py sends
the task through the real broker to a real worker.
"""

import re
import time

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import task_prerun
from django.core import signing
from django.core.files.storage import default_storage

from carportal import pdf_jobs
from carportal.cache import current_generation
from carportal.celery import app as celery_app
from carportal.pdf import unavailable_reason
from carportal.pdf_jobs import PDFJob, State
from carportal.tasks import build_pdf
from tests.meetings.factories import MeetingFactory, MeetingSessionFactory, PresidencyFactory
from tests.publications.factories import PublicationFactory
from tests.test_pdf import pdf_text

pytestmark = [
    pytest.mark.skipif(
        bool(unavailable_reason()), reason="needs weasyprint with Pango: see README, PDF documents"
    ),
    pytest.mark.django_db,
]

CATALOGUE = "/publications/catalogue.pdf?kind=guidelines"


@pytest.fixture(autouse=True)
def celery_eager():
    """Tasks run at once, even where REDIS_URL makes Celery use its broker."""
    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = saved


@pytest.fixture(autouse=True)
def small_threshold(settings):
    settings.PDF_TASK_ROWS = 2


@pytest.fixture
def guidelines():
    rows = [PublicationFactory(title=f"Guidelines {n}", kind="guidelines") for n in range(3)]
    PublicationFactory(title="Annual report", kind="report")
    return rows


@pytest.fixture
def task_runs():
    """The arguments of every build_pdf task run in the test."""
    runs = []

    def record(sender=None, args=None, **kwargs):
        if sender.name == build_pdf.name:
            runs.append(tuple(args))

    task_prerun.connect(record, weak=False)
    yield runs
    task_prerun.disconnect(record)


def token_of(url):
    return re.match(r"^/pdf/([^/]+)/", url)[1]


def test_a_short_catalogue_is_made_in_the_request(client, settings, guidelines, task_runs):
    settings.PDF_TASK_ROWS = 3

    response = client.get(CATALOGUE)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert task_runs == []


def test_a_long_catalogue_is_made_by_a_task_then_downloaded(client, guidelines, task_runs):
    response = client.get(f"{CATALOGUE}&utm_source=mail&page=2")

    # Made at once in eager mode: the redirect leads straight to the file.
    assert response.status_code == 302
    assert re.fullmatch(r"/pdf/[^/]+/download/", response["Location"])
    download = client.get(response["Location"])
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'inline; filename="publications.pdf"'
    text = pdf_text(b"".join(download.streaming_content))
    for publication in guidelines:
        assert publication.title in text
    assert "Annual report" not in text
    # The task carries the filter query string and keys only; the tracking tag and page,
    # which do not change the document, are left out of it.
    [(kind, query, generation, base_url, language)] = task_runs
    assert (kind, query, base_url, language) == (
        "catalogue",
        "kind=guidelines",
        "http://testserver/",
        "en",
    )
    assert generation == current_generation()


def test_the_progress_page_offers_a_made_document(client, guidelines):
    job_url = client.get(CATALOGUE)["Location"].removesuffix("download/")

    page = client.get(job_url)

    html = page.content.decode()
    assert page.status_code == 200
    assert page["X-Robots-Tag"] == "noindex"
    assert "no-store" in page["Cache-Control"]
    assert 'role="status"' in html
    assert 'data-state="ready"' in html
    assert f'href="{job_url}download/"' in html
    assert "Download publications.pdf" in html
    # It never reloads itself: a timed refresh fails WCAG 2.2.1 (see docs/adr/0006).
    assert "http-equiv" not in html.lower()


def test_the_same_document_is_made_once_and_kept(client, guidelines, task_runs):
    first = client.get(CATALOGUE)["Location"]
    again = client.get("/publications/catalogue.pdf?page=3&kind=guidelines")["Location"]

    assert first == again
    assert len(task_runs) == 1
    job = PDFJob.from_token(client.get("/").wsgi_request, token_of(first))
    assert len(default_storage.listdir(job.folder)[1]) == 1


def test_the_download_honours_conditional_requests(client, guidelines):
    url = client.get(CATALOGUE)["Location"]
    first = client.get(url)

    assert first.has_header("ETag")
    assert first.has_header("Last-Modified")
    assert "max-age=0" in first["Cache-Control"]
    by_etag = client.get(url, headers={"If-None-Match": first["ETag"]})
    by_date = client.get(url, headers={"If-Modified-Since": first["Last-Modified"]})
    other = client.get(url, headers={"If-None-Match": '"something-else"'})
    assert by_etag.status_code == by_date.status_code == 304
    assert by_etag["ETag"] == first["ETag"]
    assert other.status_code == 200


def test_a_change_to_content_makes_a_new_document_and_never_serves_the_old(
    client, guidelines, django_capture_on_commit_callbacks
):
    old_url = client.get(CATALOGUE)["Location"]
    old_etag = client.get(old_url)["ETag"]

    with django_capture_on_commit_callbacks(execute=True):
        guidelines[0].title = "Guidelines renamed"
        guidelines[0].save()

    # The old link leads, through its progress page, to the document of the new content.
    response = client.get(old_url, follow=True)
    new_url = client.get(CATALOGUE)["Location"]
    assert new_url != old_url
    assert [url for url, _status in response.redirect_chain] == [
        old_url.removesuffix("download/"),
        new_url.removesuffix("download/"),
    ]
    assert f'href="{new_url}"' in response.content.decode()
    download = client.get(new_url)
    text = pdf_text(b"".join(download.streaming_content))
    assert "Guidelines renamed" in text
    assert download["ETag"] != old_etag
    # Revalidating the old document with its ETag gets no 304 either.
    assert client.get(old_url, headers={"If-None-Match": old_etag}).status_code == 302


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        signing.Signer(salt="another.purpose").sign_object(["catalogue", "", "generation"]),
        signing.Signer(salt=pdf_jobs.TOKEN_SALT).sign_object(["contacts", "", "generation"]),
    ],
)
def test_a_token_we_did_not_sign_for_a_job_is_not_found(client, token):
    assert client.get(f"/pdf/{token}/").status_code == 404
    assert client.get(f"/pdf/{token}/download/").status_code == 404


def job_for(client, kind, query):
    request = client.get("/").wsgi_request
    return PDFJob.for_request(request, kind, query, current_generation())


@pytest.mark.parametrize(
    ("state", "age", "says"),
    [
        (State.WAITING, 0, "Your PDF is waiting for its turn."),
        (State.BUILDING, 5, "Your PDF is being made."),
        (State.FAILED, 0, "Sorry, the PDF could not be made."),
        # A worker ended at the hard time limit could not say so itself.
        (State.BUILDING, pdf_jobs.TIME_LIMIT + 60, "Sorry, the PDF could not be made."),
    ],
)
def test_the_progress_page_says_where_a_job_stands(client, state, age, says):
    job = job_for(client, "catalogue", "kind=guidelines")
    pdf_jobs.cache.set(job.record_key, (state, time.time() - age))

    html = client.get(job.progress_url()).content.decode()

    assert says in html
    assert ("Check again" in html) == (says != "Sorry, the PDF could not be made.")
    assert ("Try again" in html) == (says == "Sorry, the PDF could not be made.")
    assert "download/" not in html


def test_a_failed_job_is_tried_again(client, django_capture_on_commit_callbacks):
    # A report of a presidency that is not there yet cannot be made.
    job = job_for(client, "reports", "slug=lithuania-2024-2025")
    job.start()
    assert job.state()[0] == State.FAILED
    assert "Sorry, the PDF could not be made." in client.get(job.progress_url()).content.decode()

    PresidencyFactory(slug="lithuania-2024-2025", name="Lithuanian Presidency")
    response = client.post(job.progress_url(), follow=True)

    assert response.redirect_chain == [(job.progress_url(), 302)]
    assert "Download report-lithuania-2024-2025.pdf" in response.content.decode()


def test_a_job_past_its_soft_time_limit_fails_and_says_so(client, monkeypatch, caplog):
    def too_long(*args, **kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr("carportal.pdf_jobs.render_pdf", too_long)
    job = job_for(client, "catalogue", "")
    job.start()

    assert job.state()[0] == State.FAILED
    assert job.stored_name() is None
    assert f"PDF job {job.digest[:12]} (catalogue) failed" in caplog.text


def test_the_pdf_task_has_time_limits_and_its_own_queue(settings):
    assert build_pdf.soft_time_limit == pdf_jobs.SOFT_TIME_LIMIT == 120
    assert build_pdf.time_limit == pdf_jobs.TIME_LIMIT == 150
    # Room for the largest document measured (200 pages in about 20 s, bench/pdf.py).
    assert 60 <= build_pdf.soft_time_limit < build_pdf.time_limit
    route = celery_app.amqp.router.route({}, build_pdf.name)
    assert route["queue"].name == "pdf"


@pytest.mark.parametrize(("sessions", "by_task"), [(4, False), (5, True)])
def test_a_long_presidency_report_is_made_by_a_task(client, task_runs, sessions, by_task):
    presidency = PresidencyFactory(slug="finland-2023-2024")
    meeting = MeetingFactory(title="Meeting of the year", presidency=presidency)
    # A meeting and its sessions count half a catalogue entry each: (1 + 5) // 2 > 2.
    for _ in range(sessions):
        MeetingSessionFactory(meeting=meeting)

    response = client.get(f"/presidencies/{presidency.slug}/report.pdf", follow=True)

    assert bool(task_runs) == by_task
    if not by_task:
        return
    assert response["Content-Disposition"] == 'inline; filename="report-finland-2023-2024.pdf"'
    assert "Meeting of the year" in pdf_text(b"".join(response.streaming_content))
    assert [args[:2] for args in task_runs] == [("reports", "slug=finland-2023-2024")]


def test_the_admin_exports_many_reports_through_a_task(admin_client, task_runs):
    presidencies = [PresidencyFactory(), PresidencyFactory()]
    for presidency in presidencies:
        meeting = MeetingFactory(presidency=presidency)
        MeetingSessionFactory(meeting=meeting)
        MeetingSessionFactory(meeting=meeting)

    response = admin_client.post(
        "/admin/meetings/presidency/",
        {"action": "export_pdf", "_selected_action": [p.pk for p in presidencies]},
    )

    assert response.status_code == 302
    assert response["Location"].startswith("/pdf/")
    slugs = sorted(p.slug for p in presidencies)
    assert task_runs[0][:2] == ("reports", f"slug={slugs[0]}&slug={slugs[1]}")


UNREACHABLE_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
    }
}


def test_while_the_cache_is_down_a_long_document_is_made_in_the_request(
    client, settings, guidelines, task_runs
):
    settings.CACHES = UNREACHABLE_CACHE

    response = client.get(CATALOGUE)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert task_runs == []


def test_while_the_cache_is_down_a_progress_page_says_the_job_failed(client, settings):
    job = job_for(client, "catalogue", "kind=guidelines")
    settings.CACHES = UNREACHABLE_CACHE

    page = client.get(job.progress_url())
    download = client.get(job.download_url())

    assert page.status_code == 503
    assert "Sorry, the PDF could not be made." in page.content.decode()
    assert download.status_code == 302


def test_stored_documents_of_past_generations_are_deleted(
    client, guidelines, django_capture_on_commit_callbacks
):
    old = PDFJob.from_token(
        client.get("/").wsgi_request, token_of(client.get(CATALOGUE)["Location"])
    )
    with django_capture_on_commit_callbacks(execute=True):
        PublicationFactory(kind="guidelines")
    new = PDFJob.from_token(
        client.get("/").wsgi_request, token_of(client.get(CATALOGUE)["Location"])
    )

    assert pdf_jobs.pdf_exports_prune() >= 1

    assert old.stored_name() is None
    assert new.stored_name() is not None
