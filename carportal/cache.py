"""The public page cache: whole anonymous responses, keyed on the URL (docs/adr/0004).

Every cached page records the content generation it was rendered under. Any committed change
to content gives the generation a new value, so every page cached before it is stale at once.
"""

import hashlib
import logging
import time
import uuid

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import MiddlewareNotUsed
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.urls import reverse
from django.utils.cache import cc_delim_re, patch_cache_control, set_response_etag
from django.utils.translation import get_language_from_request

logger = logging.getLogger(__name__)

GENERATION_KEY = "page-cache:generation"
# Apps whose rows public pages show; a new app with public content joins this list.
CONTENT_APPS = ["carportal", "meetings", "projects", "publications"]
# The page's language is part of the key, so varying on Accept-Language is safe to store.
STORABLE_VARY = {"accept-language"}
UNSTORABLE_CACHE_CONTROL = {"private", "no-store", "no-cache"}
QUIET_AFTER_FAILURE_SECONDS = 10
_quiet_until = 0.0  # monotonic time until which this process serves pages uncached


def content_changed():
    """Make every cached page stale once the current transaction commits.

    Called for every saved or deleted content row (see ``watch_content``) and by writes that
    bypass signals, such as ``QuerySet.update()``. Waiting for the commit means no request
    can cache the old page again between the new generation and the new data.
    """
    transaction.on_commit(_new_generation)


def _new_generation():
    try:
        cache.set(GENERATION_KEY, _generation_token(), timeout=None)
    except Exception as exc:  # noqa: BLE001 - a cache outage must not fail a committed save
        _cache_failed(exc)


def _generation_token():
    return uuid.uuid4().hex


def current_generation(found=None):
    """The content generation now: a token that every committed change to content replaces.

    Anything made from content and kept (a cached page, a stored PDF: carportal/pdf_jobs.py)
    records it and counts only while it is current. `found` is what a ``get_many`` that
    asked for it already read. May raise whatever the cache raises when it is down.
    """
    return (found or {}).get(GENERATION_KEY) or cache.get_or_set(
        GENERATION_KEY, _generation_token, timeout=None
    )


def _cache_failed(exc):
    """Leave the cache alone for a while: an outage costs one log line, not one per request.

    New generations are still attempted meanwhile, since a missed one leaves stale pages.
    """
    global _quiet_until
    if time.monotonic() >= _quiet_until:
        logger.warning(
            "Page cache unavailable, pages served uncached for %ss: %s: %s",
            QUIET_AFTER_FAILURE_SECONDS,
            type(exc).__name__,
            exc,
        )
    _quiet_until = time.monotonic() + QUIET_AFTER_FAILURE_SECONDS


def _on_content_signal(sender, **kwargs):
    content_changed()


def watch_content():
    """Connect every content model, m2m through tables included, to ``content_changed``."""
    for label in CONTENT_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            for signal in (post_save, post_delete, m2m_changed):
                signal.connect(_on_content_signal, sender=model)


class PageCacheMiddleware:
    """Serves anonymous GET and HEAD requests for public pages from the cache.

    Requests with a session cookie (anyone signed in, staff included) and the admin always
    get a fresh page. Only 200 responses that set no cookie, vary on nothing but the
    language and do not forbid caching are stored, so a page with a CSRF token (Django adds
    ``Vary: Cookie`` with it) or a ``never_cache`` view never is.
    """

    def __init__(self, get_response):
        if not settings.CACHE_PAGES:
            raise MiddlewareNotUsed
        self.get_response = get_response
        self.admin_prefix = reverse("admin:index")

    def __call__(self, request):
        if not self._may_use_cache(request):
            return self.get_response(request)
        key = self._key(request)
        try:
            found = cache.get_many([GENERATION_KEY, key])
            generation = current_generation(found)
        except Exception as exc:  # noqa: BLE001 - the page is rendered without the cache
            _cache_failed(exc)
            return self.get_response(request)
        entry = found.get(key)
        if entry is not None and entry[0] == generation:
            return _response_from(entry)

        # The generation was read before rendering: a change committed meanwhile makes
        # this page stale rather than letting it pass as new.
        response = self.get_response(request)
        if request.method == "GET" and _is_storable(response):
            set_response_etag(response)
            # Browsers and proxies ask again every time; the ETag makes that a 304.
            patch_cache_control(response, max_age=0)
            try:
                cache.set(key, _entry_for(generation, response), settings.CACHE_PAGE_SECONDS)
            except Exception as exc:  # noqa: BLE001
                _cache_failed(exc)
        return response

    def _may_use_cache(self, request):
        return (
            request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not request.path.startswith(self.admin_prefix)
            and time.monotonic() >= _quiet_until
        )

    def _key(self, request):
        # Scheme and host are part of the URL because pages such as the sitemap print them.
        url = request.build_absolute_uri().encode()
        digest = hashlib.md5(url, usedforsecurity=False).hexdigest()
        return f"page-cache:{get_language_from_request(request)}:{digest}"


def _is_storable(response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    vary = {value.strip().lower() for value in cc_delim_re.split(response.get("Vary", ""))}
    cache_control = {
        value.split("=")[0].strip().lower()
        for value in cc_delim_re.split(response.get("Cache-Control", ""))
    }
    return vary <= STORABLE_VARY | {""} and not cache_control & UNSTORABLE_CACHE_CONTROL


def _entry_for(generation, response):
    # Plain values rather than the response object: nothing of the request is pickled.
    return (generation, response.status_code, list(response.items()), response.content)


def _response_from(entry):
    _generation, status, headers, content = entry
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    return response
