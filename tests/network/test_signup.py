import time
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache

from network.models import CONSENT_WORDINGS, CURRENT_CONSENT_VERSION, ContactPoint, OutboxMessage
from tests.network.conftest import EMAIL
from tests.network.factories import (
    ApprovedContactPointFactory,
    AwaitingReviewContactPointFactory,
    ContactPointFactory,
)

pytestmark = pytest.mark.django_db


def test_the_network_page_links_to_the_form(client):
    assert 'href="/network/join/"' in client.get("/network/").content.decode()


def test_the_form_shows_the_current_consent_wording(client):
    page = client.get("/network/join/").content.decode()

    assert str(CONSENT_WORDINGS[CURRENT_CONSENT_VERSION]) in page
    assert 'name="website"' in page


def test_a_signup_stores_the_entry_and_one_e_mail_and_sends_the_confirmation(sign_up):
    response = sign_up()

    assert response.status_code == 302
    assert response["Location"] == "/network/join/thanks/"
    entry = ContactPoint.objects.get()
    assert entry.status == ContactPoint.Status.UNCONFIRMED
    assert str(entry.phone) == "+358401234567"
    assert entry.show_phone is True
    assert entry.consent_version == CURRENT_CONSENT_VERSION
    assert entry.consent_given_at is not None
    assert sorted(entry.languages.values_list("language", flat=True)) == ["fi", "sv"]
    assert entry.expertise.count() == 1
    message = OutboxMessage.objects.get()
    assert (message.kind, message.cycle) == (OutboxMessage.Kind.CONFIRMATION, 1)
    assert message.sent_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [EMAIL]
    assert "/network/confirm/" in mail.outbox[0].body
    assert "/network/confirm/" in mail.outbox[0].alternatives[0].content


@pytest.mark.parametrize(
    ("factory", "kind"),
    [
        (ContactPointFactory, OutboxMessage.Kind.CONFIRMATION),
        (AwaitingReviewContactPointFactory, None),
        (ApprovedContactPointFactory, OutboxMessage.Kind.ALREADY_MEMBER),
    ],
    ids=["unconfirmed", "awaiting-review", "member"],
)
def test_a_known_address_gets_the_same_reply_and_the_e_mail_for_its_state(
    client, sign_up, factory, kind
):
    new = client.get(sign_up(email="someone.new@example.org")["Location"])
    mail.outbox.clear()
    entry = factory(email=EMAIL.upper())
    cache.clear()

    response = sign_up()

    assert response["Location"] == "/network/join/thanks/"
    assert client.get(response["Location"]).content == new.content
    assert ContactPoint.objects.filter(email__iexact=EMAIL).get() == entry
    sent = list(entry.outbox_messages.values_list("kind", flat=True))
    assert sent == ([kind] if kind else [])
    assert len(mail.outbox) == len(sent)


def test_the_honeypot_turns_bots_away_with_the_usual_reply(sign_up):
    response = sign_up(website="https://spam.example.com")

    assert response["Location"] == "/network/join/thanks/"
    assert not ContactPoint.objects.exists()
    assert mail.outbox == []


def test_errors_stand_next_to_their_fields_and_keep_what_was_typed(client, signup_data):
    response = client.post(
        "/network/join/", {**signup_data, "phone": "12", "consent": "", "email": "aino@"}
    )
    page = response.content.decode()

    assert response.status_code == 200
    assert 'aria-describedby="id_phone_error id_phone_helptext"' in page
    assert 'id="id_phone_error"' in page
    assert 'aria-describedby="id_consent_error"' in page
    assert 'value="Korhonen-Testaaja"' in page
    assert 'value="aino@"' in page
    assert not ContactPoint.objects.exists()


def test_the_form_does_not_say_an_address_is_known(client, signup_data):
    ApprovedContactPointFactory(email=EMAIL)

    response = client.post("/network/join/", signup_data)

    assert response.status_code == 302


def test_the_rate_limit_trips_and_resets(sign_up, settings):
    settings.NETWORK_RATE_LIMIT = 2
    settings.NETWORK_RATE_PERIOD = timedelta(seconds=1)
    for n in range(2):
        assert sign_up(email=f"person{n}@example.org").status_code == 302

    refused = sign_up(email="person3@example.org")

    assert refused.status_code == 429
    assert "Please try again later" in refused.content.decode()
    assert ContactPoint.objects.count() == 2
    time.sleep(1.1)
    assert sign_up(email="person3@example.org").status_code == 302


def test_the_rate_limit_counts_each_address_on_its_own(client, sign_up, settings, signup_data):
    settings.NETWORK_RATE_LIMIT = 1
    sign_up()

    elsewhere = client.post(
        "/network/join/", {**signup_data, "email": "b@example.org"}, REMOTE_ADDR="198.51.100.1"
    )

    assert elsewhere.status_code == 302


def test_signups_go_on_when_the_cache_is_down(sign_up, settings, cache_down):
    settings.NETWORK_RATE_LIMIT = 0

    assert sign_up().status_code == 302
    assert ContactPoint.objects.count() == 1


def test_the_form_page_is_never_served_from_the_page_cache(client, settings, monkeypatch):
    settings.CACHE_PAGES = True
    monkeypatch.setattr("carportal.cache._quiet_until", 0.0)
    first = client.get("/network/join/")
    client.cookies.clear()

    second = client.get("/network/join/")

    # A page from the cache would repeat the first visitor's CSRF token.
    assert "Cookie" in second["Vary"]
    assert first.content != second.content
