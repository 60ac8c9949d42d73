"""PDF documents: a template rendered with weasyprint, which may read only our own files.

weasyprint needs Pango from the operating system (README, "PDF documents"). Without it the
rest of the portal runs, and a PDF view answers with a 503 page that says what is missing.
"""

import logging
import mimetypes
import posixpath
import threading
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header, http_date
from django.utils.translation import gettext_lazy as _

# Seven INFO lines per document on weasyprint's progress would drown the portal's log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

PDF_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core"
SETUP_HINT = f"apt-get install {PDF_PACKAGES}"


class PDFUnavailable(Exception):
    """weasyprint cannot run here: the operating system lacks Pango."""


def weasyprint_module():
    """The weasyprint module, imported on first use so the portal starts without Pango."""
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: a shared library of Pango is missing
        raise PDFUnavailable(f"{type(exc).__name__}: {exc}") from exc
    return weasyprint


def unavailable_reason():
    """Why PDFs cannot be made on this machine, or an empty string when they can."""
    try:
        weasyprint_module()
    except PDFUnavailable as exc:
        return str(exc)
    return ""


def _url_fetcher_class():
    weasyprint = weasyprint_module()

    class PortalURLFetcher(weasyprint.URLFetcher):
        """Reads our static and media files from disk or storage; refuses every other URL.

        Nothing goes over the network, so no external host, loopback address or redirect can
        be reached, and no `file:` URL can read outside the project's files.
        """

        def __init__(self, base_url):
            super().__init__(allowed_protocols=(), allow_redirects=False)
            self.origin = urlsplit(base_url)[:2]

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts[:2] == self.origin:
                path = posixpath.normpath(unquote(parts.path))
                for prefix, opener in (
                    (settings.STATIC_URL, _open_static),
                    (settings.MEDIA_URL, _open_media),
                ):
                    if path.startswith(prefix):
                        file = opener(path.removeprefix(prefix))
                        if file is not None:
                            kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
                            return weasyprint.urls.URLFetcherResponse(
                                url, file, headers={"Content-Type": kind}
                            )
            raise weasyprint.urls.URLFetchingError(f"Not one of the portal's own files: {url}")

    return PortalURLFetcher


def _open_static(name):
    # Collected files first (their names carry the manifest's hash), then the sources.
    try:
        if staticfiles_storage.exists(name):
            return staticfiles_storage.open(name, "rb")
    except (SuspiciousFileOperation, NotImplementedError):
        return None
    found = finders.find(name)
    return open(found, "rb") if found else None  # noqa: SIM115 - weasyprint closes it


def _open_media(name):
    try:
        return default_storage.open(name, "rb") if default_storage.exists(name) else None
    except SuspiciousFileOperation:
        return None


def url_fetcher(base_url):
    """The fetcher every PDF uses; `base_url` is the site's root, e.g. https://host/."""
    return _url_fetcher_class()(base_url)


@dataclass(frozen=True)
class PDFDocument:
    """A PDF to make: `template_name` rendered once per context, pages in order.

    Each context is its own document (its own page numbers); the first gives the title and
    language of the file. Contexts may hold querysets: they run while the PDF is made.
    """

    template_name: str
    contexts: list
    filename: str


STYLESHEET = "css/print-pdf.css"
_engine = threading.local()


def _engine_parts(weasyprint):
    """This thread's font configuration and parsed stylesheet, made once and reused.

    Made for each document, they cost more than the queries and the template of a
    programme: weasyprint loads fontconfig's configuration and a new Pango font map (whose
    caches start empty) and parses the stylesheet. weasyprint's objects are not meant to be
    shared between threads, so each thread of a server keeps its own. The stylesheet is read
    again (a few kilobytes) and parsed again only when it has changed.
    """
    if not hasattr(_engine, "font_config"):
        from weasyprint.text.fonts import FontConfiguration

        _engine.font_config = FontConfiguration()
        _engine.css_source = None
    with _open_static(STYLESHEET) as file:
        css_source = file.read()
    if css_source != _engine.css_source:
        # It has no url(): were one added, it would need the document's fetcher and origin.
        _engine.stylesheet = weasyprint.CSS(string=css_source, font_config=_engine.font_config)
        _engine.css_source = css_source
    return _engine.font_config, _engine.stylesheet


def render_pdf(document, *, base_url):
    """The PDF of `document` as bytes: tagged (PDF/UA-1), with bookmarks from headings.

    `base_url` is the site's root (https://host/): links in the PDF point there, and its
    host is printed beside them. Nothing of the request is used, so a task can make the same
    file as a view.
    """
    weasyprint = weasyprint_module()
    fetcher = url_fetcher(base_url)
    font_config, stylesheet = _engine_parts(weasyprint)
    shared = {"exported_at": timezone.localtime(), "site_host": urlsplit(base_url).netloc}
    rendered = [
        weasyprint.HTML(
            string=render_to_string(document.template_name, {**context, **shared}),
            base_url=base_url,
            url_fetcher=fetcher,
        ).render(font_config=font_config, stylesheets=[stylesheet], pdf_variant="pdf/ua-1")
        for context in document.contexts
    ]
    if len(rendered) > 1:
        rendered[0] = rendered[0].copy([page for part in rendered for page in part.pages])
    return rendered[0].write_pdf(pdf_variant="pdf/ua-1")


def pdf_response(request, document):
    """The PDF as a download, or a 503 page where weasyprint cannot run.

    Nothing in it is per-user, so the page cache may keep it like any public page (until
    content changes); its Last-Modified is the export time the footer shows.
    """
    try:
        content = render_pdf(document, base_url=request.build_absolute_uri("/"))
    except PDFUnavailable:
        return pdf_unavailable(request)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, document.filename)
    response["Last-Modified"] = http_date()
    return response


def pdf_unavailable(request):
    return render(request, "pdf/unavailable.html", {"setup_hint": SETUP_HINT}, status=503)


def rows_document(template_name, rows, *, kind, context):
    """One document per row (its template context is `context(row)`), all in one PDF."""
    rows = list(rows)
    filename = f"{kind}-{rows[0].slug}.pdf" if len(rows) == 1 else f"{kind}s.pdf"
    return PDFDocument(template_name, [context(row) for row in rows], filename)


def rows_pdf_response(request, template_name, rows, *, kind, context):
    return pdf_response(request, rows_document(template_name, rows, kind=kind, context=context))


NONE_PUBLISHED = _("Only published items can be exported as PDF, and none of these is.")


def pdf_admin_action(
    published_rows,
    respond,
    none_shown=NONE_PUBLISHED,
):
    """The admin action "Export selected as PDF": the selected rows that are published.

    `published_rows` is the public page's queryset method (such as `for_detail`), so a PDF
    made in the admin shows what the public one shows; `respond(request, rows)` makes it.
    `none_shown` tells staff why a selection gave no rows.
    """

    @admin.action(description=_("Export selected as PDF"), permissions=["view"])
    def export_pdf(modeladmin, request, queryset):
        rows = list(published_rows().filter(pk__in=queryset.values("pk")))
        if not rows:
            modeladmin.message_user(request, none_shown, messages.WARNING)
            return None
        return respond(request, rows)

    return export_pdf


def applied_filters(form):
    """(label, value shown) for each filter in use, as a list's document lists them on its
    cover."""
    shown = []
    # Without a query string the form is unbound: no filter is in use.
    for name, value in (form.cleaned_data if form.is_bound else {}).items():
        if value in (None, ""):
            continue
        field = form.fields[name]
        # A model choice is shown as its row; listing a model field's choices would query.
        if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            value = dict(field.choices).get(value, value)
        shown.append((field.label, value))
    return shown
