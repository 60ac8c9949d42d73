import logging

import pytest
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test.utils import CaptureQueriesContext
from django.urls import include, path, reverse

from tests.carportal.factories import CountryFactory
from tests.meetings.factories import MeetingFactory
from tests.test_admin import meeting_form

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def form_page(request):
    """A public page with a form: its CSRF token is per visitor."""
    return HttpResponse(get_token(request))


urlpatterns = [path("form/", form_page), path("", include("carportal.urls"))]

SECURITY_HEADERS = [
    "Content-Security-Policy",
    "Permissions-Policy",
    "Referrer-Policy",
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Cross-Origin-Opener-Policy",
]


@pytest.fixture(autouse=True)
def page_cache(settings, monkeypatch):
    settings.CACHE_PAGES = True
    # A failure seen by an earlier test would keep this process away from the cache.
    monkeypatch.setattr("carportal.cache._quiet_until", 0.0)


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, len(queries)


def test_an_anonymous_page_is_served_again_from_the_cache_with_its_headers(
    client, django_assert_num_queries
):
    MeetingFactory(title="Cached meeting")
    first = client.get(reverse("meetings:list"))

    with django_assert_num_queries(0):
        second = client.get(reverse("meetings:list"))
        head = client.head(reverse("meetings:list"))

    assert second.status_code == head.status_code == 200
    assert second.content == first.content
    assert "Cached meeting" in second.content.decode()
    for header in SECURITY_HEADERS:
        assert second[header] == first[header]


def test_the_cache_can_be_switched_off(client, settings):
    settings.CACHE_PAGES = False
    client.get(reverse("meetings:list"))

    assert queries_for(client, reverse("meetings:list"))[1] > 0


def test_a_publish_from_the_change_form_shows_at_once(
    client, admin_client, django_capture_on_commit_callbacks
):
    assert (
        "Expert group meeting in Tallinn"
        not in client.get(reverse("meetings:list")).content.decode()
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:meetings_meeting_add"),
            meeting_form(CountryFactory(), _publish="Save and publish"),
        )

    assert response.status_code == 302
    assert (
        "Expert group meeting in Tallinn" in client.get(reverse("meetings:list")).content.decode()
    )


@pytest.mark.parametrize(("action", "shown"), [("publish", True), ("unpublish", False)])
def test_a_bulk_publish_or_unpublish_shows_at_once(
    client, admin_client, django_capture_on_commit_callbacks, action, shown
):
    meeting = MeetingFactory(title="Meeting in the balance", draft=shown)
    client.get(reverse("meetings:list"))

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:meetings_meeting_changelist"),
            {"action": action, "_selected_action": [meeting.pk]},
        )

    assert (
        "Meeting in the balance" in client.get(reverse("meetings:list")).content.decode()
    ) == shown


def test_a_change_that_is_not_committed_leaves_the_cached_page(client):
    client.get(reverse("meetings:list"))

    MeetingFactory(title="Rolled back meeting")

    assert "Rolled back meeting" not in client.get(reverse("meetings:list")).content.decode()


def test_a_signed_in_visitor_never_gets_or_leaves_a_cached_page(client, admin_client):
    client.get(reverse("meetings:list"))
    MeetingFactory(title="Seen by staff at once")

    assert "Seen by staff at once" in admin_client.get(reverse("meetings:list")).content.decode()
    admin_client.get(reverse("projects:list"))
    assert queries_for(client, reverse("projects:list"))[1] > 0


@pytest.mark.parametrize("url", ["/form/", "/admin/login/"])
def test_a_page_with_a_csrf_token_is_never_cached(client, url):
    first = client.get(url)
    second = client.get(url)

    assert second.status_code == 200
    assert "csrftoken" in second.cookies
    assert second.content != first.content


def test_a_never_cache_page_is_never_stored(client):
    client.get(reverse("health"))

    response, queries = queries_for(client, reverse("health"))

    assert response.status_code == 200
    assert queries > 0


def test_every_query_string_is_its_own_page(client):
    client.get(reverse("meetings:list"))

    assert queries_for(client, reverse("meetings:list") + "?utm_source=x")[1] > 0
    assert queries_for(client, reverse("meetings:list") + "?when=past")[1] > 0


def test_a_search_asked_again_is_served_from_the_cache_until_content_changes(
    client, django_capture_on_commit_callbacks
):
    # A search matching most rows reads every one of them (docs/adr/0012): asked again, it
    # costs nothing until something is published.
    MeetingFactory(title="Children on the move")
    url = reverse("search") + "?q=children"
    first = client.get(url)
    assert "Children on the move" in first.content.decode()

    again, queries = queries_for(client, url)
    assert queries == 0
    assert again.content == first.content

    with django_capture_on_commit_callbacks(execute=True):
        MeetingFactory(title="Children in care")

    response, queries = queries_for(client, url)
    assert queries > 0
    assert "Children in care" in response.content.decode()


def test_a_browser_revalidating_gets_304_until_the_page_changes(
    client, admin_client, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory(title="Revalidated meeting", draft=True)
    etag = client.get(reverse("meetings:list"))["ETag"]

    assert client.get(reverse("meetings:list"), headers={"if-none-match": etag}).status_code == 304

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:meetings_meeting_changelist"),
            {"action": "publish", "_selected_action": [meeting.pk]},
        )
    response = client.get(reverse("meetings:list"), headers={"if-none-match": etag})

    assert response.status_code == 200
    assert response["ETag"] != etag
    assert "Revalidated meeting" in response.content.decode()


def test_pages_work_while_the_cache_is_down(
    client, admin_client, settings, caplog, django_capture_on_commit_callbacks
):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    meeting = MeetingFactory(title="Meeting without a cache", draft=True)
    caplog.set_level(logging.WARNING, logger="carportal.cache")

    for url in [reverse("home"), reverse("meetings:list"), reverse("meetings:list")]:
        assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:meetings_meeting_changelist"),
            {"action": "publish", "_selected_action": [meeting.pk]},
        )

    assert response.status_code == 302
    assert "Meeting without a cache" in client.get(reverse("meetings:list")).content.decode()
    # One outage, one line: the process leaves the cache alone for a while.
    assert len(caplog.records) == 1
