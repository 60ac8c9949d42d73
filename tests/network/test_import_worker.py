"""A large contact point file through a real Celery worker on the real Redis broker, as in
production: the check and the import each in the task, followed on the job's page."""

import re
import time

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission

from carportal import import_jobs
from network.models import ContactPoint, ContactPointLanguage
from publications.models import Publication
from tests.carportal.factories import TopicFactory
from tests.network.conftest import embedded_worker
from tests.network.test_import_jobs import rows
from tests.network.test_spreadsheets import csv_file, staff, upload
from tests.test_spreadsheet_imports import PUBLICATIONS, make_file
from tests.test_spreadsheet_imports import upload as content_upload

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgresql,  # the worker's thread must see the test's rows
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis as broker: set REDIS_URL"),
]


@pytest.fixture
def celery_eager():
    """Not eager: each task goes through the broker to the worker."""


def follow(client, url, until):
    """The job's page as it changes, until it says ``until``; every state seen on the way."""
    seen = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        html = client.get(url).content.decode()
        status = re.search(r'<div id="job-status".*?</div>', html, re.DOTALL)[0]
        if not seen or seen[-1] != status:
            seen.append(status)
        if until in html:
            return html, seen
        time.sleep(0.05)
    raise AssertionError(f"the page never said {until!r}: {seen[-1]}")


def test_a_worker_checks_then_imports_a_large_file(
    client, django_user_model, monkeypatch, settings
):
    settings.SPREADSHEET_IMPORT_TASK_ROWS = 100
    monkeypatch.setattr(import_jobs, "PROGRESS_EVERY", 50)
    client.force_login(
        staff(
            django_user_model,
            "importer",
            "view_contactpoint",
            "add_contactpoint",
            "change_contactpoint",
            "import_contactpoint",
        )
    )
    content = csv_file(*rows(1200, languages="fi,sv"))

    with embedded_worker(shutdown_timeout=30):
        response = upload(client, content)
        assert response.status_code == 302
        url = response["Location"]
        html, seen = follow(client, url, "importing it adds 1200 new")
        client.post(url)
        done, imported = follow(client, url, "Import finished: 1200 new, 0 updated, 0 unchanged.")

    # The request did not wait for the task; the page showed how far the check had come.
    assert re.search('data-state="(waiting|building)"', seen[0])
    assert re.search('data-state="(waiting|building)"', imported[0])
    assert any(re.search(r"Checking the file: [1-9]\d* of 1200 rows done.", s) for s in seen)
    assert ContactPoint.objects.count() == 1200
    assert ContactPointLanguage.objects.count() == 2400


def test_a_worker_checks_then_imports_a_large_publication_file(client, django_user_model, settings):
    """A content list takes the same path: checked, then imported in bulk by the worker."""
    settings.SPREADSHEET_IMPORT_TASK_ROWS = 100
    user = django_user_model.objects.create_user("editor", is_staff=True)
    # A content editor's rights to import (the roles' groups are gone in a flushed database).
    codenames = ["view_publication", "add_publication", "change_publication"]
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="publications", codename__in=[*codenames, "import_publication"]
        )
    )
    client.force_login(user)
    TopicFactory(slug="online-safety")
    rows = [
        {
            "Title": f"Handbook {n}",
            "Kind": "handbook",
            "Status": "published",
            "Topics": "online-safety",
        }
        for n in range(150)
    ]

    with embedded_worker(shutdown_timeout=30):
        response = content_upload(client, PUBLICATIONS, make_file(rows))
        assert response.status_code == 302
        url = response["Location"]
        follow(client, url, "importing it adds 150 new")
        assert not Publication.objects.exists()  # the check saves nothing
        client.post(url)
        follow(client, url, "Import finished: 150 new, 0 updated, 0 unchanged.")

    assert Publication.objects.filter(topics__slug="online-safety").count() == 150
