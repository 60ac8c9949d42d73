"""A professional prints the list they filtered."""

import io
import re

import pypdf
import pytest
from playwright.sync_api import expect

from carportal.pdf import unavailable_reason

pytestmark = pytest.mark.skipif(
    bool(unavailable_reason()), reason="needs weasyprint with Pango: see README, PDF documents"
)


def test_a_professional_downloads_the_catalogue_of_a_filtered_list(page, site):
    page.goto(f"{site}/publications/")
    page.get_by_label("Kind").select_option("practical_guide")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"/publications/\?.*kind=practical_guide"))
    shown = page.get_by_role("main").locator(".item__title").all_inner_texts()

    link = page.get_by_role("link", name="Download this list as PDF")
    expect(link).to_have_attribute(
        "href", re.compile(r"^/publications/catalogue\.pdf\?.*kind=practical_guide")
    )
    # The browser's own PDF viewer would show it; what it is given is checked here.
    response = page.request.get(f"{site}{link.get_attribute('href')}")

    assert response.headers["content-type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.body()))
    text = " ".join(" ".join(sheet.extract_text() for sheet in reader.pages).split())
    assert shown
    for title in shown:
        assert " ".join(title.split()) in text
    assert "Oslo Conclusions" not in text
