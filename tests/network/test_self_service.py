"""A member's own entry, from their personal link: change it, confirm a new address, leave."""

import json
import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import mail, signing
from django.db import models

from network import links
from network.models import ContactPoint, Departure, OutboxMessage
from tests.carportal.factories import TopicFactory
from tests.network.factories import (
    ApprovedContactPointFactory,
    AwaitingReviewContactPointFactory,
    ContactPointFactory,
    RejectedContactPointFactory,
)

pytestmark = pytest.mark.django_db

DIRECTORY = "/network/directory/"


def personal_path(entry):
    return f"/network/me/{links.personal_token(entry)}/"


def details(entry, **changes):
    """The details form as the member's browser sends it back, with their changes."""
    data = {
        "first_name": entry.first_name,
        "last_name": entry.last_name,
        "email": entry.email,
        "organisation": entry.organisation,
        "country": entry.country.code,
        "profession": entry.profession,
        "job_title": entry.job_title,
        "phone": str(entry.phone or ""),
        "languages": [row.language for row in entry.languages.all()],
        "expertise": [topic.pk for topic in entry.expertise.all()],
        "show_job_title": "on" if entry.show_job_title else "",
        "show_phone": "on" if entry.show_phone else "",
    }
    return {**data, **changes}


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """POST as the member's browser would, running what waits for the commit."""

    def send(path, data=None):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(path, data or {})

    return send


def test_the_personal_link_opens_the_members_own_entry(client):
    member = ApprovedContactPointFactory(first_name="Ieva", organisation="Vaiko teisių tarnyba")

    response = client.get(personal_path(member))

    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="Ieva"' in page and "Vaiko teisių tarnyba" in page
    assert response["X-Robots-Tag"] == "noindex"
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


@pytest.mark.parametrize(
    "factory", [ContactPointFactory, RejectedContactPointFactory], ids=["unconfirmed", "rejected"]
)
def test_entries_without_a_personal_link_answer_404(client, factory):
    assert client.get(personal_path(factory())).status_code == 404


def test_an_altered_or_expired_personal_link_answers_404(client, settings):
    member, other = ApprovedContactPointFactory.create_batch(2)
    token = links.personal_token(member)
    # Another member's id and digest under this member's signature, and another link's
    # token (a sign-in link's) for the other member.
    _, signature = token.split(":", 1)
    payload = signing.b64_encode(json.dumps([other.pk, links.email_digest(other.email)]).encode())
    for forged in (f"{payload.decode()}:{signature}", links.sign_in_token(other)):
        assert client.get(f"/network/me/{forged}/").status_code == 404
    assert client.get(personal_path(other)).status_code == 200
    assert client.get(f"/network/me/{token[:-3]}abc/").status_code == 404
    settings.NETWORK_PERSONAL_LINK_MAX_AGE = timedelta(seconds=-1)
    response = client.get(f"/network/me/{token}/")
    assert response.status_code == 404
    assert "Ask for a sign-in link" in response.content.decode()


def test_a_change_of_details_shows_at_once_without_review(client, post):
    topic = TopicFactory()
    member = ApprovedContactPointFactory(job_title="Social worker", show_phone=False)
    path = personal_path(member)

    response = post(
        path,
        details(
            member,
            job_title="Head of unit",
            phone="+371 2000 0000",
            show_phone="on",
            languages=["lv", "ru"],
            expertise=[topic.pk],
        ),
    )

    assert response.status_code == 302 and response["Location"] == path
    member.refresh_from_db()
    assert member.status == ContactPoint.Status.APPROVED
    assert (member.job_title, member.phone.as_e164, member.show_phone) == (
        "Head of unit",
        "+37120000000",
        True,
    )
    assert sorted(member.languages.values_list("language", flat=True)) == ["lv", "ru"]
    assert list(member.expertise.all()) == [topic]
    assert mail.outbox == []
    assert "Your changes are saved." in client.get(path).content.decode()


def test_invalid_details_are_shown_with_their_errors_and_nothing_is_saved(client):
    member = ApprovedContactPointFactory(first_name="Marta")

    response = client.post(personal_path(member), details(member, first_name="", phone="12"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "error-summary" in page and "This field is required." in page
    member.refresh_from_db()
    assert member.first_name == "Marta"


def test_a_new_organisation_goes_back_to_review(post, signed_in):
    member = ApprovedContactPointFactory(organisation="Old Office")
    client = signed_in(member)
    mail.outbox.clear()

    post(personal_path(member), details(member, organisation="New Office"))

    member.refresh_from_db()
    assert member.status == ContactPoint.Status.AWAITING_REVIEW
    assert member.organisation == "New Office"
    assert [m.to for m in mail.outbox] == [["network-review@localhost"]]
    assert "New Office" not in mail.outbox[0].body
    assert client.get(DIRECTORY).status_code == 302


def test_a_new_address_is_confirmed_from_its_mailbox_first(client, post, settings):
    member = ApprovedContactPointFactory(email="old@example.org")
    old_link = personal_path(member)

    post(old_link, details(member, email="New@Example.org"))

    member.refresh_from_db()
    assert (member.email, member.pending_email) == ("old@example.org", "New@Example.org")
    assert member.status == ContactPoint.Status.APPROVED
    assert [m.to for m in mail.outbox] == [["New@Example.org"]]
    url = re.search(r"http://\S+/network/confirm-email/\S+/", mail.outbox[0].body).group()
    path = url.removeprefix(settings.NETWORK_SITE_URL)
    assert "Confirm my new e-mail address" in client.get(path).content.decode()
    assert ContactPoint.objects.get().email == "old@example.org"  # opening it changes nothing

    response = post(path)

    member.refresh_from_db()
    assert (member.email, member.pending_email) == ("New@Example.org", "")
    assert member.status == ContactPoint.Status.AWAITING_REVIEW
    assert mail.outbox[-1].to == ["network-review@localhost"]
    assert client.get(old_link).status_code == 404
    new_link = re.search(r'href="(/network/me/[^"]+/)"', response.content.decode()).group(1)
    assert client.get(new_link).status_code == 200
    assert "already been used" in post(path).content.decode()


def test_a_new_address_in_use_by_another_entry_is_not_taken_over(post, settings):
    ApprovedContactPointFactory(email="taken@example.org")
    member = ApprovedContactPointFactory(email="mine@example.org")
    post(personal_path(member), details(member, email="TAKEN@example.org"))
    url = re.search(r"http://\S+/network/confirm-email/\S+/", mail.outbox[0].body).group()

    response = post(url.removeprefix(settings.NETWORK_SITE_URL))

    assert "already in use" in response.content.decode()
    member.refresh_from_db()
    assert (member.email, member.pending_email, member.status) == (
        "mine@example.org",
        "",
        ContactPoint.Status.APPROVED,
    )


def test_giving_the_current_address_again_cancels_a_pending_change(post):
    member = ApprovedContactPointFactory(email="me@example.org", pending_email="new@example.org")

    post(personal_path(member), details(member, email="ME@example.org"))

    member.refresh_from_db()
    assert (member.email, member.pending_email) == ("me@example.org", "")
    assert mail.outbox == []


def test_withdrawing_erases_the_entry_and_leaves_an_anonymous_count(
    client, post, signed_in, admin_user
):
    member = ApprovedContactPointFactory(
        first_name="Zaiga", last_name="Ozoliņa", email="zaiga@example.org", phone="+37129999999"
    )
    client = signed_in(member)
    LogEntry.objects.log_actions(
        admin_user.pk, [member], CHANGE, change_message=[{"changed": {"fields": ["status"]}}]
    )
    link = personal_path(member)
    assert "Erase my entry and leave" in client.get(f"{link}withdraw/").content.decode()

    response = post(f"{link}withdraw/")

    assert response["Location"] == "/network/withdrawn/"
    assert not ContactPoint.objects.exists() and not OutboxMessage.objects.exists()
    assert Departure.objects.get().count == 1
    assert client.get(link).status_code == 404
    assert client.get(DIRECTORY).status_code == 302
    assert_nowhere_in_the_database(["Zaiga", "Ozoliņa", "zaiga@example.org", "29999999"])
    entry_type = ContentType.objects.get_for_model(ContactPoint)
    assert LogEntry.objects.get(content_type=entry_type).object_repr == "Erased contact point"


def test_a_member_awaiting_review_can_withdraw_too(client, post):
    entry = AwaitingReviewContactPointFactory()

    post(f"{personal_path(entry)}withdraw/")

    assert not ContactPoint.objects.exists()
    assert Departure.objects.get().reason == Departure.Reason.WITHDREW


def test_a_member_who_dropped_out_comes_back_with_their_link(client):
    member = ApprovedContactPointFactory()
    member.lapse()
    member.save()
    page = client.get(personal_path(member)).content.decode()
    assert "Keep me listed" in page and "Save my changes" not in page

    response = client.post(f"{personal_path(member)}keep/", follow=True)

    assert "Welcome back" in response.content.decode()
    member.refresh_from_db()
    assert member.status == ContactPoint.Status.APPROVED
    assert member.lapsed_at is None
    assert client.get(f"{personal_path(member)}keep/").status_code == 405


def assert_nowhere_in_the_database(values):
    """No text or JSON column of any table holds any of ``values``."""
    for model in apps.get_models():
        text_fields = [
            field.name
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField | models.JSONField)
        ]
        for row in model.objects.values_list(*text_fields):
            for value in values:
                assert not any(value in str(cell) for cell in row), (model, value)


@pytest.mark.parametrize("how", ["delete page", "delete selected"])
def test_an_administrator_deleting_an_entry_erases_it_like_a_withdrawal(admin_client, how):
    entry = ApprovedContactPointFactory(
        first_name="Jūratė", last_name="Pavyzdytė", email="jurate@example.org", phone="+37061111111"
    )
    admin_client.post(
        f"/admin/network/contactpoint/{entry.pk}/change/",
        {**details(entry), "job_title": "Prosecutor"},
    )

    if how == "delete page":
        admin_client.post(f"/admin/network/contactpoint/{entry.pk}/delete/", {"post": "yes"})
    else:
        admin_client.post(
            "/admin/network/contactpoint/",
            {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
        )

    assert not ContactPoint.objects.exists()
    assert Departure.objects.get().reason == Departure.Reason.REMOVED
    assert_nowhere_in_the_database(["Jūratė", "Pavyzdytė", "jurate@example.org", "61111111"])
