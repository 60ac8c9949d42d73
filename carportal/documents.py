"""What an uploaded document must be: of an allowed type by its content, not only by its
name, and not too large (``DOCUMENT_MAX_BYTES``).

A file's name says nothing of what is in it: a 22-byte text renamed ".pdf" would otherwise be
published as a download that no reader opens. Each allowed format is recognised by its
structure: a PDF is read with pypdf and must have pages; Office Open XML, OpenDocument and
EPUB files are zip archives whose table of contents names their parts (nothing is unpacked);
the older Office formats start with the OLE signature.
"""

import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

OLE_SIGNATURE = bytes.fromhex("d0cf11e0a1b11ae1")
# The part that an Office Open XML file of each kind must have.
OOXML_PARTS = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "pptx": "ppt/presentation.xml",
}
# The "mimetype" entry that opens an OpenDocument or EPUB archive.
ZIP_MIMETYPES = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "odp": b"application/vnd.oasis.opendocument.presentation",
    "epub": b"application/epub+zip",
}
NAMES = {
    "pdf": "PDF",
    "doc": "Word",
    "docx": "Word",
    "odt": "OpenDocument text",
    "ppt": "PowerPoint",
    "pptx": "PowerPoint",
    "odp": "OpenDocument presentation",
    "xls": "Excel",
    "xlsx": "Excel",
    "epub": "EPUB",
}


def extension_of(file):
    return file.name.rsplit(".", 1)[-1].lower() if "." in file.name else ""


def check_document(file, formats):
    """Raise ValidationError with a sentence for staff unless `file` is one of `formats`
    (extensions) by its content and within the size limit."""
    extension = extension_of(file)
    if extension not in formats:
        *others, last = sorted({NAMES[known] for known in formats})
        kinds = _("%(others)s or %(last)s") % {"others": ", ".join(others), "last": last}
        raise ValidationError(
            _("Only %(kinds)s files can be uploaded here; “%(name)s” is not one.")
            % {"kinds": kinds if others else last, "name": file.name}
        )
    if file.size > settings.DOCUMENT_MAX_BYTES:
        raise ValidationError(
            _("This file is %(size)s; files up to %(limit)s can be uploaded. Compress it first.")
            % {
                "size": filesizeformat(file.size),
                "limit": filesizeformat(settings.DOCUMENT_MAX_BYTES),
            }
        )
    file.seek(0)
    try:
        problem = _problem(extension, file)
    finally:
        file.seek(0)
    if problem:
        raise ValidationError(
            _(
                "“%(name)s” is not a readable %(kind)s file (%(problem)s). Save it again as "
                "%(kind)s and upload that."
            )
            % {"name": file.name, "kind": NAMES[extension], "problem": problem}
        )


def _problem(extension, file):
    if extension == "pdf":
        return _pdf_problem(file)
    if extension in ("doc", "ppt", "xls"):
        return None if file.read(8) == OLE_SIGNATURE else _("its content is of another kind")
    return _zip_problem(extension, file)


def _pdf_problem(file):
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if b"%PDF-" not in file.read(1024):  # where the standard lets the header be
        return _("its content is of another kind")
    file.seek(0)
    try:
        reader = PdfReader(file)
        if reader.is_encrypted and not reader.decrypt(""):
            return _("it is protected by a password, so nobody could open it")
        if not len(reader.pages):
            return _("it has no pages")
    except (PyPdfError, ValueError, KeyError, TypeError, OSError):
        return _("it is damaged or incomplete")
    return None


def _zip_problem(extension, file):
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            if extension in OOXML_PARTS:
                return None if OOXML_PARTS[extension] in names else _("its parts are missing")
            info = archive.getinfo("mimetype") if "mimetype" in names else None
            # A few dozen bytes; a larger entry is not a mimetype, and is not read.
            if info is None or info.file_size > 100:
                return _("its content is of another kind")
            if archive.read(info).strip() != ZIP_MIMETYPES[extension]:
                return _("its content is of another kind")
    except (zipfile.BadZipFile, OSError, EOFError):
        return _("its content is of another kind")
    return None
