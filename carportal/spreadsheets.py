"""Spreadsheets the portal writes and reads (CSV, XLSX and JSON), safe to open in Excel.

A cell that starts with = + - @, a tab or a carriage return is a formula to Excel and
LibreOffice, so a value typed by anyone (a name, an organisation) could run when staff open
an export. Every cell the portal writes goes through ``escape_formula``, which puts an
apostrophe in front of such a value: spreadsheets show it as text. Imports undo exactly that
(``unescape_formula``), so an exported file imports back unchanged.

What an uploaded file may be is checked in carportal/uploads.py; what its columns and cells
may hold, here.
"""

import csv
import functools
import logging
from datetime import date, datetime

from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.auth import get_permission_codename
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import widgets
from import_export.admin import ImportExportMixin
from import_export.fields import Field
from import_export.resources import ModelResource
from import_export.results import Result
from import_export.tmp_storages import CacheStorage

from carportal import dates, uploads
from carportal.models import time_zone_choices

logger = logging.getLogger(__name__)

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def _needs_quote(text):
    # A value that already starts with the quote is quoted again when the rest would be:
    # then unescape_formula can tell our quote from one that belongs to the value.
    return text.startswith(FORMULA_STARTS) or (text.startswith(QUOTE) and _needs_quote(text[1:]))


def escape_formula(value):
    """The value as a spreadsheet shows it as text; anything but a string is left alone."""
    if isinstance(value, str) and _needs_quote(value):
        return QUOTE + value
    return value


def unescape_formula(value):
    """The value ``escape_formula`` was given: unescape_formula(escape_formula(v)) == v."""
    if isinstance(value, str) and value.startswith(QUOTE) and _needs_quote(value[1:]):
        return value[1:]
    return value


def csv_response(rows, *, header, filename):
    """A CSV download of ``rows`` (lists of cells) under ``header``, every cell escaped.

    UTF-8 with a byte order mark, which is how Excel tells UTF-8 from the local code page
    and so shows å, ä, õ, ū, š and Cyrillic letters as written.
    """
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    for row in [header, *rows]:
        writer.writerow([escape_formula(cell) for cell in row])
    return response


class ColumnsError(Exception):
    """A file whose columns do not fit the list it is imported into."""


class FormulaSafeResource(ModelResource):
    """An import-export resource whose exports are escaped and whose imports unescaped.

    A file's columns are checked before any of its rows: each must be one of the resource's
    (whatever its case, and spaces around it aside), and the required ones (by default those
    that identify a row) must be there. An empty row is skipped. Row errors are named by
    column, as the person who fills in the file knows them. Resources that import list
    content in bulk (carportal/bulk_import.py).
    """

    def get_result_class(self):
        return ImportResult

    def export(self, queryset=None, **kwargs):
        dataset = super().export(queryset, **kwargs)
        _map_cells(dataset, escape_formula)
        return dataset

    def import_data(self, dataset, **kwargs):
        try:
            self.check_columns(dataset)
        except ColumnsError as error:
            result = self.get_result_class()()
            result.append_base_error(self.get_error_result_class()(error))
            return result
        return super().import_data(dataset, **kwargs)

    def get_required_columns(self):
        return [self.fields[name].column_name for name in self.get_import_id_fields()]

    def check_columns(self, dataset):
        """Names the dataset's columns exactly as the resource does, or raises ColumnsError
        saying which are unknown, there twice or missing."""
        columns = [field.column_name for field in self.get_export_fields()]
        known = {column.casefold(): column for column in columns}
        named = [known.get(str(header).strip().casefold(), header) for header in dataset.headers]
        problems = []
        if unknown := [header for header in named if header not in columns]:
            problems.append(
                gettext("Unknown columns: %(columns)s. Rename or remove them.")
                % {"columns": _quoted(unknown)}
            )
        if twice := sorted({header for header in named if named.count(header) > 1}):
            problems.append(
                gettext("These columns are there twice: %(columns)s.") % {"columns": _quoted(twice)}
            )
        if missing := [column for column in self.get_required_columns() if column not in named]:
            problems.append(
                gettext("Missing columns: %(columns)s.") % {"columns": _quoted(missing)}
            )
        if problems:
            problems.append(
                gettext("The columns of this list are %(columns)s.") % {"columns": _quoted(columns)}
            )
            raise ColumnsError(" ".join(problems))
        dataset.headers = named

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        _map_cells(dataset, unescape_formula)

    def import_row(self, row, instance_loader, **kwargs):
        if uploads.is_blank_row(row.values()):
            skipped = self.get_row_result_class()()
            skipped.import_type = skipped.IMPORT_TYPE_SKIP
            return skipped
        return super().import_row(row, instance_loader, **kwargs)

    def validate_instance(
        self, instance, import_validation_errors=None, validate_unique=True, exclude=()
    ):
        # The library's, but with the model's constraints checked only with uniqueness (both
        # cost a query each) and fields left out (carportal/bulk_import.py leaves some out).
        errors = dict(import_validation_errors or {})
        if self._meta.clean_model_instances:
            try:
                instance.full_clean(
                    exclude={*errors, *exclude},
                    validate_unique=validate_unique,
                    validate_constraints=validate_unique,
                )
            except ValidationError as error:
                errors = error.update_error_dict(errors)
        if errors:
            columns = {field.attribute: field.column_name for field in self.fields.values()}
            raise ValidationError(
                {columns.get(name, name): found for name, found in errors.items()}
            )

    def after_import_row(self, row, row_result, **kwargs):
        # An import run by a task tells its job how far it has come (carportal/import_jobs.py).
        super().after_import_row(row, row_result, **kwargs)
        if progress := kwargs.get("progress"):
            progress(kwargs["row_number"])


def _quoted(names):
    return ", ".join(f"“{name}”" for name in names)


def sheet_row(number):
    """The library's row ``number`` (1 for the first row of data) as a spreadsheet shows it,
    where the column names are row 1."""
    return number + 1


class ImportResult(Result):
    """An import's outcome, which also lists each row as the admin's preview shows it."""

    def preview(self):
        """Every row of the file, numbered as a spreadsheet shows it (the column names are
        row 1), with what the import does with it and each of its problems by column."""
        invalid = {row.number: row.error_dict for row in self.invalid_rows}
        failed = dict(self.row_errors())
        # Skipped rows are reported too (the resources' default), so the n-th is row n.
        for number, row in enumerate(self.rows, 1):
            problems = [
                ("" if column == NON_FIELD_ERRORS else column, message)
                for column, found in invalid.get(number, {}).items()
                for message in found
            ]
            problems += [("", str(error.error)) for error in failed.get(number, [])]
            yield {
                "number": sheet_row(number),
                "import_type": row.import_type,
                "problems": problems,
                "cells": row.diff or [],
            }


def _map_cells(dataset, function):
    for index, row in enumerate(dataset):
        dataset[index] = tuple(function(cell) for cell in row)


# Widgets: each turns one cell into a value or raises ValueError with a sentence saying what
# the cell should hold, which the import shows beside the row.


class TextWidget(widgets.CharWidget):
    """Text without the spaces a spreadsheet cell so often has around it."""

    def clean(self, value, row=None, **kwargs):
        return super().clean(value, row, **kwargs).strip()


class EmailWidget(TextWidget):
    def clean(self, value, row=None, **kwargs):
        email = super().clean(value, row, **kwargs)
        try:
            validate_email(email)
        except ValidationError:
            raise ValueError(
                gettext("“%(value)s” is not an e-mail address.") % {"value": email}
            ) from None
        return email


def one_of(codes):
    return format_lazy(_("use one of {codes}."), codes=", ".join(codes))


class CodeWidget(TextWidget):
    """One code from a fixed list (a profession, a status, an ISO country code)."""

    # A code from the list is all that the model field takes (carportal/bulk_import.py).
    checks_whole_value = True

    def __init__(self, codes, *, hint, upper=False):
        super().__init__()
        self.codes, self.hint, self.upper = set(codes), hint, upper

    def normalise(self, code):
        return code.upper() if self.upper else code.lower()

    def clean(self, value, row=None, **kwargs):
        code = self.normalise(super().clean(value, row, **kwargs))
        if not code:
            raise ValueError(gettext("Missing: %(hint)s") % {"hint": self.hint})
        if code not in self.codes:
            raise ValueError(
                gettext("Unknown “%(code)s”: %(hint)s") % {"code": code, "hint": self.hint}
            )
        return code


def split_list(text, *, commas=True):
    """The items of a list cell: separated by semicolons or line breaks, or, where ``commas``
    and there is neither, by commas (codes and slugs never hold one; names may)."""
    text = "" if text is None else str(text)
    if commas and not any(separator in text for separator in ";\n"):
        text = text.replace(",", ";")
    items = (item.strip() for item in text.replace("\n", ";").split(";"))
    return list(dict.fromkeys(item for item in items if item))


class CodeListWidget(CodeWidget):
    """Codes separated by commas, each from a fixed list; empty is none."""

    def clean(self, value, row=None, **kwargs):
        codes = [self.normalise(code) for code in split_list(value)]
        unknown = [code for code in codes if code not in self.codes]
        if unknown:
            raise ValueError(
                gettext("Unknown “%(code)s”: %(hint)s")
                % {"code": "”, “".join(unknown), "hint": self.hint}
            )
        return list(dict.fromkeys(codes))

    def render(self, value, obj=None, **kwargs):
        return ",".join(value or [])


class NaturalKeyWidget(widgets.Widget):
    """A row named by its natural key (a topic's slug, a country's code) or by one of
    ``names``, other fields that people know it by (an organisation's name or acronym),
    whatever the case. Exported by ``export_field``, by default its natural key."""

    def __init__(self, model, *, hint, names=(), export_field=None):
        super().__init__()
        self.model, self.hint = model, hint
        self.fields = [model.natural_key_field, *names]
        self.export_field = export_field or model.natural_key_field
        self.known = None

    def keys(self, value):
        text = "" if value is None else str(value).strip()
        return [text] if text else []

    def lookup(self, keys):
        """The rows that ``keys`` may name, in one query."""
        query = Q()
        for key in keys:
            for field in self.fields:
                query |= Q(**{f"{field}__iexact": key})
        return list(self.model.objects.filter(query)) if keys else []

    def prepare(self, cells):
        """Look up every row named in a column at once, before its cells are cleaned
        (carportal/bulk_import.py)."""
        self.known = self.lookup({key for cell in cells for key in self.keys(cell)})

    def names_unknown(self, cells):
        """Whether a cell of ``cells`` names a row that ``prepare`` did not find."""
        names = {str(getattr(row, field)).casefold() for row in self.known for field in self.fields}
        return any(key.casefold() not in names for cell in cells for key in self.keys(cell))

    def find(self, keys):
        """The rows named by ``keys``, in their order; ValueError names those that name
        none, or more than one."""
        rows = self.lookup(keys) if self.known is None else self.known
        found, unknown, ambiguous = [], [], []
        for key in keys:
            for field in self.fields:
                matches = [row for row in rows if getattr(row, field).casefold() == key.casefold()]
                if len(matches) == 1:
                    found.append(matches[0])
                    break
                if matches:
                    ambiguous.append(key)
                    break
            else:
                unknown.append(key)
        if unknown:
            raise ValueError(
                gettext("Unknown “%(code)s”: %(hint)s")
                % {"code": "”, “".join(unknown), "hint": self.hint}
            )
        if ambiguous:
            raise ValueError(
                gettext("“%(code)s” names more than one: %(hint)s")
                % {"code": "”, “".join(ambiguous), "hint": self.hint}
            )
        return found

    def clean(self, value, row=None, **kwargs):
        found = self.find(self.keys(value))
        return found[0] if found else None

    def render(self, value, obj=None, **kwargs):
        return getattr(value, self.export_field) if value else ""


class NaturalKeyListWidget(NaturalKeyWidget):
    """Rows named as NaturalKeyWidget has them, in a list (see split_list: ``commas`` for
    lists of codes or slugs); empty is none. Exported separated by ``separator``."""

    def __init__(self, model, *, separator=",", commas=True, **kwargs):
        super().__init__(model, **kwargs)
        self.separator, self.commas = separator, commas

    def keys(self, value):
        return split_list(value, commas=self.commas)

    def clean(self, value, row=None, **kwargs):
        return self.find(self.keys(value))

    def render(self, value, obj=None, **kwargs):
        return self.separator.join(value or [])


class YesNoWidget(widgets.BooleanWidget):
    """1 or 0 (as exported), yes or no, true or false; an empty cell is ``empty`` (no unless
    said otherwise)."""

    def __init__(self, *, empty=False):
        super().__init__()
        self.empty = empty

    checks_whole_value = True

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, (bool, int, float)) and value in (0, 1):
            return bool(value)
        text = "" if value is None else str(value).strip().lower()
        if not text:
            return self.empty
        if text in {"0", "no", "false"}:
            return False
        if text in {"1", "yes", "true"}:
            return True
        raise ValueError(
            gettext("“%(value)s” is neither yes nor no: write 1 or 0.") % {"value": value}
        )


class CountWidget(TextWidget):
    """A whole number, such as 120; empty is none."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, int | float) and value == int(value) and value >= 0:
            return int(value)
        text = super().clean(value, row, **kwargs)
        if not text:
            return None
        if not text.isdigit():
            raise ValueError(gettext("“%(value)s” is not a whole number.") % {"value": text})
        return int(text)


@functools.cache
def _time_zones():
    return {name.casefold(): name for name, _label in time_zone_choices()}


class TimeZoneWidget(TextWidget):
    """An IANA time zone's name ("Europe/Vilnius"), in any case; empty is none."""

    checks_whole_value = True  # one of the model field's choices, as written there

    def clean(self, value, row=None, **kwargs):
        name = super().clean(value, row, **kwargs)
        if not name:
            return ""
        if zone := _time_zones().get(name.casefold()):
            return zone
        raise ValueError(
            gettext(
                "“%(value)s” is not a time zone: write its IANA name, such as Europe/Vilnius, "
                "or leave the cell empty."
            )
            % {"value": name}
        )


class DateTimeWidget(widgets.Widget):
    """A moment, exported in ISO 8601 with its offset to the microsecond, so it imports back
    unchanged; an import also takes a spreadsheet's own date cells and plain
    ``2026-11-03 14:05``, read in the portal's time zone."""

    def __init__(self, *, required=False, hint=""):
        super().__init__()
        self.required, self.hint = required, hint

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            if self.required:
                raise ValueError(gettext("Missing: %(hint)s") % {"hint": self.hint})
            return None
        moment = value if isinstance(value, datetime) else _parse_datetime(str(value).strip())
        if moment is None:
            raise ValueError(
                gettext("“%(value)s” is not a date and time: write it as 2026-11-03 14:05.")
                % {"value": value}
            )
        return timezone.make_aware(moment) if timezone.is_naive(moment) else moment

    def render(self, value, obj=None, **kwargs):
        return timezone.localtime(value).isoformat() if value else ""


def _parse_datetime(text):
    try:
        return parse_datetime(text)
    except ValueError:  # well formed, but no such day or hour
        return None


class PartialDateWidget(widgets.Widget):
    """A date known to a year, a month or a day (carportal/dates.py), written "2026",
    "2026-05" or "2026-05-14"; a spreadsheet's own date cells are known to the day and a
    number such as 2026 is a year. Cleans to a (date, precision) pair; empty is no date."""

    HINT = _("write 2026, 2026-05 or 2026-05-14.")

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime):
            return value.date(), dates.DatePrecision.DAY
        if isinstance(value, date):
            return value, dates.DatePrecision.DAY
        if isinstance(value, int | float) and value == int(value):
            value = str(int(value))
        text = "" if value is None else str(value).strip()
        if not text:
            return None, dates.DatePrecision.DAY
        try:
            return dates.parse_iso(text)
        except ValueError:
            raise ValueError(
                gettext("“%(value)s” is not a date: %(hint)s") % {"value": text, "hint": self.HINT}
            ) from None

    def render(self, value, obj=None, **kwargs):
        return dates.format_iso(*value)


class PartialDateField(Field):
    """A partial date and its precision, kept in two model fields, as one column."""

    def __init__(self, attribute, column_name, *, precision):
        super().__init__(attribute, column_name, widget=PartialDateWidget())
        self.precision = precision

    def get_value(self, instance):
        return getattr(instance, self.attribute), getattr(instance, self.precision)

    def save(self, instance, row, is_m2m=False, **kwargs):
        day, precision = self.clean(row, **kwargs)
        setattr(instance, self.attribute, day)
        if day is not None:  # without a date, its precision says nothing, and stays
            setattr(instance, self.precision, precision)


def refuse_retired(chosen, kept=()):
    """Reference data is retired, not deleted: a record keeps the retired rows it has, but
    none is newly given one, as in the admin's forms (carportal.admin.PortalForm)."""
    retired = [row for row in chosen if getattr(row, "is_active", True) is False]
    if retired := [row for row in retired if row not in kept]:
        raise ValueError(
            gettext("“%(names)s” is retired: name another, or make it active again in the admin.")
            % {"names": "”, “".join(map(str, retired))}
        )


class ReferenceField(Field):
    """A column naming one row of reference data (a country), by a NaturalKeyWidget."""

    def save(self, instance, row, is_m2m=False, **kwargs):
        chosen = self.clean(row, **kwargs)
        refuse_retired([chosen] if chosen else [], [getattr(instance, self.attribute)])
        setattr(instance, self.attribute, chosen)


class UploadGone(Exception):
    """The file uploaded for an import is no longer kept (see UploadStorage)."""


class UploadStoreDown(Exception):
    """The cache, where an uploaded file waits for its confirmation, does not answer."""


class UploadStorage(CacheStorage):
    """Keeps an uploaded file between the import's preview and its confirmation.

    In the cache rather than on a web server's disk: every web process sees it, and a file
    of personal data that nobody confirms is gone after an hour instead of staying behind.
    While the cache is down an import cannot start, and says so (UploadStoreDown).
    """

    CACHE_LIFETIME = 60 * 60
    CACHE_PREFIX = "spreadsheet-import:"

    def save(self, data):
        try:
            super().save(data)
        except Exception as error:  # noqa: BLE001 - whatever the cache raises when it is down
            logger.warning("Import upload not kept: %s: %s", type(error).__name__, error)
            raise UploadStoreDown from error

    def read(self):
        try:
            data = super().read()
        except Exception as error:  # noqa: BLE001 - as in save()
            logger.warning("Import upload unreadable: %s: %s", type(error).__name__, error)
            raise UploadStoreDown from error
        if data is None:
            raise UploadGone
        return data


STORE_DOWN = _(
    "Nothing was imported: the portal cannot keep the file for the preview just now (its "
    "cache is not answering). Try again in a few minutes; if it goes on, tell the portal's "
    "administrators."
)


class SpreadsheetAdminMixin(ImportExportMixin):
    """Import and export in the admin, CSV, XLSX and JSON, all or nothing.

    The import is the library's two steps: a dry run whose preview lists every row with what
    would happen to it and its errors, then a confirmation. An import whose rows no longer
    pass at confirmation saves none of them. Each needs a permission of its own:
    ``import_<model>`` (besides adding and changing) and ``export_<model>`` (besides viewing).
    """

    formats = uploads.FORMATS
    to_encoding = "utf-8-sig"  # CSV with a byte order mark, as csv_response explains
    tmp_storage_class = UploadStorage
    import_form_class = uploads.UploadForm
    import_template_name = "admin/spreadsheet_import.html"

    def get_urls(self):
        info = self.get_model_info()
        job = self.admin_site.admin_view(self.import_job_view)
        return [
            path("import/<str:job_id>/", job, name="{}_{}_import_job".format(*info)),
            *super().get_urls(),
        ]

    def import_action(self, request, **kwargs):
        # A file of more than SPREADSHEET_IMPORT_TASK_ROWS rows is checked and imported by a
        # task while the user waits on its page.
        from carportal import import_jobs  # here: import_jobs.py imports this module

        try:
            if request.method == "POST" and self.has_import_permission(request):
                job = import_jobs.start_large_import(self, request)
                if job is not None:
                    return redirect(job.url())
            return super().import_action(request, **kwargs)
        except UploadStoreDown:
            return self._import_again(request, STORE_DOWN)

    def import_job_view(self, request, job_id):
        from carportal import import_jobs

        return import_jobs.job_view(self, request, job_id)

    def get_import_data_kwargs(self, **kwargs):
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def generate_log_entries(self, result, request):
        # The same entries as a large file's, in words staff read ("Imported from a
        # spreadsheet."), not the library's ("new through import_export").
        from carportal import import_jobs

        if not self.get_skip_admin_log():
            import_jobs.log_import(request.user, result)

    def get_export_data(self, file_format, request, queryset, **kwargs):
        if isinstance(file_format, uploads.JSON):
            kwargs["encoding"] = "utf-8"  # a byte order mark is for Excel, and JSON forbids it
        return super().get_export_data(file_format, request, queryset, **kwargs)

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, uploads.UnreadableFile):
            form.add_error("import_file", str(e))
        else:
            logger.warning("Import file unreadable: %s", type(e).__name__)
            form.add_error(
                "import_file",
                _(
                    "This file cannot be read as the format chosen: check the format, or save "
                    "the file again from your spreadsheet program."
                ),
            )

    def process_import(self, request, **kwargs):
        try:
            return super().process_import(request, **kwargs)
        except UploadGone:
            return self._import_again(
                request,
                _("The uploaded file is kept for an hour and has expired: upload it again."),
            )
        except UploadStoreDown:
            return self._import_again(request, STORE_DOWN)

    def export_action(self, request):
        try:
            return super().export_action(request)
        except IncorrectLookupParameters:
            # A filter in the address that the list does not have (an edited or old link).
            messages.error(
                request,
                _("The export's filters are not the list's: filter the list again and export."),
            )
            return redirect(reverse("admin:{}_{}_changelist".format(*self.get_model_info())))

    def _import_again(self, request, message):
        messages.error(request, message)
        return redirect(self._import_url())

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            messages.error(
                request,
                _(
                    "Nothing was imported: the file no longer passes the checks (the data "
                    "changed since the preview). Upload it again to see why."
                ),
            )
            return redirect(self._import_url())
        return super().process_result(result, request)

    def _import_url(self):
        return reverse("admin:{}_{}_import".format(*self.get_model_info()))

    def _has_own_permission(self, request, action):
        codename = get_permission_codename(action, self.opts)
        return request.user.has_perm(f"{self.opts.app_label}.{codename}")

    def has_import_permission(self, request):
        # An import adds rows and changes them.
        return (
            self._has_own_permission(request, "import")
            and self.has_add_permission(request)
            and self.has_change_permission(request)
        )

    def has_export_permission(self, request):
        # The rows leave the portal: a permission given for that, to someone who sees them.
        return self._has_own_permission(request, "export") and self.has_view_permission(request)
