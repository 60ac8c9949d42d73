"""Large contact point files checked and imported by a task (carportal/import_jobs.py), here
in eager mode, as `make run` has it: the task runs inside the request."""

import re

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.core.cache import cache
from kombu.exceptions import OperationalError

from carportal import bulk_write, import_jobs
from carportal.jobs import State
from network.models import ContactPoint
from tests.network.factories import ApprovedContactPointFactory
from tests.network.test_spreadsheets import IMPORT, csv_file, row, staff, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def large(settings):
    """Files of more than three rows are large."""
    settings.SPREADSHEET_IMPORT_TASK_ROWS = 3


@pytest.fixture
def importer(django_user_model):
    return staff(
        django_user_model,
        "importer",
        "view_contactpoint",
        "add_contactpoint",
        "change_contactpoint",
        "import_contactpoint",
    )


@pytest.fixture
def importer_client(client, importer):
    client.force_login(importer)
    return client


def rows(count, **values):
    return [row(email=f"person{n}@example.org", **values) for n in range(count)]


def job_page(client, response):
    assert response.status_code == 302
    assert re.fullmatch(r"/admin/network/contactpoint/import/[\w-]+/", response["Location"])
    return response["Location"], client.get(response["Location"])


def job_of(url):
    return import_jobs.ImportJob.get(url.rstrip("/").rsplit("/", 1)[1])


def test_a_small_file_is_checked_in_the_request(importer_client, large):
    response = upload(importer_client, csv_file(*rows(3)))

    assert response.status_code == 200
    assert "process_import" in response.content.decode()


def test_a_large_file_is_checked_then_imported_by_the_task(importer_client, importer, large):
    ApprovedContactPointFactory(email="person0@example.org", organisation="Old office")

    url, page = job_page(importer_client, upload(importer_client, csv_file(*rows(5))))

    html = page.content.decode()
    assert 'data-state="ready"' in html
    assert "importing it adds 4 new and updates 1. Nothing is saved" in html
    assert "change nothing" not in html
    assert "person1@example.org" not in html  # the rows are named as the admin names them
    assert html.count("<td>New</td>") == 4 and html.count("<td>Update</td>") == 1
    assert ContactPoint.objects.count() == 1  # the check saves nothing

    done = importer_client.post(url)

    assert done["Location"] == url
    html = importer_client.get(url).content.decode()
    assert "Import finished: 4 new, 1 updated, 0 unchanged." in html
    assert ContactPoint.objects.count() == 5
    assert set(ContactPoint.objects.values_list("organisation", flat=True)) == {
        "Example Foundation"
    }
    # Staff's log of admin actions, as the library writes it for a small file.
    logged = LogEntry.objects.filter(user=importer).order_by("pk")
    updated = ContactPoint.objects.get(email="person0@example.org")
    assert [(entry.action_flag, entry.change_message) for entry in logged] == [
        (CHANGE, "Imported from a spreadsheet."),
        *[(ADDITION, "Imported from a spreadsheet.")] * 4,
    ]
    assert (logged[0].get_edited_object(), logged[0].object_repr) == (updated, str(updated))
    # Imported once: asking again changes nothing.
    importer_client.post(url)
    assert LogEntry.objects.filter(user=importer).count() == 5


@pytest.mark.parametrize(
    ("unchanged", "said"),
    [(4, "updates 0. 4 rows change nothing."), (1, "updates 3. 1 row changes nothing.")],
)
def test_the_check_says_how_many_rows_change_nothing(importer_client, large, unchanged, said):
    first = rows(4)
    importer_client.post(upload(importer_client, csv_file(*first))["Location"])
    again = first[:unchanged] + [
        {**listed, "Organisation": "New office"} for listed in first[unchanged:]
    ]

    _url, page = job_page(importer_client, upload(importer_client, csv_file(*again)))

    assert f"importing it adds 0 new and {said} Nothing is saved" in page.content.decode()


def test_a_large_file_with_errors_lists_them_and_cannot_be_imported(importer_client, large):
    bad = [*rows(4), row(email="not-an-address"), row(email="x@example.org", country="XX")]

    url, page = job_page(importer_client, upload(importer_client, csv_file(*bad)))

    html = page.content.decode()
    assert "The file has 2 errors, listed below: nothing can be imported." in html
    # Numbered as the spreadsheet shows them (and the preview of a small file): the column
    # names are row 1.
    assert "<td>6</td><td>E-mail</td><td>“not-an-address” is not an e-mail address.</td>" in html
    assert "<td>7</td><td>Country</td><td>Unknown “XX”: use the two-letter ISO 3166" in html
    assert 'value="Import"' not in html
    importer_client.post(url)
    assert not ContactPoint.objects.exists()


def test_a_job_is_only_its_owners(importer_client, client, django_user_model, large):
    url, _page = job_page(importer_client, upload(importer_client, csv_file(*rows(4))))
    colleague = staff(
        django_user_model,
        "colleague",
        "view_contactpoint",
        "add_contactpoint",
        "change_contactpoint",
        "import_contactpoint",
    )
    content_editor = staff(django_user_model, "editor", "view_contactpoint")

    client.force_login(colleague)
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    client.force_login(content_editor)
    assert client.get(url).status_code == 403
    assert not ContactPoint.objects.exists()


def test_a_failure_in_the_task_is_shown_and_nothing_is_saved(
    importer_client, large, monkeypatch, caplog
):
    url, _page = job_page(importer_client, upload(importer_client, csv_file(*rows(4))))

    def broken(*args, **kwargs):
        raise RuntimeError("person2@example.org broke it")

    monkeypatch.setattr(bulk_write, "insert", broken)
    importer_client.post(url)

    html = importer_client.get(url).content.decode()
    assert 'data-state="failed"' in html
    assert "The import stopped because of an error on the server, and nothing was saved." in html
    assert not ContactPoint.objects.exists()
    assert "RuntimeError" in caplog.text and "person2@example.org" not in caplog.text


def test_a_file_that_no_longer_passes_at_import_saves_nothing(importer_client, large):
    url, _page = job_page(importer_client, upload(importer_client, csv_file(*rows(4))))
    # Between the check and the import, someone changes one of the entries.
    ApprovedContactPointFactory(email="person3@example.org", status=ContactPoint.Status.LAPSED)

    importer_client.post(url)

    html = importer_client.get(url).content.decode()
    assert "Nothing was imported: the file no longer passes the checks" in html
    assert ContactPoint.objects.count() == 1


def test_an_expired_file_says_so(importer_client, large):
    url, _page = job_page(importer_client, upload(importer_client, csv_file(*rows(4))))
    storage = job_of(url).storage()
    cache.delete(storage.CACHE_PREFIX + storage.name)

    importer_client.post(url)

    assert "has expired: upload it again" in importer_client.get(url).content.decode()


@pytest.mark.parametrize(
    ("state", "since", "says"),
    [
        (State.WAITING, 0, "The file of 4 rows is waiting for its turn."),
        (State.BUILDING, 0, "Checking the file: 250 of 4 rows done."),
        (State.BUILDING, -import_jobs.TIME_LIMIT - 60, "an error on the server"),
    ],
)
def test_the_page_says_where_a_job_stands(importer_client, large, state, since, says):
    url, _page = job_page(importer_client, upload(importer_client, csv_file(*rows(4))))
    job = job_of(url)
    job.update(state=state, since=job.record["since"] + since, done=250)

    html = importer_client.get(url).content.decode()

    assert says in html
    assert ("Check again" in html) is (since == 0)


def test_the_import_task_has_time_limits():
    from carportal.tasks import import_spreadsheet

    assert (import_spreadsheet.soft_time_limit, import_spreadsheet.time_limit) == (300, 360)


def test_the_upload_form_still_says_what_is_wrong_with_a_large_file(importer_client, large):
    response = importer_client.post(IMPORT, {"format": "0", "resource": "0"})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()


def test_a_job_the_broker_does_not_take_says_so(importer_client, large, monkeypatch):
    from carportal.tasks import import_spreadsheet

    def down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(import_spreadsheet, "delay", down)

    _url, page = job_page(importer_client, upload(importer_client, csv_file(*rows(4))))

    assert 'data-state="failed"' in page.content.decode()
    assert "the server&#x27;s task queue does not answer" in page.content.decode()


def test_a_checked_file_is_imported_once_however_often_asked(importer_client, large):
    url, _page = job_page(importer_client, upload(importer_client, csv_file(*rows(4))))
    # Two requests at once (a double click), each with the job as it was before either.
    first, second = job_of(url), job_of(url)

    first.start_import()
    second.start_import()

    assert job_of(url).record["step"] == "import"
    assert ContactPoint.objects.count() == 4
    assert LogEntry.objects.count() == 4  # imported once, not imported and then updated
