"""What a file uploaded for an import may be, checked before any row of it is read.

Every check of an import's file lives here, whichever way the file comes in: its size, whether
it is what its format says, UTF-8 text, a workbook whose zip would unpack to a sensible size,
XML without entity tricks (openpyxl parses through defusedxml, which refuses them), rows as
wide as the column names. A refusal is an UnreadableFile whose message says, in a sentence a
non-programmer can act on, what is wrong and what to do; nothing has been written by then.
"""

import csv
import io
import json
import warnings
import zipfile

import tablib
from defusedxml import DefusedXmlException
from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.formats import base_formats
from import_export.forms import ImportForm

# A workbook of any real list holds a few dozen files; thousands are a trick.
MAX_WORKBOOK_ENTRIES = 1000
# A sheet's XML packs about tenfold; a workbook that would unpack to more than ten times the
# upload limit is refused before anything is unpacked.
UNPACKED_RATIO = 10

SIGNATURES = [
    (b"%PDF", _("a PDF document")),
    (b"MZ\x90\x00", _("a Windows program")),
    (b"\x7fELF", _("a program")),
    (b"PK\x03\x04", _("an Excel workbook (.xlsx) or another zip archive")),
    (b"\xd0\xcf\x11\xe0", _("an Excel 97–2003 workbook (.xls) or another old Office file")),
    (b"\x89PNG", _("a PNG image")),
    (b"\xff\xd8\xff", _("a JPEG image")),
    (b"GIF8", _("a GIF image")),
    (b"{\\rtf", _("an RTF document")),
]


class UnreadableFile(Exception):
    """An uploaded file that the import refuses, with the reason as its message."""


def max_bytes():
    return settings.SPREADSHEET_IMPORT_MAX_BYTES


def check_size(size):
    if size > max_bytes():
        raise UnreadableFile(
            gettext(
                "The file is %(size)s; an import takes at most %(limit)s. Split the rows "
                "into several files and import them one after the other."
            )
            % {"size": filesizeformat(size), "limit": filesizeformat(max_bytes())}
        )


def _kind_of(data):
    return next((kind for signature, kind in SIGNATURES if data.startswith(signature)), None)


def _not_a(data, expected):
    kind = _kind_of(data)
    if kind is None:
        return UnreadableFile(
            gettext("This file is not %(expected)s, or it is damaged.") % {"expected": expected}
        )
    return UnreadableFile(
        gettext("This file is %(kind)s, not %(expected)s: choose the file again.")
        % {"kind": kind, "expected": expected}
    )


def decode_text(data, expected):
    """The text of a CSV or JSON file, which must be UTF-8 (a byte order mark is allowed)."""
    if isinstance(data, str):
        return data
    check_size(len(data))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableFile(
            gettext(
                "This file is saved as UTF-16 (“Unicode text”); the import reads UTF-8 only. "
                "In Excel, save it as “CSV UTF-8 (Comma delimited)”; in LibreOffice, choose "
                "“Unicode (UTF-8)” as the character set."
            )
        )
    if _kind_of(data) or b"\x00" in data[:8192]:
        raise _not_a(data, expected)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFile(
            gettext(
                "This file is not saved as UTF-8, the only character set the import reads (it "
                "is probably Windows-1252 or Latin-1, what Excel writes as plain “CSV”), so "
                "letters such as å, õ, ū or Cyrillic would be garbled. In Excel, save it as "
                "“CSV UTF-8 (Comma delimited)”; in LibreOffice, choose “Unicode (UTF-8)” as "
                "the character set."
            )
        ) from None


def dataset_from_rows(rows):
    """A dataset of rows whose first is the column names: names trimmed, empty rows at the
    end dropped (those in between stay, so rows keep their numbers; the import skips them),
    unnamed columns dropped if they hold nothing, and every row as wide as the names."""
    rows = iter(rows)
    headers = next(rows, None)
    if not headers or all(_blank(name) for name in headers):
        raise UnreadableFile(
            gettext("The file is empty: its first row must hold the column names.")
        )
    headers = ["" if _blank(name) else str(name).strip() for name in headers]
    body = [list(row) for row in rows]
    while body and is_blank_row(body[-1]):
        body.pop()
    if not body:
        raise UnreadableFile(gettext("The file has column names but no rows to import."))
    width = len(headers)
    for number, row in enumerate(body, 2):
        if len(row) > width and not all(_blank(cell) for cell in row[width:]):
            raise UnreadableFile(
                gettext(
                    "Row %(row)d has more cells than there are column names: a value may "
                    "hold the separator without quotes around it."
                )
                % {"row": number}
            )
        row[width:] = []
        row.extend([None] * (width - len(row)))
    unnamed = [i for i, name in enumerate(headers) if not name]
    for index in unnamed:
        if any(not _blank(row[index]) for row in body):
            raise UnreadableFile(
                gettext("Column %(column)d has values but no name in the first row.")
                % {"column": index + 1}
            )
    keep = [i for i in range(width) if i not in unnamed]
    return tablib.Dataset(
        *([row[i] for i in keep] for row in body), headers=[headers[i] for i in keep]
    )


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def is_blank_row(cells):
    return all(_blank(cell) for cell in cells)


class CSV(base_formats.CSV):
    """UTF-8 CSV, separated by commas or, as Excel writes it where the comma is the decimal
    sign (Nordic and Baltic settings), by semicolons."""

    def create_dataset(self, in_stream, **kwargs):
        text = decode_text(in_stream, gettext("a CSV file"))
        header = text.partition("\n")[0]
        delimiter = ";" if header.count(";") > header.count(",") else ","
        try:
            return dataset_from_rows(csv.reader(io.StringIO(text), delimiter=delimiter))
        except csv.Error as error:
            raise UnreadableFile(
                gettext("This CSV file cannot be read (%(reason)s): save it again as CSV UTF-8.")
                % {"reason": error}
            ) from None


class JSON(base_formats.JSON):
    """A list of objects, one a row, each with the same names (as the export writes it)."""

    def create_dataset(self, in_stream, **kwargs):
        text = decode_text(in_stream, gettext("a JSON file"))
        try:
            items = json.loads(text)
        except (ValueError, RecursionError) as error:
            raise UnreadableFile(
                gettext("This is not valid JSON (%(reason)s).") % {"reason": error}
            ) from None
        shape = gettext('Write it as a list of rows, as the export does: [{"Name": "…", …}, …].')
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            raise UnreadableFile(gettext("This JSON file is not a list of rows.") + " " + shape)
        if not items:
            raise UnreadableFile(gettext("The file has no rows to import."))
        headers = list(items[0])
        for number, item in enumerate(items, 1):
            if set(item) != set(headers):
                raise UnreadableFile(
                    gettext("Row %(row)d has other names than the first row.") % {"row": number}
                    + " "
                    + shape
                )
            for name, value in item.items():
                if isinstance(value, list | dict):
                    raise UnreadableFile(
                        gettext(
                            "Row %(row)d, “%(column)s”: write the value as text, a list "
                            "separated by commas or semicolons as in an export."
                        )
                        % {"row": number, "column": name}
                    )
        return dataset_from_rows([headers, *([item[name] for name in headers] for item in items)])


class XLSX(base_formats.XLSX):
    """The first sheet of an Excel workbook; the values of formulas, never the formulas."""

    def create_dataset(self, in_stream):
        check_size(len(in_stream))
        if not in_stream.startswith(b"PK\x03\x04"):
            raise _not_a(in_stream, gettext("an Excel workbook (.xlsx)"))
        broken = UnreadableFile(
            gettext(
                "This file cannot be read as an Excel workbook (.xlsx): it is damaged or "
                "another kind of file. Open it in Excel or LibreOffice and save it again as "
                ".xlsx."
            )
        )
        try:
            check_unpacked_size(zipfile.ZipFile(io.BytesIO(in_stream)))
        except (zipfile.BadZipFile, ValueError):
            raise broken from None

        import openpyxl  # as the library does: only imports of workbooks need it

        try:
            with warnings.catch_warnings():
                # Workbooks from other programs draw style warnings that say nothing of data.
                warnings.simplefilter("ignore", UserWarning)
                book = openpyxl.load_workbook(io.BytesIO(in_stream), read_only=True, data_only=True)
                try:
                    return dataset_from_rows(
                        [cell.value for cell in row] for row in book.active.iter_rows()
                    )
                finally:
                    book.close()
        except UnreadableFile:
            raise
        except Exception as error:  # noqa: BLE001 - whatever a bad workbook makes openpyxl raise
            if _caused_by(error, DefusedXmlException):
                raise UnreadableFile(
                    gettext(
                        "This workbook holds XML entity declarations, which spreadsheet "
                        "programs do not write and attacks use, so the import refuses it. Open "
                        "it in Excel or LibreOffice and save it again as .xlsx."
                    )
                ) from None
            raise broken from None


def _caused_by(error, kind):
    # openpyxl reports what defusedxml refused as a ValueError of its own, caused by it.
    while error is not None:
        if isinstance(error, kind):
            return True
        error = error.__cause__ or error.__context__
    return False


def check_unpacked_size(archive):
    """Refuses a zip bomb from its table of contents, before unpacking anything: Python's
    zipfile never unpacks an entry past the size its table declares (reading on fails its
    checksum), so the declared sizes bound what openpyxl can be made to read."""
    entries = archive.infolist()
    unpacked = sum(entry.file_size for entry in entries)
    limit = max_bytes() * UNPACKED_RATIO
    if len(entries) > MAX_WORKBOOK_ENTRIES or unpacked > limit:
        raise UnreadableFile(
            gettext(
                "This workbook would unpack to %(size)s in %(count)d parts, more than an "
                "import reads (%(limit)s in %(max)d parts). Save the rows alone in a new "
                "workbook, or as CSV."
            )
            % {
                "size": filesizeformat(unpacked),
                "count": len(entries),
                "limit": filesizeformat(limit),
                "max": MAX_WORKBOOK_ENTRIES,
            }
        )


FORMATS = [CSV, XLSX, JSON]


class UploadForm(ImportForm):
    """The admin's import form, which refuses a file over the size limit before it is read."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["import_file"].help_text = _(
            "CSV (UTF-8), Excel workbook (.xlsx) or JSON, at most %(limit)s. Its first row "
            "holds the column names listed above."
        ) % {"limit": filesizeformat(max_bytes())}

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        try:
            check_size(upload.size)
        except UnreadableFile as error:
            raise forms.ValidationError(str(error)) from None
        return upload
