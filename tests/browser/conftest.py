"""Real-browser tests: Playwright drives Debian's Chromium against a live server.

The test tool never downloads a browser: without /usr/bin/chromium these tests skip
(and `.ci/run`, which installs it, turns that skip into a failure).
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(
    os.environ.get("BROWSER_ARTIFACTS", settings.BASE_DIR / "test-artifacts" / "browser")
)


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    skip = pytest.mark.skip(reason="needs Chromium: apt-get install chromium (.ci/run does)")
    for item in items:
        if item.path.is_relative_to(Path(__file__).parent):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, django_db_setup, live_server):
    # Asking for the test database and the live server here starts them before the browser,
    # so the browser closes first: its last keep-alive connections end while the server
    # still shares SQLite's in-memory database with its threads (a thread closing one after
    # the server stopped sharing failed the session's last test on SQLite).
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # axe-core is injected into the page; our own CSP would otherwise refuse it.
    return {**browser_context_args, "bypass_csp": True, "accept_downloads": True}


@pytest.fixture(scope="session", autouse=True)
def allow_orm_beside_playwright():
    # Playwright's sync API keeps an event loop in the test thread; the ORM calls made by
    # the tests themselves (fixtures, assertions) are still synchronous and safe. Session
    # scope, so that it is set before the session's database and browser fixtures start.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture
def seeded(transactional_db, django_db_serialized_rollback):
    # Serialized rollback restores what migrations made (the about and contact pages, the
    # roles), which the flush after an earlier transactional test removed.
    call_command("seed", verbosity=0)


@pytest.fixture
def site(live_server, seeded):
    return live_server.url


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.call_failed = report.failed
    return report


@pytest.fixture(autouse=True)
def keep_evidence_of_failure(request, page):
    """A failing journey leaves a screenshot and the page's HTML behind, and says where."""
    yield
    if not getattr(request.node, "call_failed", False):
        return
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.nodeid)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=folder / "page.png", full_page=True)
    (folder / "page.html").write_text(page.content())
    print(f"\nBrowser evidence for {request.node.nodeid}: {folder}")
