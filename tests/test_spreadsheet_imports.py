"""Content lists imported and exported in the admin: organisations, projects, meetings and
publications (carportal/resources.py and each app's resources.py), and the checks every
uploaded file passes (carportal/uploads.py). Contact points have theirs in
tests/network/test_spreadsheets.py."""

import csv
import io
import json

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from carportal.models import Organisation
from tests.carportal.factories import CountryFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

FORMATS = {"csv": "0", "xlsx": "1", "json": "2"}
ORGANISATIONS = "/admin/carportal/organisation/"


@pytest.fixture
def editor(client, django_user_model):
    """A client signed in as staff in the real Content editor role."""
    user = django_user_model.objects.create_user("editor", is_staff=True)
    user.groups.add(Group.objects.get(name="Content editor"))
    client.force_login(user)
    return client


def export(client, changelist, file_format="csv", query=""):
    """The export as staff make it: the export page, every column ticked, the format chosen."""
    url = f"{changelist}export/{query}"
    form = client.get(url).context["form"]
    columns = {name: "on" for name, field in form.fields.items() if field.initial is True}
    return client.post(url, {**columns, "format": FORMATS[file_format]})


def upload(client, changelist, content, file_format="csv", name=None):
    name = name or f"list.{file_format}"
    return client.post(
        f"{changelist}import/",
        {"format": FORMATS[file_format], "import_file": SimpleUploadedFile(name, content)},
    )


def confirm(client, changelist, preview):
    assert preview.context["confirm_form"], page_errors(preview)
    return client.post(
        f"{changelist}process_import/", preview.context["confirm_form"].initial, follow=True
    )


def page_errors(response):
    result = response.context.get("result")
    form = response.context.get("form")
    return {
        "form": form.errors if form else None,
        "base": [str(e.error) for e in result.base_errors] if result else None,
        "rows": [r["problems"] for r in result.preview()] if result else None,
    }


def read_rows(content, file_format="csv"):
    """An exported file's rows as dicts of cells, as a spreadsheet would show them."""
    if file_format == "csv":
        return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    if file_format == "json":
        return json.loads(content)
    rows = openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)
    header = next(rows)
    return [dict(zip(header, row, strict=True)) for row in rows]


def make_file(rows, file_format="csv"):
    """A file as staff would make it: ``rows`` are dicts of cells by column name."""
    header = list(rows[0])
    if file_format == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
        return out.getvalue().encode()
    if file_format == "json":
        return json.dumps(rows).encode()
    book = openpyxl.Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append([row[name] for name in header])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def imported(client, changelist, rows, file_format="csv"):
    preview = upload(client, changelist, make_file(rows, file_format), file_format)
    return confirm(client, changelist, preview).content.decode()


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "json"])
def test_organisations_import_by_name_and_again_without_duplicates(editor, file_format):
    CountryFactory(code="fi", name="Finland")
    rows = [
        {
            "Slug": "",
            "Name": "Lastensuojelun Keskusliitto",
            "Acronym": "LSKL",
            "Kind": "ngo",
            "Country": "FI",
            "Website": "https://example.org/lskl",
            "Active": "",
        },
        {
            "Slug": "cbss",
            "Name": "Council of the Baltic Sea States",
            "Acronym": "CBSS",
            "Kind": "intergovernmental",
            "Country": "",
            "Website": "",
            "Active": "1",
        },
    ]

    done = imported(editor, ORGANISATIONS, rows, file_format)
    assert "Import finished: 2 new, 0 updated, 0 deleted and 0 skipped" in done

    rows[0]["Acronym"] = "LSKL ry"
    done = imported(editor, ORGANISATIONS, rows, file_format)

    assert "Import finished: 0 new, 1 updated, 0 deleted and 1 skipped" in done
    assert list(Organisation.objects.values_list("slug", "short_name", "country__code")) == [
        ("cbss", "CBSS", None),
        ("lastensuojelun-keskusliitto", "LSKL ry", "fi"),
    ]
    assert Organisation.objects.filter(is_active=True).count() == 2


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "json"])
def test_an_organisation_export_imports_back_unchanged(editor, file_format):
    OrganisationFactory(name="=HYPERLINK(1)", short_name="-1", website="https://example.org")
    OrganisationFactory(name="Plain", country=None, is_active=False)
    before = list(Organisation.objects.order_by("pk").values())

    exported = export(editor, ORGANISATIONS, file_format)
    assert exported.status_code == 200
    rows = read_rows(exported.content, file_format)
    assert rows[0]["Name"] == "'=HYPERLINK(1)" and rows[0]["Acronym"] == "'-1"

    preview = upload(editor, ORGANISATIONS, exported.content, file_format)
    done = confirm(editor, ORGANISATIONS, preview).content.decode()

    assert "Import finished: 0 new, 0 updated, 0 deleted and 2 skipped" in done
    assert list(Organisation.objects.order_by("pk").values()) == before
