"""Large spreadsheet imports: checked and imported by a Celery task, waited for on a page.

A file of more than ``SPREADSHEET_IMPORT_TASK_ROWS`` rows is not checked in the request that
uploads it: the admin's import view (carportal/spreadsheets.py) keeps the file, starts a job
and sends the user to the job's page (docs/adr/0010-large-imports.md). The task checks the
file as the preview does (a dry run); the page then lists what would change and every error
and, when there is none, offers a button that has the task import the file, all or nothing.

- A job is named by a random token and belongs to the user who started it: anyone else gets
  a 404 for it, staff allowed to import included; staff who may not import get a 403.
- Its record is kept in the cache for an hour, as the uploaded file is (UploadStorage): what
  to read (resource, format, file) for whom, the step (check or import), where it stands
  (carportal/jobs.py), rows done of all while it runs and, once done, what came of it: the
  counts, each row and every error, or why it failed.
- A failure is never silent: it is recorded with a sentence for the page. Its log line names
  the job and the kind of error only, never a cell's value: files hold personal data.
"""

import logging
import secrets
import time
from dataclasses import dataclass

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.results import RowResult

from carportal import bulk_write
from carportal.jobs import State, ended_unheard
from carportal.spreadsheets import UploadGone, UploadStorage, sheet_row

logger = logging.getLogger(__name__)

JOB_SECONDS = UploadStorage.CACHE_LIFETIME
# The task's limits (carportal/tasks.py). 10,000 contact points take about 5 s to check and
# as long to import (bench/import.py); past the soft limit the step fails, nothing saved.
SOFT_TIME_LIMIT = 300
TIME_LIMIT = 360
PROGRESS_EVERY = 250  # rows between two updates of the record

EXPIRED = _("The uploaded file is kept for an hour and has expired: upload it again.")
TOO_LONG = _(
    "The file took too long and nothing was saved: split it into smaller files and import "
    "them one after the other."
)
BROKEN = _(
    "The import stopped because of an error on the server, and nothing was saved. Try "
    "again; if it fails again, tell the portal's administrators."
)
NOT_STARTED = _(
    "The import could not be started, and nothing was saved: the server's task queue does "
    "not answer. Try again in a few minutes."
)
CHANGED = _(
    "Nothing was imported: the file no longer passes the checks (the data changed since "
    "they were made). Upload it again to see why."
)


class Step:
    CHECK = "check"
    IMPORT = "import"


def _path(cls):
    return f"{cls.__module__}.{cls.__qualname__}"


@dataclass
class ImportJob:
    id: str
    record: dict

    @classmethod
    def create(cls, *, user, model, resource_class, input_format, storage, file_name, total):
        job = cls(
            secrets.token_urlsafe(18),
            {
                "user": user.pk,
                "model": model._meta.label,
                "resource": _path(resource_class),
                "format": _path(type(input_format)),
                "encoding": storage.encoding,
                "file": storage.name,
                "file_name": file_name,
                "total": total,
            },
        )
        job.save()
        return job

    @classmethod
    def get(cls, job_id):
        record = cache.get(cls.key_of(job_id))
        return None if record is None else cls(job_id, record)

    @staticmethod
    def key_of(job_id):
        return f"spreadsheet-import-job:{job_id}"

    def save(self):
        cache.set(self.key_of(self.id), self.record, JOB_SECONDS)

    def update(self, **changes):
        self.record.update(changes)
        self.save()

    @property
    def state(self):
        state = self.record["state"]
        if ended_unheard(state, self.record["since"], TIME_LIMIT):
            return State.FAILED
        return state

    @property
    def error(self):
        return self.record.get("error") or (BROKEN if self.state == State.FAILED else None)

    @property
    def may_import(self):
        """Checked without a single error, and not imported yet."""
        outcome = self.record.get("outcome") or {}
        return (
            self.record["step"] == Step.CHECK
            and self.state == State.READY
            and not outcome.get("errors")
        )

    def url(self):
        app_label, model_name = self.record["model"].lower().split(".")
        return reverse(f"admin:{app_label}_{model_name}_import_job", args=[self.id])

    def start(self, step):
        """Have the task take the step (check, or import), from the first row."""
        self.update(
            step=step, state=State.WAITING, since=time.time(), done=0, outcome=None, error=None
        )
        from carportal.tasks import import_spreadsheet  # here: tasks.py imports this module

        try:
            # Not delay_on_commit: the job is in the cache, and in eager mode the step must be
            # done before the user follows the redirect to its page.
            import_spreadsheet.delay(self.id)
        except Exception as error:  # noqa: BLE001 - the page says so
            logger.warning("Import job %s not started: %s", self.id[:8], type(error).__name__)
            self.update(state=State.FAILED, error=NOT_STARTED)

    def start_import(self):
        """Import the checked file, once: a second click, or a second tab, starts nothing."""
        if self.may_import and cache.add(f"{self.key_of(self.id)}:imported", True, JOB_SECONDS):
            self.start(Step.IMPORT)

    def run(self):
        """Take the job's step (the task's work) and record what came of it, or why nothing did.

        A failure is recorded for the page, not raised: in eager mode a raised error would
        replace the redirect to the page with a server error.
        """
        dry_run = self.record["step"] == Step.CHECK
        self.update(state=State.BUILDING, since=time.time())
        try:
            result = self.import_file(dry_run=dry_run)
        except UploadGone:
            self.update(state=State.FAILED, error=EXPIRED)
        except SoftTimeLimitExceeded:
            self.update(state=State.FAILED, error=TOO_LONG)
        except Exception as error:  # noqa: BLE001 - recorded for the page, as said above
            logger.error("Import job %s failed: %s", self.id[:8], type(error).__name__)
            self.update(state=State.FAILED, error=BROKEN)
        else:
            self.record_result(result, dry_run=dry_run)

    def record_result(self, result, *, dry_run):
        if not dry_run and result.base_errors:  # an error of no row: writing failed
            kinds = ", ".join(type(error.error).__name__ for error in result.base_errors)
            logger.error("Import job %s failed: %s", self.id[:8], kinds)
            self.update(state=State.FAILED, error=BROKEN)
        elif not dry_run and (result.has_errors() or result.has_validation_errors()):
            self.update(state=State.FAILED, error=CHANGED)
        else:
            if not dry_run:
                self.storage().remove()
            done = {"done": self.record["total"], "outcome": outcome(result, rows=dry_run)}
            self.update(state=State.READY, **done)

    def storage(self):
        return UploadStorage(name=self.record["file"], encoding=self.record["encoding"])

    def import_file(self, *, dry_run):
        user = get_user_model().objects.get(pk=self.record["user"])
        input_format = import_string(self.record["format"])(encoding=self.record["encoding"])
        dataset = input_format.create_dataset(self.storage().read())
        resource = import_string(self.record["resource"])()
        return import_dataset(
            resource,
            dataset,
            dry_run=dry_run,
            user=user,
            file_name=self.record["file_name"],
            progress=self.progress,
        )

    def progress(self, done):
        if done % PROGRESS_EVERY == 0:
            self.update(done=done)


def import_dataset(resource, dataset, *, dry_run, user, file_name="", progress=None):
    """Check (``dry_run``) or import a dataset as a job does: the check without what each row
    changes, the import all or nothing, with the admin's log entries. bench/import.py times it.
    """
    with transaction.atomic():
        result = resource.import_data(
            dataset,
            dry_run=dry_run,
            show_changes=False,
            raise_errors=False,
            rollback_on_validation_errors=True,
            retain_instance_in_row_result=not dry_run,
            file_name=file_name,
            user=user,
            progress=progress,
        )
        if not dry_run and not (result.has_errors() or result.has_validation_errors()):
            log_import(user, result)
    return result


def outcome(result, *, rows):
    """What the page shows of a step: the counts, every error as (row number, column,
    message), and with ``rows`` each row that passed as (number, new or update, entry);
    rows numbered as in the admin's preview (sheet_row)."""
    errors = [
        (sheet_row(row.number), column, message)
        for row in result.invalid_rows
        for column, messages in row.error_dict.items()
        for message in messages
    ]
    errors += [
        (sheet_row(number), "", str(error.error))
        for number, found in result.row_errors()
        for error in found
    ]
    errors += [(None, "", str(error.error)) for error in result.base_errors]
    return {
        "totals": dict(result.totals),
        "errors": sorted(errors, key=lambda error: error[0] or 0),
        "rows": [
            (sheet_row(number), row.import_type, row.object_repr)
            for number, row in enumerate(result.rows, 1)
            if rows and row.object_repr is not None
        ],
    }


def log_import(user, result):
    """Staff's log of admin actions for what an import wrote, a file of any size
    (SpreadsheetAdminMixin.generate_log_entries): an entry for each row created or updated,
    as LogEntry.objects.log_actions makes them, written with COPY: log_actions' INSERT took
    half a second for 10,000 rows."""
    flags = {RowResult.IMPORT_TYPE_NEW: ADDITION, RowResult.IMPORT_TYPE_UPDATE: CHANGE}
    message = gettext("Imported from a spreadsheet.")
    entries = (
        {
            "user_id": user.pk,
            "content_type_id": ContentType.objects.get_for_model(
                row.instance, for_concrete_model=False
            ).pk,
            "object_id": str(row.instance.pk),
            "object_repr": str(row.instance)[:200],
            "action_flag": flags[row.import_type],
            "change_message": message,
        }
        for row in result.rows
        if row.import_type in flags
    )
    bulk_write.insert(LogEntry, bulk_write.new_objects(LogEntry, entries))


def start_large_import(model_admin, request):
    """For an uploaded file of more than SPREADSHEET_IMPORT_TASK_ROWS rows: keep it, start a
    job to check it, and return the job. Returns None for a smaller file, one the form
    refuses or that cannot be read, which the library's import view handles as before."""
    form = model_admin.create_import_form(request)
    if not form.is_valid():
        return None
    input_format = model_admin.get_import_formats()[int(form.cleaned_data["format"])]()
    if not input_format.is_binary():
        input_format.encoding = model_admin.from_encoding
    upload = form.cleaned_data["import_file"]
    storage = model_admin.write_to_tmp_storage(upload, input_format)
    try:
        total = len(input_format.create_dataset(storage.read()))
    except Exception:  # noqa: BLE001 - the library's view says what is wrong with the file
        total = None
    if total is None or total <= settings.SPREADSHEET_IMPORT_TASK_ROWS:
        storage.remove()
        return None
    job = ImportJob.create(
        user=request.user,
        model=model_admin.model,
        resource_class=model_admin.choose_import_resource_class(form, request),
        input_format=input_format,
        storage=storage,
        file_name=upload.name,
        total=total,
    )
    job.start(Step.CHECK)
    return job


def job_view(model_admin, request, job_id):
    """A large import's page: waiting, rows done, what the check found (with the button that
    imports the file when it found no error), what the import did, or why it failed.

    POST imports a file that passed its check; anything else sends back to the page.
    """
    if not model_admin.has_import_permission(request):
        raise PermissionDenied
    job = ImportJob.get(job_id)
    if (
        job is None
        or job.record["user"] != request.user.pk
        or job.record["model"] != model_admin.opts.label
    ):
        raise Http404("No such import.")
    if request.method == "POST":
        job.start_import()
        return redirect(job.url())
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Import %(file)s") % {"file": job.record["file_name"]},
        "opts": model_admin.opts,
        "job": job,
        "state": job.state,
        "step": job.record["step"],
        "outcome": job.record.get("outcome"),
    }
    return TemplateResponse(request, "admin/import_job.html", context)
