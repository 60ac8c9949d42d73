"""The yearly question to members, dropping out without an answer, and coming back."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from network import services
from network.models import ContactPoint, Departure, OutboxMessage
from network.tasks import reconfirm_members
from tests.network.conftest import EMAIL
from tests.network.factories import ApprovedContactPointFactory

pytestmark = pytest.mark.django_db


def ago(**kwargs):
    return timezone.now() - timedelta(**kwargs)


@pytest.fixture
def run_yearly(django_capture_on_commit_callbacks):
    def run():
        with django_capture_on_commit_callbacks(execute=True):
            return services.members_reconfirm_yearly()

    return run


def personal_path(message):
    url = re.search(r"http://\S+/network/me/\S+/", message.body).group()
    return url.removeprefix(settings.NETWORK_SITE_URL)


def test_beat_runs_the_yearly_re_confirmation_every_day():
    entry = settings.CELERY_BEAT_SCHEDULE["network-reconfirm-members"]
    assert entry["task"] == reconfirm_members.name
    assert entry["schedule"] == timedelta(days=1)


def test_members_confirmed_a_year_ago_are_asked_once(run_yearly):
    due = ApprovedContactPointFactory(confirmed_at=ago(days=366), email="due@example.org")
    ApprovedContactPointFactory(confirmed_at=ago(days=300))

    assert run_yearly() == {"asked": 1, "lapsed": 0, "erased": 0}
    assert run_yearly() == {"asked": 0, "lapsed": 0, "erased": 0}

    assert [m.to for m in mail.outbox] == [["due@example.org"]]
    assert "/network/me/" in mail.outbox[0].body
    due.refresh_from_db()
    assert due.reconfirm_requested_at is not None


def test_an_imported_member_without_a_confirmation_date_counts_from_approval(run_yearly):
    ApprovedContactPointFactory(confirmed_at=None, decided_at=ago(days=400))

    assert run_yearly()["asked"] == 1


def test_a_member_who_answers_stays_listed_for_another_year(client, run_yearly):
    member = ApprovedContactPointFactory(confirmed_at=ago(days=366))
    run_yearly()
    path = personal_path(mail.outbox[0])
    assert "Keep me listed" in client.get(path).content.decode()

    client.post(f"{path}keep/")
    ContactPoint.objects.filter(pk=member.pk).update(reconfirm_requested_at=None)

    assert run_yearly() == {"asked": 0, "lapsed": 0, "erased": 0}
    member.refresh_from_db()
    assert member.status == ContactPoint.Status.APPROVED
    assert member.confirmed_at > ago(minutes=1)


def test_without_an_answer_in_30_days_a_member_drops_out_and_is_told_how_to_return(
    client, run_yearly
):
    member = ApprovedContactPointFactory(
        confirmed_at=ago(days=400), reconfirm_requested_at=ago(days=31), email="late@example.org"
    )
    ApprovedContactPointFactory(confirmed_at=ago(days=400), reconfirm_requested_at=ago(days=29))

    assert run_yearly() == {"asked": 0, "lapsed": 1, "erased": 0}

    member.refresh_from_db()
    assert member.status == ContactPoint.Status.LAPSED
    assert ContactPoint.objects.for_directory().count() == 1
    (message,) = mail.outbox
    assert message.to == ["late@example.org"]
    assert "no longer listed" in message.body
    client.post(f"{personal_path(message)}keep/")
    member.refresh_from_db()
    assert member.status == ContactPoint.Status.APPROVED


def test_a_lapsed_member_who_signs_up_again_is_told_how_to_come_back(sign_up):
    member = ApprovedContactPointFactory(email=EMAIL)
    member.lapse()
    member.save()

    sign_up()

    (message,) = mail.outbox
    assert "To come back" in message.body and "/network/me/" in message.body
    assert OutboxMessage.objects.get().kind == OutboxMessage.Kind.ALREADY_MEMBER


def test_an_entry_that_stays_out_for_a_year_is_erased(run_yearly):
    member = ApprovedContactPointFactory()
    member.lapse()
    member.lapsed_at = ago(days=366)
    member.save()

    assert run_yearly() == {"asked": 0, "lapsed": 0, "erased": 1}

    assert not ContactPoint.objects.exists()
    assert Departure.objects.get().reason == Departure.Reason.LAPSED


def test_the_task_runs_the_yearly_steps(django_capture_on_commit_callbacks):
    ApprovedContactPointFactory(confirmed_at=ago(days=366))

    with django_capture_on_commit_callbacks(execute=True):
        reconfirm_members.delay()

    assert len(mail.outbox) == 1
