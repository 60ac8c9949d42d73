"""Contact points imported and exported in the admin (network/resources.py)."""

import csv
import io
import json

import openpyxl
import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from network import services
from network.models import ContactPoint, OutboxMessage
from network.resources import ContactPointResource
from tests.carportal.factories import TopicFactory
from tests.network.factories import (
    ApprovedContactPointFactory,
    AwaitingReviewContactPointFactory,
    ContactPointFactory,
)

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/network/contactpoint/"
EXPORT, IMPORT, PROCESS = (
    f"{CHANGELIST}{step}/" for step in ("export", "import", "process_import")
)
FORMATS = {"csv": "0", "xlsx": "1", "json": "2"}
HEADER = [field.column_name for field in ContactPointResource().get_export_fields()]


def staff(django_user_model, name, *codenames):
    user = django_user_model.objects.create_user(name, is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="network", codename__in=codenames)
    )
    return user


@pytest.fixture
def secretary(django_user_model):
    return staff(
        django_user_model,
        "secretary",
        "view_contactpoint",
        "add_contactpoint",
        "change_contactpoint",
        "export_contactpoint",
        "import_contactpoint",
    )


@pytest.fixture
def secretary_client(client, secretary):
    client.force_login(secretary)
    return client


@pytest.fixture
def members():
    trafficking = TopicFactory(slug="child-trafficking")
    online = TopicFactory(slug="online-safety")
    member = ApprovedContactPointFactory(
        first_name='=HYPERLINK("http://example.org")',
        last_name="Ōunapuu-Järvinen",
        email="Anna@Example.org",
        organisation="@Lastensuojelu, Åbo",
        phone="+358401234567",
        show_phone=True,
        job_title="-",
        show_job_title=False,
    )
    member.expertise.set([trafficking, online])
    for code in ("fi", "sv", "et"):
        member.languages.create(language=code)
    return [
        member,
        ContactPointFactory(country="UA", profession="ngo"),
        AwaitingReviewContactPointFactory(country="NL", job_title=""),
        ApprovedContactPointFactory(status=ContactPoint.Status.LAPSED, country="LT"),
    ]


def export(client, file_format="csv", query=""):
    fields = {f"contactpointresource_{name}": "on" for name in ContactPointResource.Meta.fields}
    return client.post(
        f"{EXPORT}{query}", {"format": FORMATS[file_format], "resource": "0", **fields}
    )


def upload(client, content, file_format="csv"):
    upload = SimpleUploadedFile(f"contact-points.{file_format}", content)
    return client.post(
        IMPORT, {"format": FORMATS[file_format], "resource": "0", "import_file": upload}
    )


def confirm(client, preview):
    return client.post(PROCESS, preview.context["confirm_form"].initial, follow=True)


def read_rows(content, file_format="csv"):
    """The cells of an exported file, header first, as a spreadsheet would show them."""
    if file_format == "csv":
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    if file_format == "json":
        entries = json.loads(content)
        return [HEADER, *([entry[column] for column in HEADER] for entry in entries)]
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def csv_file(*rows):
    """A CSV file as staff would write it, with the columns of an export."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER)
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode()


def row(**values):
    """A valid row for a new entry; keyword arguments name columns by their field."""
    columns = {
        field.attribute: field.column_name for field in ContactPointResource().fields.values()
    }
    base = {
        "first_name": "Marta",
        "last_name": "Kowalska",
        "email": "marta.kowalska@example.org",
        "organisation": "Example Foundation",
        "country": "PL",
        "profession": "ngo",
        "status": "approved",
        "consent_version": "2026-11",
        "consent_given_at": "2026-11-03 14:05",
    }
    return {columns[name]: value for name, value in {**base, **values}.items()}


def snapshot():
    """Everything stored about every entry, the time of its last save aside."""
    return [
        (
            {k: v for k, v in entry.items() if k != "updated_at"},
            sorted(ContactPoint.objects.get(pk=entry["id"]).languages.values_list("language")),
            sorted(ContactPoint.objects.get(pk=entry["id"]).expertise.values_list("slug")),
        )
        for entry in ContactPoint.objects.order_by("pk").values()
    ]


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "json"])
def test_an_exported_file_imports_back_unchanged(secretary_client, members, file_format):
    before = snapshot()
    exported = export(secretary_client, file_format)
    assert exported.status_code == 200
    assert exported["Content-Disposition"].startswith("attachment;")

    preview = upload(secretary_client, exported.content, file_format)
    done = confirm(secretary_client, preview)

    assert "Import finished: 0 new, 0 updated, 0 deleted and 4 skipped" in done.content.decode()
    assert snapshot() == before
    # Nothing was saved, so the entries' times of last change, in the file, still hold: the
    # same file imports again.
    again = export(secretary_client, file_format).content
    assert read_rows(again, file_format) == read_rows(exported.content, file_format)
    preview = upload(secretary_client, exported.content, file_format)
    assert "0 deleted and 4 skipped" in confirm(secretary_client, preview).content.decode()
    assert OutboxMessage.objects.count() == 0 and mail.outbox == []


def test_the_export_lists_the_columns_with_codes_and_neutralised_formulas(
    secretary_client, members
):
    content = export(secretary_client).content
    rows = read_rows(content)

    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 as Excel recognises it
    assert rows[0] == HEADER
    (anna,) = [cells for cells in rows if cells[2] == "Anna@Example.org"]
    assert dict(zip(HEADER, anna, strict=True)) == {
        "First name": '\'=HYPERLINK("http://example.org")',
        "Last name": "Ōunapuu-Järvinen",
        "E-mail": "Anna@Example.org",
        "Organisation": "'@Lastensuojelu, Åbo",
        "Country": "FI",
        "Profession": "child_welfare",
        "Job title": "'-",
        "Phone": "'+358401234567",
        "Languages": "et,fi,sv",
        "Areas of expertise": anna[HEADER.index("Areas of expertise")],
        "Show phone": "1",
        "Show job title": "0",
        "Status": "approved",
        "Consent version": "2026-11",
        "Consent given at": anna[HEADER.index("Consent given at")],
        "Last changed": anna[HEADER.index("Last changed")],
    }
    assert sorted(anna[HEADER.index("Areas of expertise")].split(",")) == [
        "child-trafficking",
        "online-safety",
    ]


def test_an_export_takes_the_lists_filters(secretary_client, members):
    rows = read_rows(export(secretary_client, query="?status__exact=approved").content)

    assert [cells[2] for cells in rows[1:]] == ["Anna@Example.org"]


def test_xlsx_cells_that_look_like_formulas_are_text(secretary_client, members):
    content = export(secretary_client, "xlsx").content
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    (cell,) = [row[0] for row in sheet.iter_rows() if row[2].value == "Anna@Example.org"]

    assert (cell.value, cell.data_type) == ('\'=HYPERLINK("http://example.org")', "s")


def test_the_e_mail_identifies_an_entry_whatever_its_case(secretary_client):
    anna = ApprovedContactPointFactory(email="anna@example.org", organisation="Old office")

    preview = upload(
        secretary_client,
        csv_file(row(email="ANNA@Example.org", organisation="New office", country="fi")),
    )
    confirm(secretary_client, preview)

    anna.refresh_from_db()
    assert ContactPoint.objects.count() == 1
    assert (anna.email, anna.organisation, anna.country.code) == (
        "anna@example.org",
        "New office",
        "FI",
    )


def test_an_old_file_neither_undoes_later_changes_nor_brings_back_who_left(
    secretary_client, members
):
    exported = export(secretary_client).content
    edited, leaving = members[0], members[1]
    edited.job_title = "Changed by the member since"
    edited.save()
    services.member_withdraw(contact_point=leaving)
    before = snapshot()

    page = upload(secretary_client, exported).content.decode()

    assert "after the file was exported: export again and make your changes" in page
    assert "No entry has this address any more: the person left the network" in page
    assert "process_import" not in page
    assert snapshot() == before


def test_the_dry_run_shows_what_would_change_and_writes_nothing(secretary_client, members):
    before = snapshot()
    changed = row(email=members[1].email, organisation="Renamed Office", status="unconfirmed")

    preview = upload(secretary_client, csv_file(changed, row()))

    page = preview.content.decode()
    assert preview.status_code == 200
    # The preview marks what each row changes, word by word.
    assert ">Renamed</ins>" in page and ">marta.kowalska@example.org</ins>" in page
    assert 'action="/admin/network/contactpoint/process_import/"' in page
    assert snapshot() == before
    assert not LogEntry.objects.exists()


def test_each_bad_row_gets_its_own_errors_and_nothing_is_saved(secretary_client, members):
    before = snapshot()
    rows = [
        row(),  # a good row: kept back with the others
        row(email="not-an-address"),
        row(email="b@example.org", country="XX", profession="plumber", phone="12345"),
        row(email="c@example.org", languages="fi,klingon", expertise="no-such-topic"),
        row(email="d@example.org", status="maybe", show_phone="perhaps"),
        row(email="e@example.org", consent_version="", consent_given_at=""),
        row(email=members[3].email, status="approved"),
    ]

    preview = upload(secretary_client, csv_file(*rows))

    page = preview.content.decode()
    for message in [
        "“not-an-address” is not an e-mail address.",
        "Unknown “XX”: use the two-letter ISO 3166 code, such as FI or UA.",
        "Unknown “plumber”: use one of child_welfare,",
        "“12345” is not a phone number: write it with the country code",
        "Unknown “klingon”: use one of en, da,",
        "Unknown “no-such-topic”: use the slugs of topics",
        "Unknown “maybe”: use one of unconfirmed, awaiting_review, approved,",
        "“perhaps” is neither yes nor no: write 1 or 0.",
        "Missing: give the version of the consent wording the person agreed to: 2026-11.",
        "Missing: give when the person agreed, such as 2026-11-03 14:05.",
        "An import cannot move an entry from “Dropped out: did not re-confirm” to “Approved”",
    ]:
        assert message in page
    assert "process_import" not in page
    assert snapshot() == before


def test_an_import_approving_an_entry_records_the_importer_and_sends_nothing(
    secretary_client, secretary, django_capture_on_commit_callbacks
):
    entry = AwaitingReviewContactPointFactory()
    preview = upload(secretary_client, csv_file(row(email=entry.email), row()))

    with django_capture_on_commit_callbacks(execute=True):
        confirm(secretary_client, preview)

    for approved in ContactPoint.objects.all():
        assert approved.status == ContactPoint.Status.APPROVED
        assert approved.decided_by == secretary
        assert approved.decided_at is not None
    assert OutboxMessage.objects.count() == 0 and mail.outbox == []
    assert LogEntry.objects.filter(user=secretary).count() == 2


def test_rows_that_no_longer_pass_at_confirmation_save_nothing(secretary_client):
    entry = AwaitingReviewContactPointFactory()
    preview = upload(secretary_client, csv_file(row(email=entry.email), row()))
    # Between the preview and the confirmation, a colleague rejects the entry.
    ContactPoint.objects.filter(pk=entry.pk).update(
        status=ContactPoint.Status.REJECTED, decided_at=entry.created_at
    )

    done = confirm(secretary_client, preview)

    assert "Nothing was imported" in done.content.decode()
    assert list(ContactPoint.objects.values_list("status", flat=True)) == ["rejected"]


def test_an_upload_left_unconfirmed_expires(secretary_client):
    preview = upload(secretary_client, csv_file(row()))
    cache.clear()  # as an hour would

    done = confirm(secretary_client, preview)

    assert "has expired: upload it again" in done.content.decode()
    assert not ContactPoint.objects.exists()


@pytest.mark.parametrize(
    ("codenames", "may_import", "may_export"),
    [
        ([], False, False),
        (["view_contactpoint"], False, False),
        (["view_contactpoint", "change_contactpoint", "review_contactpoint"], False, False),
        (["view_contactpoint", "export_contactpoint"], False, True),
        (["export_contactpoint"], False, False),
        (["view_contactpoint", "add_contactpoint", "change_contactpoint"], False, False),
        (["import_contactpoint", "view_contactpoint", "add_contactpoint"], False, False),
        (
            ["import_contactpoint", "view_contactpoint", "add_contactpoint", "change_contactpoint"],
            True,
            False,
        ),
    ],
)
def test_import_and_export_each_need_their_permissions(
    client, django_user_model, codenames, may_import, may_export
):
    user = staff(django_user_model, "someone", *codenames)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="meetings"))
    client.force_login(user)

    assert (client.get(IMPORT).status_code == 200) is may_import
    assert (client.post(PROCESS).status_code == 403) is not may_import
    assert (client.get(EXPORT).status_code == 200) is may_export
    assert (export(client).status_code == 200) is may_export
    if "view_contactpoint" in codenames:
        page = client.get(CHANGELIST).content.decode()
        assert (IMPORT in page, EXPORT in page) == (may_import, may_export)
