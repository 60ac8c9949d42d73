import datetime
import logging

from django.conf import settings
from django.core import signing
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_cache_control,
)
from django.utils.http import http_date
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe
from django_filters.views import FilterView

from carportal.cache import current_generation
from carportal.models import Publishable
from carportal.pdf_jobs import PDFJob, State

logger = logging.getLogger(__name__)


class KeysFirstPaginator(Paginator):
    """Reads a page's primary keys in the list's order, then the whole rows of those keys.

    Deep in a long list the database orders every row up to the page: ordering narrow keys
    stays in memory and quick, where ordering whole rows (summaries, descriptions) spilled
    to disk and took five times as long on the last of 950 pages.
    """

    def page(self, number):
        page = super().page(number)
        keys = list(page.object_list.values_list("pk", flat=True))
        rows = self.object_list.in_bulk(keys)
        page.object_list = [rows[key] for key in keys]
        return page


class PublicListView(FilterView):
    """A public list: one FilterSet reads the query string; paging keeps the filters.

    An invalid filter value (``?year=abc``) shows the page with the field's error and no
    results, rather than silently ignoring what the visitor asked for.
    """

    paginate_by = settings.PAGINATE_BY
    paginator_class = KeysFirstPaginator

    def get(self, request, *args, **kwargs):
        # A form sends every field, used or not (`?q=&kind=&language=fi`): a link to share
        # carries only the filters in use.
        # The browser keeps the form action's #results across the redirect.
        if any(value == "" for _name, values in request.GET.lists() for value in values):
            clean = QueryDict(mutable=True)
            for name, values in request.GET.lists():
                if kept := [value for value in values if value]:
                    clean.setlist(name, kept)
            query = clean.urlencode()
            return redirect(f"{request.path}?{query}" if query else request.path)
        return super().get(request, *args, **kwargs)

    def get_paginator(self, queryset, *args, **kwargs):
        paginator = super().get_paginator(queryset, *args, **kwargs)
        if getattr(self.filterset, "found", None) is not None:
            # Counted with the filters' options, in the same statement.
            paginator.count = self.filterset.found
        return paginator

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if hasattr(self.filterset, "show_counts"):
            self.filterset.show_counts()
        context["active_filters"] = self.filterset.active_filters(self.request)
        # Only the list's own filters count: not `page`, nor a tracking tag such as utm_source.
        context["is_filtered"] = any(self.request.GET.get(name) for name in self.filterset.filters)
        if context["is_paginated"]:
            page = context["page_obj"]
            context["page_range"] = page.paginator.get_elided_page_range(
                page.number, on_each_side=2, on_ends=1
            )
        return context


class DraftPreviewMixin:
    """A detail page that staff who may view its model also see for a draft, exactly as the
    public will once it is published, under a "draft" banner (`draft_preview` in the
    template). Anyone else gets the 404 a draft has always given. A draft's page is never
    cached and never indexed.
    """

    def may_preview(self):
        user, opts = self.request.user, self.model._meta
        return user.is_staff and user.has_perm(f"{opts.app_label}.view_{opts.model_name}")

    def get_queryset(self):
        return self.model.objects.for_detail(drafts=self.may_preview())

    def get_context_data(self, **kwargs):
        opts = self.model._meta
        return super().get_context_data(
            draft_preview=self.object.status != Publishable.Status.PUBLISHED,
            draft_edit_url=reverse(
                f"admin:{opts.app_label}_{opts.model_name}_change", args=[self.object.pk]
            ),
            **kwargs,
        )

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if context["draft_preview"]:
            add_never_cache_headers(response)
            response["X-Robots-Tag"] = "noindex"
        return response


def back_to_list(request, list_url_name):
    """A redirect from a list's download (PDF, CSV) to the list page, filters kept."""
    return redirect(f"{reverse(list_url_name)}?{request.GET.urlencode()}")


def back_to_list_if_invalid(request, filterset, list_url_name):
    """When a filter value is invalid, back to the list page, which shows the error beside
    the field, rather than an empty file; else None."""
    if filterset.is_bound and not filterset.is_valid():
        return back_to_list(request, list_url_name)
    return None


def attachment_response(attachment, *, download=False):
    """Serve a published file through the application, so a draft's files stay private.

    A PDF opens in the browser, to read or print, unless `download` asks to save it; other
    formats are always saved.

    A file missing from storage (lost in a restore, deleted by hand) is not found for the
    visitor and logged for staff to upload it again.
    """
    try:
        file = attachment.file.open("rb")
    except FileNotFoundError:
        logger.warning(
            "The file of %s %s is missing from storage: %s",
            attachment._meta.label,
            attachment.pk,
            attachment.file.name,
        )
        raise Http404 from None
    return FileResponse(
        file,
        filename=attachment.file.name.rsplit("/", 1)[-1],
        as_attachment=download or not attachment.opens_in_browser,
    )


def _pdf_job(request, token):
    """The job a token names, or 404 for a token we did not sign."""
    try:
        return PDFJob.from_token(request, token)
    except signing.BadSignature:
        raise Http404("No such document.") from None


def _generation_or_none():
    """The current content generation, or None while the cache, where jobs live, is down."""
    try:
        return current_generation()
    except Exception as exc:  # noqa: BLE001 - the page says so rather than failing
        logger.warning("PDF jobs unreadable: %s: %s", type(exc).__name__, exc)
        return None


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def pdf_job(request, token):
    """A large PDF's progress page: waiting, being made, ready to download, or failed.

    A job of content that has changed since leads to the current document's job. POST tries
    a failed job again. While the cache is down, the page says that the job failed (and new
    large documents are made in their request meanwhile).
    """
    job = _pdf_job(request, token)
    generation = _generation_or_none()
    if generation is None:
        return render(request, "pdf/job.html", {"job": job, "state": State.FAILED}, status=503)
    if job.generation != generation:
        job = PDFJob.for_request(request, job.kind, job.query, generation)
        job.start()
        return redirect(job.progress_url())
    if request.method == "POST":
        if job.state()[0] == State.FAILED:
            job.restart()
        return redirect(job.progress_url())
    state, since = job.state()
    if state == State.UNKNOWN:  # its record expired or was lost: start it again
        job.start()
        state, since = job.state()
    context = {"job": job, "state": state, "since": since and _aware(since)}
    if state == State.READY:
        name = job.stored_name()
        context.update(filename=name.rsplit("/", 1)[-1], size=default_storage.size(name))
    response = render(request, "pdf/job.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
def pdf_job_download(request, token):
    """A large PDF made by its job, with an ETag and Last-Modified for conditional requests.

    Until the file is there, and once content has changed, the progress page answers.
    """
    job = _pdf_job(request, token)
    current = job.generation == _generation_or_none()
    name = job.stored_name() if current else None
    if name is None or job.state()[0] != State.READY:
        return redirect(job.progress_url())
    modified = int(default_storage.get_modified_time(name).timestamp())
    # The digest names the document and the content it shows; the time tells a file made
    # again (after a loss of storage) from the one a browser keeps.
    etag = f'"{job.digest[:32]}-{modified}"'
    response = get_conditional_response(request, etag=etag, last_modified=modified)
    if response is None:
        response = FileResponse(
            default_storage.open(name, "rb"),
            filename=name.rsplit("/", 1)[-1],
            content_type="application/pdf",
        )
    response["ETag"] = etag
    response["Last-Modified"] = http_date(modified)
    # Browsers ask again every time: the ETag makes that a 304.
    patch_cache_control(response, max_age=0)
    return response


def _aware(timestamp):
    return datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC)
