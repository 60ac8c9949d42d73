"""PDF documents, read back as text: carportal/pdf.py and the views that use it."""

import io
import logging
import sys

import pytest
from django.core.management import call_command
from django.test import RequestFactory

from carportal.pdf import unavailable_reason, url_fetcher

# CI installs Pango (.ci/run), so there these tests run; CARPORTAL_REQUIRE_SERVICES fails a skip.
requires_weasyprint = pytest.mark.skipif(
    bool(unavailable_reason()), reason="needs weasyprint with Pango: see README, PDF documents"
)
pytestmark = requires_weasyprint

BASE_URL = "http://testserver/"


def pdf_text(content):
    import pypdf

    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def pdf_reader(content):
    import pypdf

    return pypdf.PdfReader(io.BytesIO(content))


@pytest.fixture
def test_templates(settings):
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "DIRS": [*settings.TEMPLATES[0]["DIRS"], settings.BASE_DIR / "tests" / "templates"],
        }
    ]


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/x.png",
        "https://example.org/static/css/print-pdf.css",
        "file:///etc/passwd",
        "http://127.0.0.1:8000/static/css/print-pdf.css",
        "http://testserver/static/../../../etc/passwd",
        "http://testserver/static/%2e%2e/%2e%2e/etc/passwd",
        "http://testserver/meetings/",
        "data:text/plain,hello",
    ],
)
def test_the_fetcher_refuses_anything_but_our_own_files(url):
    with pytest.raises(Exception, match="Not one of the portal's own files"):
        url_fetcher(BASE_URL).fetch(url)


def test_the_fetcher_reads_our_static_files_from_disk():
    response = url_fetcher(BASE_URL).fetch("http://testserver/static/css/print-pdf.css")

    assert b"@page" in response.read()
    assert response.content_type == "text/css"
    response.close()


def test_a_template_cannot_make_weasyprint_fetch_outside_the_site(test_templates, caplog):
    from carportal.pdf import render_pdf

    request = RequestFactory().get("/")
    with caplog.at_level(logging.ERROR, logger="weasyprint"):
        content = render_pdf(request, "pdf/test_images.html", [{}])

    refused = [r.getMessage() for r in caplog.records if "Failed to load image" in r.getMessage()]
    assert len(refused) == 3
    assert any("http://example.org/x.png" in message for message in refused)
    assert any("file:///etc/passwd" in message for message in refused)
    assert any("127.0.0.1" in message for message in refused)
    assert not any("'/static/img/favicon.svg'" in m or "testserver" in m for m in refused)
    assert "Images from elsewhere" in pdf_text(content)


def test_check_pdf_says_what_to_install_when_pango_is_missing(monkeypatch, capsys):
    # A module set to None in sys.modules fails to import, as weasyprint does without Pango.
    monkeypatch.setitem(sys.modules, "weasyprint", None)

    call_command("check_pdf")

    assert "apt-get install libpango-1.0-0" in capsys.readouterr().err


def test_check_pdf_says_when_pdfs_work(capsys):
    call_command("check_pdf")

    assert "PDF downloads are on" in capsys.readouterr().out
