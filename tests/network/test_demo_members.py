"""The fictional members `make run` adds for local use (fixtures/demo_members.csv)."""

from collections import Counter

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from network.models import ContactPoint, OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def local(settings, capsys):
    """A developer's database: DEBUG on, the seed content loaded."""
    settings.DEBUG = True
    call_command("seed")
    capsys.readouterr()


def seed_demo_members(capsys):
    call_command("seed_demo_members")
    return capsys.readouterr().out


def test_fictional_members_load_in_every_state_across_the_region(local, capsys):
    assert "11 fictional network members added." in seed_demo_members(capsys)

    entries = ContactPoint.objects.all()
    assert all(entry.email.endswith("@example.org") for entry in entries)
    assert Counter(entries.values_list("status", flat=True)) == {
        "approved": 9,
        "awaiting_review": 1,
        "unconfirmed": 1,
    }
    assert {entry.country.code for entry in entries} >= {"FI", "SE", "EE", "UA", "NL"}
    assert len(set(entries.values_list("profession", flat=True))) >= 8
    # Their areas of expertise are the seeded topics, named by slug.
    oksana = entries.get(email="oksana.prykladna@example.org")
    assert set(oksana.expertise.values_list("slug", flat=True)) == {
        "migration",
        "crisis-preparedness",
        "child-trafficking",
    }
    assert list(oksana.languages.values_list("language", flat=True)) == ["en", "pl", "ru", "uk"]
    assert all(entry.decided_at for entry in entries.approved())
    assert OutboxMessage.objects.count() == 0 and mail.outbox == []


def test_running_again_adds_nothing_and_keeps_edits(local, capsys):
    seed_demo_members(capsys)
    ContactPoint.objects.filter(email="aino.esimerkki@example.org").update(organisation="Edited")

    assert "already present: nothing added" in seed_demo_members(capsys)

    assert ContactPoint.objects.count() == 11
    assert ContactPoint.objects.get(email="aino.esimerkki@example.org").organisation == "Edited"


def test_it_refuses_outside_a_local_run(local, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="outside a local"):
        call_command("seed_demo_members")

    assert not ContactPoint.objects.exists()


def test_without_the_seeded_topics_it_says_so_and_adds_no_one(settings):
    settings.DEBUG = True

    with pytest.raises(CommandError, match="Areas of expertise: Unknown “alternative-care”"):
        call_command("seed_demo_members")

    assert not ContactPoint.objects.exists()
