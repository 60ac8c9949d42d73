"""Settings for the test suite; services come from the same variables as elsewhere."""

from carportal.settings.base import *  # noqa: F403

SECRET_KEY = "tests-only-not-secret"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    # Tests render templates without running collectstatic first.
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WHITENOISE_AUTOREFRESH = True
# A test's changes are never committed, so they would never make a cached page stale;
# tests/carportal/test_page_cache.py switches the cache on and commits where it matters.
CACHE_PAGES = False
