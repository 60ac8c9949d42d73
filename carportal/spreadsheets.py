"""Spreadsheets the portal writes and reads (CSV and XLSX), safe to open in Excel.

A cell that starts with = + - @, a tab or a carriage return is a formula to Excel and
LibreOffice, so a value typed by anyone (a name, an organisation) could run when staff open
an export. Every cell the portal writes goes through ``escape_formula``, which puts an
apostrophe in front of such a value: spreadsheets show it as text. Imports undo exactly that
(``unescape_formula``), so an exported file imports back unchanged.
"""

import csv
from datetime import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import widgets
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats
from import_export.resources import ModelResource
from import_export.tmp_storages import CacheStorage

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


class FormulaSafeResource(ModelResource):
    """An import-export resource whose exports are escaped and whose imports unescaped.

    Its row errors are named by column, as the person who fills in the file knows them.
    """

    def export(self, queryset=None, **kwargs):
        dataset = super().export(queryset, **kwargs)
        _map_cells(dataset, escape_formula)
        return dataset

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        _map_cells(dataset, unescape_formula)

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


class CodeListWidget(CodeWidget):
    """Codes separated by commas, each from a fixed list; empty is none."""

    def clean(self, value, row=None, **kwargs):
        text = TextWidget.clean(self, value, row, **kwargs)
        codes = [self.normalise(code.strip()) for code in text.split(",") if code.strip()]
        unknown = [code for code in codes if code not in self.codes]
        if unknown:
            raise ValueError(
                gettext("Unknown “%(code)s”: %(hint)s")
                % {"code": "”, “".join(unknown), "hint": self.hint}
            )
        return list(dict.fromkeys(codes))

    def render(self, value, obj=None, **kwargs):
        return ",".join(value or [])


class NaturalKeyListWidget(widgets.Widget):
    """Rows named by their natural key (a topic's slug), separated by commas."""

    def __init__(self, model, *, hint):
        super().__init__()
        self.model, self.hint = model, hint
        self.known = None

    def keys(self, value):
        text = "" if value is None else str(value)
        return list(dict.fromkeys(key.strip() for key in text.split(",") if key.strip()))

    def find(self, keys):
        field = self.model.natural_key_field
        return {
            getattr(obj, field): obj for obj in self.model.objects.filter(**{f"{field}__in": keys})
        }

    def prepare(self, cells):
        """Look up every row named in a column at once, before its cells are cleaned."""
        self.known = self.find({key for cell in cells for key in self.keys(cell)})

    def clean(self, value, row=None, **kwargs):
        keys = self.keys(value)
        found = self.find(keys) if self.known is None else self.known
        unknown = [key for key in keys if key not in found]
        if unknown:
            raise ValueError(
                gettext("Unknown “%(code)s”: %(hint)s")
                % {"code": "”, “".join(unknown), "hint": self.hint}
            )
        return [found[key] for key in keys]

    def render(self, value, obj=None, **kwargs):
        return ",".join(value or [])


class YesNoWidget(widgets.BooleanWidget):
    """1 or 0 (as exported), yes or no, true or false; an empty cell is no."""

    checks_whole_value = True

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, (bool, int, float)) and value in (0, 1):
            return bool(value)
        text = "" if value is None else str(value).strip().lower()
        if text in {"", "0", "no", "false"}:
            return False
        if text in {"1", "yes", "true"}:
            return True
        raise ValueError(
            gettext("“%(value)s” is neither yes nor no: write 1 or 0.") % {"value": value}
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


class UploadGone(Exception):
    """The file uploaded for an import is no longer kept (see UploadStorage)."""


class UploadStorage(CacheStorage):
    """Keeps an uploaded file between the import's preview and its confirmation.

    In the cache rather than on a web server's disk: every web process sees it, and a file
    of personal data that nobody confirms is gone after an hour instead of staying behind.
    """

    CACHE_LIFETIME = 60 * 60
    CACHE_PREFIX = "spreadsheet-import:"

    def read(self):
        data = super().read()
        if data is None:
            raise UploadGone
        return data


class SpreadsheetAdminMixin(ImportExportMixin):
    """Import and export in the admin, CSV and XLSX only, all or nothing.

    The import is the library's two steps: a dry run that lists every row's errors, then a
    confirmation. An import whose rows no longer pass at confirmation saves none of them.
    """

    formats = [base_formats.CSV, base_formats.XLSX]
    to_encoding = "utf-8-sig"  # CSV with a byte order mark, as csv_response explains
    tmp_storage_class = UploadStorage

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

        if request.method == "POST" and self.has_import_permission(request):
            job = import_jobs.start_large_import(self, request)
            if job is not None:
                return redirect(job.url())
        return super().import_action(request, **kwargs)

    def import_job_view(self, request, job_id):
        from carportal import import_jobs

        return import_jobs.job_view(self, request, job_id)

    def get_import_data_kwargs(self, **kwargs):
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def process_import(self, request, **kwargs):
        try:
            return super().process_import(request, **kwargs)
        except UploadGone:
            messages.error(
                request,
                _("The uploaded file is kept for an hour and has expired: upload it again."),
            )
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

    def has_import_permission(self, request):
        # An import adds rows and changes them.
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request):
        # The library lets any staff member export; at the least, they must see the rows.
        return self.has_view_permission(request)
