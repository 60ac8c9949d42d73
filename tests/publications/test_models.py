import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError

from carportal.models import Language
from publications.models import Edition
from tests.carportal.test_documents import pdf_bytes
from tests.publications.factories import EditionFactory, PublicationFactory

pytestmark = pytest.mark.django_db


def test_one_edition_per_language_in_forms_and_database():
    existing = EditionFactory(language=Language.FI)
    duplicate = Edition(
        publication=existing.publication,
        language=Language.FI,
        file=SimpleUploadedFile("guide-fi.pdf", pdf_bytes()),
    )

    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "already has an edition in that language" in str(error.value)

    with pytest.raises(IntegrityError):
        duplicate.save()


def test_cleaning_an_edition_records_its_file_size_and_refuses_other_formats():
    edition = Edition(
        publication=PublicationFactory(),
        language=Language.LT,
        file=SimpleUploadedFile("guide-lt.pdf", pdf_bytes(pages=2)),
    )
    edition.full_clean()
    assert edition.file_size == len(pdf_bytes(pages=2))

    edition.file = SimpleUploadedFile("guide-lt.exe", b"MZ")
    with pytest.raises(ValidationError) as error:
        edition.full_clean()
    assert "file" in error.value.message_dict


def test_a_publication_cannot_amend_itself():
    publication = PublicationFactory()
    publication.amends = publication

    with pytest.raises(ValidationError):
        publication.full_clean()
