"""Large PDFs: made by a Celery task and kept in storage until the content they show changes.

A document expected to take over a second (more than ``PDF_TASK_ROWS`` rows, see
``large_pdf_response``) is not made in the request: its view starts a job and sends the
visitor to the job's progress page, which offers the file once the task has stored it
(docs/adr/0006-large-pdfs.md).

- A job is named in URLs by a token signed with the site's key, holding the kind of
  document, its query string and the content generation it shows (carportal/cache.py). It
  cannot be guessed or altered, so nobody can reach another visitor's job by counting, and it
  holds nothing personal: the documents are public.
- The file is stored in the default storage under ``pdf-exports/<generation>/<digest>/``,
  where nothing serves it but the download view, the digest covering the token's parts, the
  site's address and the language. The same document asked for again under the same content
  is the same file, made once; any change to content starts a new generation, and a token of
  an older one leads to the document of the current one, so a stale file is never served.
- Where a job stands (waiting, being made since when, failed) is kept in the cache for an
  hour; the file itself says that it is ready.
"""

import hashlib
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from carportal.cache import current_generation
from carportal.jobs import State, ended_unheard
from carportal.pdf import pdf_unavailable, render_pdf, unavailable_reason

logger = logging.getLogger(__name__)

# The documents a task may make, by the kind their jobs name: a title for the progress page
# and a function of the query string (a QueryDict) that returns the PDFDocument.
KINDS = {
    "catalogue": (_("Publications catalogue"), "publications.pdf.catalogue_document"),
    "reports": (_("Presidency report"), "meetings.pdf.report_document"),
}
STORAGE_PREFIX = "pdf-exports"
TOKEN_SALT = "carportal.pdf-job"
JOB_SECONDS = 60 * 60
# The task's limits (carportal/tasks.py). A 200-page catalogue takes about 20 s (bench/pdf.py);
# past the soft limit the job fails and says so, at the hard one the worker process is ended.
SOFT_TIME_LIMIT = 120
TIME_LIMIT = 150


@dataclass(frozen=True)
class PDFJob:
    """One document of one kind, for one query string, under one content generation."""

    kind: str
    query: str
    generation: str
    base_url: str
    language: str

    @classmethod
    def from_token(cls, request, token):
        """The job a token names, as seen from `request`; raises signing.BadSignature."""
        kind, query, generation = signing.Signer(salt=TOKEN_SALT).unsign_object(token)
        return cls.for_request(request, kind, query, generation)

    @classmethod
    def for_request(cls, request, kind, query, generation):
        if kind not in KINDS:
            raise signing.BadSignature(f"Not a kind of document: {kind}")
        return cls(
            kind, query, generation, request.build_absolute_uri("/"), translation.get_language()
        )

    @property
    def token(self):
        # Without a timestamp, so that a job has one URL. No expiry: a token names a public
        # document, not a permission, and one of an old generation leads to the current one.
        signer = signing.Signer(salt=TOKEN_SALT)
        return signer.sign_object([self.kind, self.query, self.generation])

    @property
    def title(self):
        return KINDS[self.kind][0]

    @property
    def digest(self):
        parts = [self.kind, self.query, self.generation, self.base_url, self.language]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()

    @property
    def folder(self):
        return f"{STORAGE_PREFIX}/{self.generation}/{self.digest}"

    @property
    def record_key(self):
        return f"pdf-job:{self.digest}"

    def progress_url(self):
        return reverse("pdf_job", args=[self.token])

    def download_url(self):
        return reverse("pdf_job_download", args=[self.token])

    def is_current(self):
        return self.generation == current_generation()

    def stored_name(self):
        """The stored file's name in the default storage, or None while there is none."""
        try:
            files = default_storage.listdir(self.folder)[1]
        except FileNotFoundError:
            return None
        return f"{self.folder}/{sorted(files)[0]}" if files else None

    def state(self):
        """Where the job stands, and since when (a timestamp) if it is under way."""
        record = cache.get(self.record_key)
        if record is None:
            return (State.READY if self.stored_name() else State.UNKNOWN), None
        state, since = record
        if ended_unheard(state, since, TIME_LIMIT):
            return State.FAILED, None
        return state, since

    def start(self):
        """Have the task make the document, unless it is made or under way already."""
        if self.stored_name():
            return
        # add() sets the record only where there is none: one task per document at a time.
        if not cache.add(self.record_key, (State.WAITING, time.time()), JOB_SECONDS):
            return
        from carportal.tasks import build_pdf  # here: tasks.py imports this module

        try:
            # Not delay_on_commit: the task reads only what is published already, and in
            # eager mode the file must exist before the visitor follows the redirect.
            build_pdf.delay(self.kind, self.query, self.generation, self.base_url, self.language)
        except Exception:
            cache.delete(self.record_key)  # nothing is under way after all
            raise

    def restart(self):
        cache.delete(self.record_key)
        self.start()

    def build(self):
        """Make and store the document (the task's work), or say why it could not be made.

        A failure is recorded for the progress page and logged, not raised: the visitor
        learns of it there, and in eager mode a raised error would replace the redirect to
        that page with a server error.
        """
        if not self.is_current() or self.stored_name():
            cache.delete(self.record_key)  # stale, or made already: nothing to wait for
            return
        cache.set(self.record_key, (State.BUILDING, time.time()), JOB_SECONDS)
        try:
            with translation.override(self.language):
                document = import_string(KINDS[self.kind][1])(QueryDict(self.query))
                content = render_pdf(document, base_url=self.base_url)
            default_storage.save(f"{self.folder}/{document.filename}", ContentFile(content))
        except Exception:  # SoftTimeLimitExceeded included
            # The digest names the job; the query may hold a visitor's search words.
            logger.exception("PDF job %s (%s) failed", self.digest[:12], self.kind)
            cache.set(self.record_key, (State.FAILED, time.time()), JOB_SECONDS)
            return
        cache.delete(self.record_key)


def large_pdf_response(request, kind, params, *, rows):
    """For a document of more than PDF_TASK_ROWS rows: start its job and redirect to it.

    Returns None for a smaller document, which the view makes at once as before; `rows` is a
    cheap estimate of its length (a count query). A document made already is downloaded at
    once. Where the cache or the broker is down, the document is made in the request too.
    """
    if rows <= settings.PDF_TASK_ROWS:
        return None
    if unavailable_reason():
        return pdf_unavailable(request)
    try:
        job = PDFJob.for_request(request, kind, params.urlencode(), current_generation())
        job.start()
        ready = job.state()[0] == State.READY
    except Exception as exc:  # noqa: BLE001 - made in the request, as before tasks
        logger.warning("PDF made in the request, no task: %s: %s", type(exc).__name__, exc)
        return None
    return redirect(job.download_url() if ready else job.progress_url())


def job_query(params, names):
    """The query string of a job: only the parameters named, non-empty, in a fixed order.

    So the same filters written in another order, or with a tracking tag or page number
    beside them, are the same document.
    """
    query = QueryDict(mutable=True)
    for name in sorted(names):
        values = sorted(value for value in params.getlist(name) if value)
        if values:
            query.setlist(name, values)
    return query


def pdf_exports_prune():
    """Delete the stored PDFs of past content generations, which are never served again."""
    try:
        generation = current_generation()
        folders = default_storage.listdir(STORAGE_PREFIX)[0]
    except FileNotFoundError:
        return 0
    deleted = 0
    for old in folders:
        if old == generation:
            continue
        for digest in default_storage.listdir(f"{STORAGE_PREFIX}/{old}")[0]:
            folder = f"{STORAGE_PREFIX}/{old}/{digest}"
            for name in default_storage.listdir(folder)[1]:
                default_storage.delete(f"{folder}/{name}")
                deleted += 1
            default_storage.delete(folder)
        default_storage.delete(f"{STORAGE_PREFIX}/{old}")
    return deleted
