"""Uploaded documents are what their names say (carportal/documents.py)."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from carportal.documents import check_document
from carportal.models import DOCUMENT_EXTENSIONS
from meetings.models import MeetingDocument
from publications.models import Edition
from tests.meetings.factories import MeetingFactory
from tests.publications.factories import PublicationFactory


def pdf_bytes(pages=1, password=None):
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def zip_bytes(entries):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return out.getvalue()


def upload(name, content):
    return SimpleUploadedFile(name, content)


DOCX = zip_bytes({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})
ODT = zip_bytes({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<x/>"})
EPUB = zip_bytes({"mimetype": "application/epub+zip", "META-INF/container.xml": "<x/>"})
OLE = bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 504


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", pdf_bytes()),
        ("REPORT.PDF", pdf_bytes(pages=3)),
        ("minutes.docx", DOCX),
        ("minutes.odt", ODT),
        ("guide.epub", EPUB),
        ("slides.ppt", OLE),
    ],
)
def test_a_document_of_its_own_kind_passes(name, content):
    check_document(upload(name, content), DOCUMENT_EXTENSIONS)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("fake.pdf", b"This is not a PDF file", "is not a readable PDF file"),
        ("truncated.pdf", pdf_bytes()[:200], "it is damaged or incomplete"),
        ("locked.pdf", pdf_bytes(password="secret"), "protected by a password"),
        ("renamed.pdf", DOCX, "its content is of another kind"),
        ("letter.docx", pdf_bytes(), "is not a readable Word file"),
        ("letter.docx", ODT, "its parts are missing"),
        ("text.odt", EPUB, "its content is of another kind"),
        ("sheet.xls", b"MZ\x90\x00 a program", "is not a readable Excel file"),
    ],
)
def test_a_file_whose_content_is_not_what_its_name_says_is_refused(name, content, message):
    with pytest.raises(ValidationError) as error:
        check_document(upload(name, content), DOCUMENT_EXTENSIONS)
    assert message in error.value.messages[0]
    assert name in error.value.messages[0]


def test_a_file_over_the_limit_is_refused_with_both_sizes(settings):
    settings.DOCUMENT_MAX_BYTES = 1024 * 1024

    with pytest.raises(ValidationError) as error:
        check_document(upload("big.pdf", b"%PDF-" + b"0" * 2 * 1024 * 1024), ["pdf"])
    assert error.value.messages == [
        "This file is 2.0\xa0MB; files up to 1.0\xa0MB can be uploaded. Compress it first."
    ]


@pytest.mark.django_db
def test_an_edition_is_a_pdf_or_an_epub_and_a_meeting_document_may_be_an_office_file():
    edition = Edition(publication=PublicationFactory(), file=upload("guide.docx", DOCX))
    with pytest.raises(ValidationError) as error:
        edition.full_clean()
    assert error.value.message_dict["file"] == [
        "Only EPUB or PDF files can be uploaded here; “guide.docx” is not one."
    ]

    document = MeetingDocument(
        meeting=MeetingFactory(), title="Minutes", file=upload("m.docx", DOCX)
    )
    document.full_clean()
    assert document.file_size == len(DOCX)


@pytest.mark.django_db
def test_a_stored_file_is_not_checked_again():
    edition = Edition(publication=PublicationFactory(), file=upload("guide.pdf", pdf_bytes()))
    edition.full_clean()
    edition.save()
    edition.title = "Renamed"

    edition.full_clean()  # its file was checked once, when it was uploaded
