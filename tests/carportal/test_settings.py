"""Settings are read in a fresh interpreter, as each environment would load them."""

import json
import logging
import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

PRINT_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
from carportal.celery import app
print(json.dumps({
    "debug": s.DEBUG,
    "engine": s.DATABASES["default"]["ENGINE"],
    "cache": s.CACHES["default"]["BACKEND"],
    "eager": app.conf.task_always_eager,
    "broker": app.conf.broker_url,
    "email": s.EMAIL_BACKEND,
}))
"""

# Each run starts from a clean environment: no service, and none of the browser tests' switches.
CLEARED = {
    "DATABASE_URL",
    "REDIS_URL",
    "EMAIL_URL",
    "DEBUG",
    "SECRET_KEY",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "LOG_LEVEL",
    "DATABASE_CONNECT_TIMEOUT",
    "TRUSTED_PROXY_COUNT",
    "LOGIN_FAILURE_LIMIT",
    "LOGIN_COOL_OFF_MINUTES",
}


def run_python(code, settings_module, **environment):
    env = {key: value for key, value in os.environ.items() if key not in CLEARED}
    env.update(DJANGO_SETTINGS_MODULE=settings_module, **environment)
    return subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


def loaded_settings(settings_module, **environment):
    result = run_python(PRINT_SETTINGS, settings_module, **environment)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_local_run_without_variables_uses_the_embedded_default():
    assert loaded_settings("carportal.settings.local") == {
        "debug": True,
        "engine": "django.db.backends.sqlite3",
        "cache": "django.core.cache.backends.locmem.LocMemCache",
        "eager": True,
        "broker": "memory://",
        "email": "django.core.mail.backends.console.EmailBackend",
    }


def test_services_come_from_the_environment():
    loaded = loaded_settings(
        "carportal.settings.local",
        DATABASE_URL="postgres://portal@db:5432/carportal",
        REDIS_URL="redis://cache:6379/0",
        EMAIL_URL="smtp+tls://mailer:secret@mail.example.org:587",
        DEBUG="false",
    )

    assert loaded == {
        "debug": False,
        "engine": "django.db.backends.postgresql",
        "cache": "django.core.cache.backends.redis.RedisCache",
        "eager": False,
        "broker": "redis://cache:6379/0",
        "email": "django.core.mail.backends.smtp.EmailBackend",
    }


def test_dead_services_cannot_hold_a_request_for_long():
    code = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps([s.DATABASES["default"]["OPTIONS"], s.CACHES["default"]["OPTIONS"]]))
"""
    result = run_python(
        code,
        "carportal.settings.local",
        DATABASE_URL="postgres://portal@db:5432/carportal",
        REDIS_URL="redis://cache:6379/0",
        DATABASE_CONNECT_TIMEOUT="3",
    )

    assert result.returncode == 0, result.stderr
    database, cache = json.loads(result.stdout)
    assert database["connect_timeout"] == 3
    assert 0 < cache["socket_connect_timeout"] <= 1
    assert 0 < cache["socket_timeout"] <= 1


def test_log_level_applies_to_django_and_the_portal_alike():
    code = """
import logging, django
django.setup()
for name in ("django", "carportal"):
    print(logging.getLogger(name).getEffectiveLevel())
"""
    result = run_python(code, "carportal.settings.local", LOG_LEVEL="WARNING")

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(logging.WARNING)] * 2


def test_sign_in_throttling_limits_come_from_the_environment():
    code = """
import django
django.setup()
from django.conf import settings as s
print(s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME.total_seconds())
"""
    result = run_python(
        code, "carportal.settings.local", LOGIN_FAILURE_LIMIT="8", LOGIN_COOL_OFF_MINUTES="30"
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["8", "1800.0"]


CLIENT_ADDRESS = """
import django
django.setup()
from axes.helpers import get_client_ip_address
from django.test import RequestFactory
request = RequestFactory().post(
    "/admin/login/",
    REMOTE_ADDR="172.18.0.2",
    HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9, 10.0.0.5",
)
print(get_client_ip_address(request))
"""


@pytest.mark.parametrize(
    ("proxies", "client"),
    [
        # Nothing trusted: the header is the client's own claim; the peer is the client.
        (None, "172.18.0.2"),
        # One proxy (REMOTE_ADDR) appended 10.0.0.5; 6.6.6.6 and 203.0.113.9 are claims.
        ("1", "10.0.0.5"),
        # Two: a load balancer at 10.0.0.5 saw 203.0.113.9; the spoofed 6.6.6.6 is ignored.
        ("2", "203.0.113.9"),
    ],
)
def test_sign_in_throttling_trusts_only_the_configured_proxies(proxies, client):
    environment = {"TRUSTED_PROXY_COUNT": proxies} if proxies else {}

    result = run_python(CLIENT_ADDRESS, "carportal.settings.local", **environment)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == client


def test_production_refuses_to_start_without_a_secret_key():
    result = run_python("import django; django.setup()", "carportal.settings.production")

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_pass_the_deployment_checklist():
    result = run_python(
        "import sys; from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
        "carportal.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="portal.example.org",
    )

    assert result.returncode == 0, result.stderr
