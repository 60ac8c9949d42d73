"""Admin sign-in resists guessing: too many failures pause an account or an address."""

import datetime

import pytest
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.db.models import F
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "the-right-password-42"
WRONG = "a-wrong-guess"
ATTACKER = "203.0.113.66"
ELSEWHERE = "192.0.2.10"


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user("editor", password=PASSWORD, is_staff=True)


@pytest.fixture
def colleague(django_user_model):
    return django_user_model.objects.create_user("colleague", password=PASSWORD, is_staff=True)


def sign_in(client, username, password, address):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=address,
    )


def assert_refused(response):
    assert response.status_code == 200
    assert "Please enter the correct username and password" in response.content.decode()


def assert_paused(response):
    assert response.status_code == 429
    html = response.content.decode()
    assert "<h1>Sign-in paused</h1>" in html
    assert "Please try again after" in html


def pause(client, username, address, limit):
    """Guess wrong until the limit: the last guess is the one that pauses."""
    for _ in range(limit - 1):
        assert_refused(sign_in(client, username, WRONG, address))
    assert_paused(sign_in(client, username, WRONG, address))


def test_an_account_guessed_at_from_many_addresses_is_paused_alone(
    client, settings, editor, colleague
):
    addresses = [f"198.51.100.{number}" for number in range(settings.AXES_FAILURE_LIMIT)]
    for address in addresses[:-1]:
        assert_refused(sign_in(client, "editor", WRONG, address))
    assert_paused(sign_in(client, "editor", WRONG, addresses[-1]))

    # The right password from yet another address is refused: the account is paused.
    response = sign_in(client, "editor", PASSWORD, ELSEWHERE)
    assert_paused(response)
    assert int(response["Retry-After"]) == 15 * 60
    assert "(in 15\xa0minutes)" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another account, from an address that took part, signs in as usual.
    assert sign_in(client, "colleague", PASSWORD, addresses[0]).status_code == 302


def test_an_address_guessing_at_many_accounts_is_paused(client, settings, editor):
    for number in range(settings.AXES_FAILURE_LIMIT - 1):
        assert_refused(sign_in(client, f"someone-{number}", WRONG, ATTACKER))
    assert_paused(sign_in(client, "someone-else", WRONG, ATTACKER))

    assert_paused(sign_in(client, "editor", PASSWORD, ATTACKER))
    assert sign_in(client, "editor", PASSWORD, ELSEWHERE).status_code == 302


def test_sign_in_works_again_after_the_cool_off(client, settings, editor):
    pause(client, "editor", ATTACKER, settings.AXES_FAILURE_LIMIT)

    # Travel past the cool-off by ageing the recorded attempts.
    AccessAttempt.objects.update(
        attempt_time=F("attempt_time") - settings.AXES_COOLOFF_TIME - datetime.timedelta(minutes=1)
    )

    assert sign_in(client, "editor", PASSWORD, ATTACKER).status_code == 302


def test_a_successful_sign_in_clears_the_failures(client, settings, editor):
    for _ in range(2):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            assert_refused(sign_in(client, "editor", WRONG, ATTACKER))
        assert sign_in(client, "editor", PASSWORD, ATTACKER).status_code == 302
        client.logout()


def test_the_limit_and_the_cool_off_are_settings(client, settings, editor):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=3)

    pause(client, "editor", ATTACKER, 2)

    assert int(sign_in(client, "editor", PASSWORD, ATTACKER)["Retry-After"]) == 3 * 60


@pytest.fixture
def cache_down():
    dead_redis = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    with override_settings(CACHES=dead_redis):
        # Axes builds its handler once per process; rebuilt here, a cache-backed handler
        # would meet the dead cache.
        AxesProxyHandler.get_implementation(force=True)
        yield
    AxesProxyHandler.get_implementation(force=True)


def test_throttling_holds_with_the_cache_down(cache_down, client, settings, editor):
    pause(client, "editor", ATTACKER, settings.AXES_FAILURE_LIMIT)

    assert_paused(sign_in(client, "editor", PASSWORD, ELSEWHERE))
