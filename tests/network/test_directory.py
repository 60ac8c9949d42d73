import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core import mail

from network import links, members
from network.models import ContactPoint
from tests.carportal.factories import TopicFactory
from tests.network.conftest import link_path, request_link
from tests.network.factories import (
    ApprovedContactPointFactory,
    AwaitingReviewContactPointFactory,
    ContactPointFactory,
    RejectedContactPointFactory,
)

pytestmark = pytest.mark.django_db

DIRECTORY = "/network/directory/"


def test_a_member_signs_in_with_an_e_mailed_link_and_sees_the_directory(
    client, settings, django_capture_on_commit_callbacks
):
    member = ApprovedContactPointFactory(email="Member@example.org", show_phone=False)
    ContactPointFactory(last_name="Unconfirmed")
    AwaitingReviewContactPointFactory(last_name="Waiting")

    sent = request_link(client, "member@EXAMPLE.org", django_capture_on_commit_callbacks)
    assert sent["Location"] == "/network/sign-in/sent/"
    path = link_path(settings)
    button = client.get(path)
    assert 'type="submit"' in button.content.decode()
    assert client.get(DIRECTORY)["Location"] == "/network/sign-in/"

    response = client.post(path, follow=True)

    page = response.content.decode()
    assert response.redirect_chain == [(DIRECTORY, 302)]
    assert str(member) in page and member.email in page
    assert "Unconfirmed" not in page and "Waiting" not in page
    assert response["X-Robots-Tag"] == "noindex"
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_anyone_else_gets_the_same_reply_and_no_e_mail(client, django_capture_on_commit_callbacks):
    AwaitingReviewContactPointFactory(email="waiting@example.org")

    for email in ("waiting@example.org", "nobody@example.org"):
        response = request_link(client, email, django_capture_on_commit_callbacks)
        assert response["Location"] == "/network/sign-in/sent/"
    assert mail.outbox == []


def test_sign_in_requests_are_rate_limited(client, settings, django_capture_on_commit_callbacks):
    settings.NETWORK_RATE_LIMIT = 1
    member = ApprovedContactPointFactory()
    request_link(client, member.email, django_capture_on_commit_callbacks)

    refused = request_link(client, member.email, django_capture_on_commit_callbacks)

    assert refused.status_code == 429
    assert "Please try again later" in refused.content.decode()
    assert len(mail.outbox) == 1


def test_members_still_get_a_link_when_the_cache_is_down(
    client, settings, cache_down, caplog, django_capture_on_commit_callbacks
):
    # Were requests still counted, a limit of none would refuse every one.
    settings.NETWORK_RATE_LIMIT = 0
    member = ApprovedContactPointFactory()

    for _ in range(2):
        response = request_link(client, member.email, django_capture_on_commit_callbacks)
        assert response["Location"] == "/network/sign-in/sent/"

    assert [m.to for m in mail.outbox] == [[member.email]] * 2
    assert "Rate limit network-sign-in not applied: cache unavailable" in caplog.text
    assert member.email not in caplog.text


def test_a_sign_in_link_works_once(client, settings, django_capture_on_commit_callbacks):
    member = ApprovedContactPointFactory()
    request_link(client, member.email, django_capture_on_commit_callbacks)
    path = link_path(settings)
    client.post(path)
    client.post("/network/sign-out/")

    again = client.post(path)

    assert "already been used" in again.content.decode()
    assert client.get(DIRECTORY).status_code == 302


def test_a_sign_in_link_expires_after_15_minutes(client, monkeypatch):
    member = ApprovedContactPointFactory()
    sixteen_minutes_ago = time.time() - 16 * 60
    with monkeypatch.context() as patched:
        patched.setattr(time, "time", lambda: sixteen_minutes_ago)
        token = links.sign_in_token(member)

    response = client.post(f"/network/sign-in/{token}/")

    assert response.status_code == 400
    assert "has expired" in response.content.decode()
    assert client.get(DIRECTORY).status_code == 302


def test_a_tampered_sign_in_link_is_refused(client):
    token = links.sign_in_token(ApprovedContactPointFactory())

    response = client.post(f"/network/sign-in/{token[:-2]}xx/")

    assert response.status_code == 400
    assert client.get(DIRECTORY).status_code == 302


def test_the_session_ends_after_30_idle_minutes_and_12_hours_in_all(signed_in, monkeypatch):
    client = signed_in(ApprovedContactPointFactory())
    assert client.get(DIRECTORY).status_code == 200
    assert client.session.get_expiry_age() == timedelta(minutes=30).total_seconds()

    later = time.time() + timedelta(hours=12, minutes=1).total_seconds()
    monkeypatch.setattr(members.time, "time", lambda: later)

    assert client.get(DIRECTORY).status_code == 302


@pytest.mark.parametrize("leaves", ["awaiting_review", "lapsed", "rejected"])
def test_a_member_who_is_no_longer_approved_loses_access(signed_in, leaves):
    member = ApprovedContactPointFactory()
    client = signed_in(member)
    ContactPoint.objects.filter(pk=member.pk).update(status=leaves)

    assert client.get(DIRECTORY).status_code == 302


def test_unvetted_and_rejected_people_get_no_link(client, django_capture_on_commit_callbacks):
    for entry in (ContactPointFactory(), RejectedContactPointFactory()):
        request_link(client, entry.email, django_capture_on_commit_callbacks)

    assert mail.outbox == []


def test_staff_see_the_directory_only_with_the_network_permission(client, django_user_model):
    staff = django_user_model.objects.create_user("editor", is_staff=True)
    client.force_login(staff)
    assert client.get(DIRECTORY).status_code == 302

    staff.user_permissions.add(Permission.objects.get(codename="view_contactpoint"))

    assert client.get(DIRECTORY).status_code == 200


def test_the_directory_filters_and_shows_only_what_members_chose(signed_in):
    topic = TopicFactory(slug="trafficking")
    client = signed_in(ApprovedContactPointFactory(country="SE", last_name="Viewer"))
    shown = ApprovedContactPointFactory(
        country="FI", phone="+358401111111", show_phone=True, last_name="Shown"
    )
    shown.expertise.add(topic)
    shown.languages.create(language="fi")
    hidden = ApprovedContactPointFactory(
        country="FI",
        phone="+358402222222",
        show_phone=False,
        job_title="Secret title",
        show_job_title=False,
        last_name="Hidden",
    )

    page = client.get(DIRECTORY, {"country": "FI"}).content.decode()
    assert "Shown" in page and "Hidden" in page and "Viewer" not in page
    assert "+358 40 1111111" in page or "+358 40 111 1111" in page
    assert "2222222" not in page and "Secret title" not in page
    assert hidden.email in page

    for query in ({"expertise": "trafficking"}, {"language": "fi"}):
        page = client.get(DIRECTORY, query).content.decode()
        assert "Shown" in page and "Hidden" not in page


def test_the_directory_answers_first_and_names_each_filter_in_use_with_a_link_without_it(
    signed_in,
):
    client = signed_in(ApprovedContactPointFactory(country="SE"))
    member = ApprovedContactPointFactory(country="FI")
    member.languages.create(language="fi")

    html = client.get(DIRECTORY, {"country": "FI", "language": "fi"}).content.decode()

    assert f'action="{DIRECTORY}#results"' in html
    assert html.index('id="results-heading"') < html.index('<form class="filter-form"')
    assert '<details class="filter-disclosure">' in html
    # Named as the form names them, not by their codes.
    assert f'<a class="active-filter" href="{DIRECTORY}?language=fi#results">' in html
    assert "<span>Country: Finland</span>" in html
    assert f'<a class="active-filter" href="{DIRECTORY}?country=FI#results">' in html
    assert "<span>Language: Finnish</span>" in html
    assert '<details class="filter-disclosure" open>' in client.get(DIRECTORY).content.decode()


@pytest.mark.parametrize("rows", [5, 50])
def test_the_directory_runs_a_fixed_number_of_queries(
    signed_in, django_assert_max_num_queries, rows
):
    client = signed_in(ApprovedContactPointFactory())
    topic = TopicFactory(slug="trafficking")
    for _ in range(rows):
        member = ApprovedContactPointFactory()
        member.expertise.add(topic)
        member.languages.create(language="en")

    for query in ["", "?language=en&expertise=trafficking&country=FI"]:
        # Besides the page: the session and the member are read and the session saved; the
        # page reads its members' keys, then their rows (carportal.views.KeysFirstPaginator).
        with django_assert_max_num_queries(16):
            assert client.get(f"{DIRECTORY}{query}").status_code == 200
