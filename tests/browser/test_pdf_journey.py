"""A professional prints the list they filtered, short or long; the progress page is AA."""

import re
import time

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.core.cache import cache
from playwright.sync_api import expect

from carportal.cache import current_generation
from carportal.pdf import unavailable_reason
from carportal.pdf_jobs import PDFJob, State
from tests.browser.test_accessibility import WCAG_AA
from tests.network.conftest import embedded_worker
from tests.test_pdf import pdf_text
from tests.test_pdf_worker import pdf_queue_only  # noqa: F401 - a fixture

pytestmark = pytest.mark.skipif(
    bool(unavailable_reason()), reason="needs weasyprint with Pango: see README, PDF documents"
)


def filter_practical_guides(page, site):
    page.goto(f"{site}/publications/")
    page.get_by_label("Kind").select_option("practical_guide")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"/publications/\?.*kind=practical_guide"))
    shown = page.get_by_role("main").locator(".item__title").all_inner_texts()
    assert shown
    return shown


def assert_holds_exactly(text, shown):
    for title in shown:
        assert " ".join(title.split()) in text
    assert "Oslo Conclusions" not in text


def test_a_professional_downloads_the_catalogue_of_a_filtered_list(page, site):
    shown = filter_practical_guides(page, site)

    link = page.get_by_role("link", name="Download this list as PDF")
    expect(link).to_have_attribute(
        "href", re.compile(r"^/publications/catalogue\.pdf\?.*kind=practical_guide")
    )
    # The browser's own PDF viewer would show it; what it is given is checked here.
    response = page.request.get(f"{site}{link.get_attribute('href')}")

    assert response.headers["content-type"] == "application/pdf"
    assert_holds_exactly(pdf_text(response.body()), shown)


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis as broker: set REDIS_URL")
def test_a_professional_waits_for_a_long_catalogue_then_downloads_it(
    page,
    site,
    settings,
    pdf_queue_only,  # noqa: F811
):
    settings.PDF_TASK_ROWS = 0  # the seed's practical guides make a "long" catalogue
    shown = filter_practical_guides(page, site)

    with embedded_worker(queues=pdf_queue_only, shutdown_timeout=30):
        page.get_by_role("link", name="Download this list as PDF").click()
        expect(page).to_have_url(re.compile(r"/pdf/[^/]+/$"))
        status = page.get_by_role("status")
        expect(status).to_contain_text(re.compile("waiting for its turn|being made|is ready"))
        url = page.url
        # The script updates the status in place; the page itself is never reloaded.
        expect(status).to_contain_text("Your PDF is ready.", timeout=60_000)

    assert page.url == url
    download = status.get_by_role("link", name="Download publications.pdf")
    response = page.request.get(f"{site}{download.get_attribute('href')}")
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["etag"]
    assert_holds_exactly(pdf_text(response.body()), shown)


@pytest.mark.parametrize("state", [State.WAITING, State.BUILDING, State.FAILED, State.READY])
def test_the_progress_page_has_no_wcag_violations_in_any_state(page, site, state):
    job = PDFJob("catalogue", "kind=practical_guide", current_generation(), f"{site}/", "en")
    if state == State.READY:
        job.build()
    else:
        cache.set(job.record_key, (state, time.time()))

    page.goto(f"{site}{job.progress_url()}")

    expect(page.get_by_role("status")).to_have_attribute("data-state", state)
    results = Axe().run(page, options=WCAG_AA)
    assert results.violations_count == 0, results.generate_report()
