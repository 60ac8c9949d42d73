import os
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection

REQUIRE_SERVICES = os.environ.get("CARPORTAL_REQUIRE_SERVICES") == "1"


BROWSER_TESTS = Path(__file__).parent / "browser"


def pytest_collection_modifyitems(config, items):
    # The browser tests last: Playwright's event loop stays in the main thread until the end
    # of the run, and a database connection opened beside it by a later test is one that
    # pytest-django cannot close, so the test database could not be dropped.
    items.sort(key=lambda item: item.path.is_relative_to(BROWSER_TESTS))
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL (CI does)")
    for item in items:
        if "postgresql" in item.keywords:
            item.add_marker(skip)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Where CI provides every service, a skipped test hides a gap: report it as failed."""
    report = yield
    if REQUIRE_SERVICES and report.skipped:
        report.outcome = "failed"
        report.longrepr = f"skipped although CI provides every service: {report.longrepr}"
    return report


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()
