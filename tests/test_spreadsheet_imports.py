"""Content lists imported and exported in the admin: organisations, projects, meetings and
publications (carportal/resources.py and each app's resources.py), and the checks every
uploaded file passes (carportal/uploads.py). Contact points have theirs in
tests/network/test_spreadsheets.py."""

import csv
import html
import io
import json
import re
import zipfile
from datetime import date, datetime

import openpyxl
import pytest
from auditlog.models import LogEntry
from defusedxml import EntitiesForbidden
from django.contrib.admin.models import ADDITION, CHANGE
from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from import_export.formats.base_formats import CSV

from carportal import audit
from carportal.celery import app as celery_app
from carportal.dates import DatePrecision, format_iso
from carportal.models import Country, Organisation, Topic
from carportal.resources import (
    COUNTRY_HINT,
    ORGANISATION_HINT,
    TOPIC_HINT,
    OrganisationResource,
)
from carportal.spreadsheets import one_of
from meetings.models import Meeting
from meetings.resources import MeetingResource
from projects.models import Project, ProjectPartner
from projects.resources import ProjectResource
from publications.models import Publication
from publications.resources import PublicationResource
from tests.carportal.factories import CountryFactory, OrganisationFactory, TopicFactory
from tests.meetings.factories import MeetingFactory, PresidencyFactory
from tests.projects.factories import ProjectFactory, ProjectFundingFactory, ProjectPartnerFactory
from tests.publications.factories import EditionFactory, PublicationFactory

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
    assert preview.context.get("confirm_form"), page_errors(preview)
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
    preview = upload(editor, ORGANISATIONS, make_file(rows, file_format), file_format)
    listed = [row["import_type"] for row in preview.context["result"].preview()]
    assert listed == ["update", "skip"]
    done = confirm(editor, ORGANISATIONS, preview).content.decode()

    assert "Import finished: 0 new, 1 updated, 0 deleted and 1 skipped" in done
    assert list(Organisation.objects.values_list("slug", "short_name", "country__code")) == [
        ("cbss", "CBSS", None),
        ("lastensuojelun-keskusliitto", "LSKL ry", "fi"),
    ]
    assert Organisation.objects.filter(is_active=True).count() == 2


def test_staffs_log_of_admin_actions_says_what_an_import_did_in_plain_words(editor):
    # The same entries as a large file's (carportal/import_jobs.py), not the library's
    # "new through import_export".
    rows = [
        {"Name": "Barnahus Finland", "Acronym": "", "Kind": "agency", "Country": ""},
        {"Name": "Save the Children", "Acronym": "", "Kind": "ngo", "Country": ""},
    ]
    imported(editor, ORGANISATIONS, rows)
    rows[1]["Acronym"] = "STC"
    imported(editor, ORGANISATIONS, rows)

    logged = AdminLogEntry.objects.order_by("pk")
    assert [(entry.action_flag, entry.object_repr, entry.user.username) for entry in logged] == [
        (ADDITION, "Barnahus Finland", "editor"),
        (ADDITION, "Save the Children", "editor"),
        (CHANGE, "Save the Children", "editor"),
    ]
    assert {entry.change_message for entry in logged} == {"Imported from a spreadsheet."}
    assert logged[2].get_edited_object() == Organisation.objects.get(short_name="STC")


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


PROJECTS = "/admin/projects/project/"


@pytest.fixture
def network_of_bodies():
    """The organisations, countries and topics that files name."""
    CountryFactory(code="fi", name="Finland")
    CountryFactory(code="se", name="Sweden")
    TopicFactory(slug="child-trafficking", name="Preventing trafficking, and exploitation")
    TopicFactory(slug="online-safety", name="Online safety")
    return {
        "cbss": OrganisationFactory(name="Council of the Baltic Sea States", short_name="CBSS"),
        "si": OrganisationFactory(name="Swedish Institute, Baltic Sea Unit", short_name="SI"),
        "ec": OrganisationFactory(name="European Commission", short_name="EC", funder=True),
        "ngo": OrganisationFactory(name="Child Circle"),
    }


def project_row(**cells):
    return {
        "Slug": "",
        "Acronym": "PROMISE",
        "Title": "Barnahus in Europe",
        "Status": "published",
        "Phase of": "",
        "Start": "2015",
        "End": "2017-08",
        "Summary": "Barnahus for every child.",
        "Description": "",
        "Outcomes": "A network\nStandards",
        "Website": "https://example.org/promise",
        "Contact role": "Head of Unit",
        "Contact e-mail": "promise@example.org",
        "Topics": "child-trafficking, Online safety",
        "Countries": "FI,se",
        "Lead partners": "CBSS",
        "Partners": "Swedish Institute, Baltic Sea Unit; Child Circle",
        "Associate partners": "",
        "Funders": "EC: Rights, Equality and Citizenship Programme; SI",
        **cells,
    }


def project_state():
    return [
        (
            project.slug,
            project.acronym,
            format_iso(project.start_date, project.start_precision),
            format_iso(project.end_date, project.end_precision),
            project.parent.slug if project.parent else None,
            sorted(project.topics.values_list("slug", flat=True)),
            sorted(project.countries.values_list("code", flat=True)),
            list(project.partnerships.values_list("organisation__short_name", "role", "position")),
            list(project.fundings.values_list("funder__short_name", "programme")),
        )
        for project in Project.objects.order_by("slug")
    ]


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "json"])
def test_projects_import_with_partners_funders_and_partial_dates(
    editor, network_of_bodies, file_format
):
    rows = [
        project_row(),
        project_row(
            Slug="promise-2",
            Acronym="PROMISE 2",
            Title="Barnahus in Europe, second phase",
            **{"Phase of": "PROMISE", "Start": "2017-09-01", "End": ""},
        ),
    ]

    done = imported(editor, PROJECTS, rows, file_format)
    assert "Import finished: 2 new, 0 updated, 0 deleted and 0 skipped" in done
    first = project_state()

    rows[0]["Lead partners"], rows[0]["Partners"] = "Child Circle", "CBSS; SI"
    done = imported(editor, PROJECTS, rows, file_format)

    assert "Import finished: 0 new, 1 updated, 0 deleted and 1 skipped" in done
    promise = (
        "barnahus-in-europe",
        "PROMISE",
        "2015",
        "2017-08",
        None,
        ["child-trafficking", "online-safety"],
        ["fi", "se"],
        [("CBSS", "lead", 0), ("SI", "partner", 0), ("", "partner", 1)],
        [("EC", "Rights, Equality and Citizenship Programme"), ("SI", "")],
    )
    assert first == [
        promise,
        (
            "promise-2",
            "PROMISE 2",
            "2017-09-01",
            "",
            "barnahus-in-europe",
            *promise[5:],
        ),
    ]
    assert Project.objects.get(slug="barnahus-in-europe").end_date == date(2017, 8, 31)
    assert project_state()[0][7] == [("", "lead", 0), ("CBSS", "partner", 0), ("SI", "partner", 1)]
    assert Project.objects.count() == 2


MEETINGS = "/admin/meetings/meeting/"
PUBLICATIONS = "/admin/publications/publication/"
LISTS = [ORGANISATIONS, PROJECTS, MEETINGS, PUBLICATIONS]


@pytest.fixture
def content(network_of_bodies):
    """A little of everything, with relations, partial dates and cells that look like
    formulas."""
    bodies = network_of_bodies
    topics = list(Topic.objects.all())
    first = ProjectFactory(acronym="PROMISE", title="=cmd|' /C calc'!A0", topics=topics)
    ProjectFactory(
        acronym="@risk",
        parent=first,
        start_date=date(2019, 1, 1),
        start_precision=DatePrecision.YEAR,
        end_date=None,
        countries=list(Country.objects.all()),
    )
    ProjectPartnerFactory(project=first, organisation=bodies["cbss"])
    ProjectPartnerFactory(
        project=first, organisation=bodies["si"], role=ProjectPartner.Role.PARTNER, position=1
    )
    ProjectFundingFactory(project=first, funder=bodies["ec"], programme="+Programme, 2020")
    presidency = PresidencyFactory(name="Finnish Presidency 2023-2024")
    meeting = MeetingFactory(
        presidency=presidency,
        start_date=date(2026, 6, 1),
        start_precision=DatePrecision.MONTH,
        end_date=None,
        summary="-10 % of cases",
        participants=40,
        time_zone="Europe/Kyiv",
        topics=topics[:1],
        projects=[first],
    )
    meeting.organisers.set([bodies["cbss"], bodies["si"]])
    meeting.co_organisers.set([bodies["ngo"]])
    original = PublicationFactory(project=first, topics=topics)
    original.organisations.set([bodies["si"]])
    EditionFactory(publication=original, language="en")
    EditionFactory(publication=original, language="fi", title="Lasten suojelu; osa 1")
    EditionFactory(publication=original, language="ru", title="Защита детей")
    PublicationFactory(
        kind=Publication.Kind.ADDENDUM, amends=original, published_on=None, draft=True
    )


def everything():
    """Every list as an export shows it."""
    return {
        changelist: resource().export(resource()._meta.model.objects.order_by("pk")).dict
        for changelist, resource in [
            (ORGANISATIONS, OrganisationResource),
            (PROJECTS, ProjectResource),
            (MEETINGS, MeetingResource),
            (PUBLICATIONS, PublicationResource),
        ]
    }


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "json"])
@pytest.mark.parametrize("changelist", LISTS)
def test_an_export_imports_back_unchanged(editor, content, changelist, file_format):
    before = everything()
    count = len(before[changelist])

    exported = export(editor, changelist, file_format)
    assert exported.status_code == 200
    assert exported["Content-Disposition"].endswith(f'.{file_format}"')
    done = confirm(editor, changelist, upload(editor, changelist, exported.content, file_format))

    assert f"Import finished: 0 new, 0 updated, 0 deleted and {count} skipped" in (
        done.content.decode()
    )
    assert everything() == before


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "json"])
def test_exported_cells_that_look_like_formulas_are_text(editor, content, file_format):
    exported = export(editor, PROJECTS, file_format).content
    rows = read_rows(exported, file_format)

    assert {row["Title"] for row in rows} >= {"'=cmd|' /C calc'!A0"}
    assert {row["Acronym"] for row in rows} >= {"'@risk"}
    assert "EC" not in {row["Funders"] for row in rows}
    assert {row["Funders"] for row in rows} >= {"European Commission: +Programme, 2020"}
    if file_format == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(exported))
        assert all(cell.data_type != "f" for row in book.active.iter_rows() for cell in row)
    meetings = read_rows(export(editor, MEETINGS, file_format).content, file_format)
    assert meetings[0]["Summary"] == "'-10 % of cases"


# Bad files: each gets a sentence saying what is wrong, and nothing is written.


def workbook(*rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rezipped(xlsx, **replaced):
    """The workbook with some of its parts (by name in the zip) replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source, zipfile.ZipFile(out, "w") as target:
        for entry in source.infolist():
            data = replaced.pop(entry.filename, None) or source.read(entry)
            target.writestr(entry, data, zipfile.ZIP_DEFLATED)
        for name, data in replaced.items():
            target.writestr(name, data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


GOOD_ROWS = [("Name", "Kind"), ("Åbo Akademi", "research")]
GOOD_CSV = "Name,Kind\nÅbo Akademi,research\n"
SHEET = "xl/worksheets/sheet1.xml"
LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{n} "{("&lol%s;" % (n - 1 or "")) * 10}">' for n in range(1, 10))
    + ']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
    "</sheetData></worksheet>"
)
EXTERNAL = (
    '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&x;</t></is></c></row>'
    "</sheetData></worksheet>"
)


def zip_bomb(entries=1, size=0):
    """A workbook with extra parts that unpack to ``size`` bytes of zeros each."""
    xlsx = workbook(*GOOD_ROWS)
    return rezipped(xlsx, **{f"xl/media/zeros{n}.bin": b"\0" * size for n in range(entries)})


@pytest.fixture
def refused(editor):
    """Uploads a file to the organisations' import; returns the page, checking that it is
    the import form again, with no way to confirm and nothing written."""

    def upload_bad(content, file_format="csv", name=None):
        OrganisationFactory(name="Already there")
        before = list(Organisation.objects.values())
        response = upload(editor, ORGANISATIONS, content, file_format, name)
        assert response.status_code == 200
        assert "confirm_form" not in response.context
        assert list(Organisation.objects.values()) == before
        return response.content.decode()

    return upload_bad


@pytest.mark.parametrize(
    ("content", "file_format", "message"),
    [
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj", "csv", "This file is a PDF document, not a CSV"),
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "csv", "This file is a Windows program, not a CSV"),
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "xlsx", "a Windows program, not an Excel workbook"),
        (b"%PDF-1.4\n", "json", "This file is a PDF document, not a JSON file"),
        (GOOD_CSV.encode(), "xlsx", "This file is not an Excel workbook (.xlsx), or it is damaged"),
        (
            workbook(*GOOD_ROWS),
            "csv",
            "an Excel workbook (.xlsx) or another zip archive, not a CSV",
        ),
        (workbook(*GOOD_ROWS)[:2000], "xlsx", "cannot be read as an Excel workbook (.xlsx)"),
        (
            rezipped(workbook(*GOOD_ROWS), **{"[Content_Types].xml": b"<nonsense"}),
            "xlsx",
            "cannot be read as an Excel workbook (.xlsx)",
        ),
        (b"", "csv", "The submitted file is empty."),
        (b"Name,Kind\n", "csv", "The file has column names but no rows to import."),
        (b"\n\n", "csv", "The file is empty: its first row must hold the column names."),
        (workbook(), "xlsx", "The file is empty: its first row must hold the column names."),
        (b"[]", "json", "The file has no rows to import."),
        (b'{"Name": "x"}', "json", "This JSON file is not a list of rows."),
        (b'[{"Name": "x"', "json", "This is not valid JSON"),
        (b'[{"Name": "x", "Kind": "ngo"}, {"Name": "y"}]', "json", "Row 2 has other names"),
        (b'[{"Name": ["x"], "Kind": "ngo"}]', "json", "Row 1, “Name”: write the value as text"),
        (GOOD_CSV.encode("cp1252"), "csv", "This file is not saved as UTF-8"),
        (GOOD_CSV.encode("utf-16"), "csv", "This file is saved as UTF-16"),
        (b"Name,Kind\nx,ngo,extra\n", "csv", "Row 2 has more cells than there are column names"),
        (b"Name,,Kind\nx,y,ngo\n", "csv", "Column 2 has values but no name in the first row."),
        (b"Slug,Acronym\nx,X\n", "csv", "Missing columns: “Name”."),
        (b"Name,Kind,Colour,Size\nx,ngo,red,1\n", "csv", "Unknown columns: “Colour”, “Size”."),
        (b"Name,Kind,name\nx,ngo,y\n", "csv", "These columns are there twice: “Name”."),
        (
            rezipped(workbook(*GOOD_ROWS), **{SHEET: LAUGHS.encode()}),
            "xlsx",
            "This workbook holds XML entity declarations",
        ),
        (
            rezipped(workbook(*GOOD_ROWS), **{SHEET: EXTERNAL.encode()}),
            "xlsx",
            "This workbook holds XML entity declarations",
        ),
    ],
)
def test_a_bad_file_gets_a_clear_message_and_nothing_is_written(
    refused, content, file_format, message
):
    assert message in refused(content, file_format)


def test_the_columns_a_list_takes_are_named_when_one_is_unknown(refused):
    page = refused(b"Name,Kind,Colour\nx,ngo,red\n")

    assert "The columns of this list are “Slug”, “Name”, “Acronym”, “Kind”" in page


@pytest.mark.parametrize("sheet", [LAUGHS, EXTERNAL])
def test_openpyxl_itself_refuses_entity_tricks(sheet):
    content = io.BytesIO(rezipped(workbook(*GOOD_ROWS), **{SHEET: sheet.encode()}))

    with pytest.raises(ValueError, match="Unable to read workbook") as refusal:
        openpyxl.load_workbook(content, read_only=True, data_only=True)

    assert isinstance(refusal.value.__cause__, EntitiesForbidden)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(refused, settings):
    settings.SPREADSHEET_IMPORT_MAX_BYTES = 1000

    page = refused(GOOD_CSV.encode() * 100)

    assert "The file is 3.1\xa0KB; an import takes at most 1000\xa0bytes." in page


@pytest.mark.parametrize(
    ("limit", "bomb", "message"),
    [
        # Unpacked, at most ten times the limit.
        (100_000, {"size": 2_000_000}, "This workbook would unpack to 1.9\xa0MB in 10 parts"),
        (1_000_000, {"entries": 1001}, "in 1010 parts, more than an import reads"),
    ],
)
def test_a_zip_bomb_is_refused_from_its_table_of_contents(
    refused, settings, monkeypatch, limit, bomb, message
):
    settings.SPREADSHEET_IMPORT_MAX_BYTES = limit

    def unpack(*args, **kwargs):
        pytest.fail("the workbook was opened")

    monkeypatch.setattr(openpyxl, "load_workbook", unpack)

    assert message in refused(zip_bomb(**bomb), "xlsx")


def test_a_workbook_that_understates_its_size_unpacks_no_further(refused):
    """Python's zipfile stops at the size a part declares (its checksum then fails), so a
    workbook cannot get past check_unpacked_size by lying about it."""
    xlsx = bytearray(rezipped(workbook(*GOOD_ROWS), **{SHEET: b"<worksheet>" + b" " * 10**6}))
    understated = 0
    for start in (i for i in range(len(xlsx)) if xlsx.startswith(b"PK\x01\x02", i)):
        name_length = int.from_bytes(xlsx[start + 28 : start + 30], "little")
        if xlsx[start + 46 : start + 46 + name_length] == SHEET.encode():
            xlsx[start + 24 : start + 28] = (100).to_bytes(4, "little")
            understated += 1
    assert understated == 1
    assert zipfile.ZipFile(io.BytesIO(xlsx)).getinfo(SHEET).file_size == 100

    assert "cannot be read as an Excel workbook (.xlsx)" in refused(bytes(xlsx), "xlsx")


def test_a_semicolon_separated_csv_as_excel_writes_it_in_the_nordics_imports(editor):
    content = b"Name;Kind;Country\nSwedish Institute, Baltic Sea Unit;agency;\n"

    confirm(editor, ORGANISATIONS, upload(editor, ORGANISATIONS, content))

    assert Organisation.objects.get().name == "Swedish Institute, Baltic Sea Unit"


# The preview, the confirmation, and who may do what.


def test_the_preview_lists_every_row_and_each_problem_by_row_and_column(editor, network_of_bodies):
    ProjectFactory(slug="barnahus-in-europe", acronym="PROMISE", title="Barnahus in Europe")
    OrganisationFactory(name="Centre for Children", short_name="CC")
    OrganisationFactory(name="Child Centre", short_name="CC")
    before = project_state()
    rows = [
        project_row(),  # on file: an update
        project_row(Title="A new project", Acronym="NEW"),
        project_row(Title="Bad dates", Start="14.5.2026", End="2014"),
        project_row(Title="Unknown bodies", Partners="No Such Body; CC", Countries="FI,XX"),
        project_row(Title="Twice", **{"Partners": "CBSS", "Funders": "Nobody: a programme"}),
        project_row(Title="Wrong codes", Status="maybe", Topics="no-such-topic"),
    ]

    preview = upload(editor, PROJECTS, make_file(rows))
    page = preview.content.decode()
    listed = {row["number"]: row for row in preview.context["result"].preview()}

    assert [listed[n]["import_type"] for n in range(2, 8)] == [
        "update",
        "new",
        "invalid",
        "invalid",
        "invalid",
        "invalid",
    ]
    assert listed[4]["problems"] == [
        ("Start", "“14.5.2026” is not a date: write 2026, 2026-05 or 2026-05-14.")
    ]
    assert sorted(listed[5]["problems"]) == [
        ("Countries", "Unknown “XX”: " + str(COUNTRY_HINT)),
        ("Partners", "Unknown “No Such Body”: " + str(ORGANISATION_HINT)),
    ]
    assert listed[6]["problems"] == [
        (
            "Partners",
            "“Council of the Baltic Sea States” also in “Lead partners”: list each partner once.",
        ),
        ("Funders", "Unknown “Nobody”: " + str(ORGANISATION_HINT)),
    ]
    assert sorted(listed[7]["problems"]) == [
        ("Status", "Unknown “maybe”: use one of draft, published."),
        ("Topics", "Unknown “no-such-topic”: " + str(TOPIC_HINT)),
    ]
    assert "Some rows have problems: nothing has been imported" in page
    assert "process_import" not in page
    assert project_state() == before


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_rows_keep_their_spreadsheet_numbers_past_an_empty_row(editor, file_format):
    rows = [
        {"Name": "First", "Kind": "ngo"},
        {"Name": "", "Kind": ""},
        {"Name": "Third", "Kind": "plumbing"},
        {"Name": "", "Kind": ""},
    ]

    preview = upload(editor, ORGANISATIONS, make_file(rows, file_format), file_format)
    listed = [
        (row["number"], row["import_type"], row["problems"])
        for row in preview.context["result"].preview()
    ]

    assert listed == [
        (2, "new", []),
        (3, "skip", []),
        (4, "invalid", [("Kind", "Unknown “plumbing”: " + one_of(Organisation.Kind.values))]),
    ]


def test_retired_reference_data_stays_where_it_is_and_goes_nowhere_new(editor, network_of_bodies):
    imported(editor, PROJECTS, [project_row()])
    Organisation.objects.filter(short_name="CBSS").update(is_active=False)
    Country.objects.filter(code="fi").update(is_active=False)
    Topic.objects.filter(slug="online-safety").update(is_active=False)
    rows = [
        project_row(Summary="Changed, keeping what it has."),
        project_row(Title="New", Acronym="NEW"),
    ]

    preview = upload(editor, PROJECTS, make_file(rows))
    kept, new = preview.context["result"].preview()
    retired = "is retired: name another, or make it active again in the admin."

    assert (kept["import_type"], kept["problems"]) == ("update", [])
    assert sorted(new["problems"]) == [
        ("Countries", f"“Finland” {retired}"),
        ("Lead partners", f"“Council of the Baltic Sea States” {retired}"),
        ("Topics", f"“Online safety” {retired}"),
    ]


def test_a_workbooks_own_date_cells_are_known_to_the_day(editor, network_of_bodies):
    row = project_row(Start=datetime(2017, 9, 1), End=2019)

    imported(editor, PROJECTS, [row], "xlsx")

    project = Project.objects.get()
    assert (project.start_date, project.start_precision) == (date(2017, 9, 1), "day")
    assert (project.end_date, project.end_precision) == (date(2019, 12, 31), "year")


def test_an_ambiguous_acronym_and_a_period_that_ends_before_it_starts_are_row_errors(
    editor, network_of_bodies
):
    OrganisationFactory(name="Centre for Children", short_name="CC")
    OrganisationFactory(name="Child Centre", short_name="cc")

    preview = upload(editor, PROJECTS, make_file([project_row(Partners="CC", End="2014")]))
    (row,) = preview.context["result"].preview()

    assert sorted(row["problems"]) == [
        ("End", "The end date must not be before the start date."),
        ("Partners", "“CC” names more than one: " + str(ORGANISATION_HINT)),
    ]
    assert not Project.objects.exists()


def test_rows_that_fail_at_confirmation_save_nothing(editor, network_of_bodies):
    rows = [project_row(), project_row(Title="Second", Acronym="TWO")]
    preview = upload(editor, PROJECTS, make_file(rows))
    # Between the preview and the confirmation, a colleague deletes a topic the file names.
    Topic.objects.filter(slug="online-safety").delete()

    done = confirm(editor, PROJECTS, preview).content.decode()

    assert "Nothing was imported" in done
    assert not Project.objects.exists()


def test_edition_titles_go_to_editions_on_file_only(editor):
    publication = PublicationFactory(slug="guidelines", title="Guidelines")
    EditionFactory(publication=publication, language="en")
    EditionFactory(publication=publication, language="fi", title="Vanha")
    row = {
        "Slug": "guidelines",
        "Title": "Guidelines",
        "Kind": "guidelines",
        "Status": "published",
        "Summary": "A summary.",
        "Published": "2016-12",
        "Edition titles": "fi: Ohjeet; lapsille\nen: Guidelines for all",
    }

    confirm(editor, PUBLICATIONS, upload(editor, PUBLICATIONS, make_file([row])))

    assert dict(publication.editions.values_list("language", "title")) == {
        "en": "Guidelines for all",
        "fi": "Ohjeet; lapsille",
    }
    publication.refresh_from_db()
    assert (publication.published_on, publication.published_precision) == (
        date(2016, 12, 1),
        "month",
    )

    row["Edition titles"] = "ru: Руководство"
    preview = upload(editor, PUBLICATIONS, make_file([row]))
    (result,) = preview.context["result"].preview()

    assert result["problems"] == [
        (
            "Edition titles",
            "No edition in ru to give a title: upload its file in the admin first, then "
            "import the titles.",
        )
    ]


def test_meetings_import_by_presidency_organisers_and_projects(editor, network_of_bodies):
    PresidencyFactory(slug="finland-2023-2024", name="Finnish Presidency 2023-2024")
    ProjectFactory(slug="barnahus-in-europe", acronym="PROMISE")
    row = {
        "Title": "Expert Group meeting, June 2026",
        "Kind": "expert_group_meeting",
        "Status": "draft",
        "Start": "2026-06",
        "City": "Helsinki",
        "Country": "Finland",
        "Time zone": "europe/helsinki",
        "Presidency": "Finnish Presidency 2023-2024",
        "Organisers": "CBSS; Swedish Institute, Baltic Sea Unit",
        "Co-organisers": "",
        "Projects": "PROMISE",
        "Topics": "online-safety",
        "Summary": "The group met.",
        "Participants": "40",
    }

    imported(editor, MEETINGS, [row], "xlsx")
    imported(editor, MEETINGS, [row], "xlsx")

    meeting = Meeting.objects.get()
    assert (meeting.slug, meeting.period_label, meeting.participants) == (
        "expert-group-meeting-june-2026",
        "June 2026",
        40,
    )
    assert (meeting.country.code, meeting.presidency.slug) == ("fi", "finland-2023-2024")
    assert meeting.time_zone == "Europe/Helsinki"
    assert sorted(meeting.organisers.values_list("short_name", flat=True)) == ["CBSS", "SI"]
    assert list(meeting.projects.values_list("slug", flat=True)) == ["barnahus-in-europe"]


def test_a_meeting_row_with_an_unknown_time_zone_is_a_row_error(editor, network_of_bodies):
    row = {"Title": "Webinar", "Kind": "webinar", "Time zone": "Vilnius"}

    preview = upload(editor, MEETINGS, make_file([row]))
    (checked,) = preview.context["result"].preview()

    assert checked["problems"] == [
        (
            "Time zone",
            "“Vilnius” is not a time zone: write its IANA name, such as Europe/Vilnius, "
            "or leave the cell empty.",
        )
    ]
    assert not Meeting.objects.exists()


def break_cache(settings):
    """Makes the cache a Redis that is not there; Django connects anew on the change."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }


def test_while_the_cache_is_down_an_import_says_so_and_writes_nothing(editor, settings):
    break_cache(settings)

    response = upload(editor, ORGANISATIONS, GOOD_CSV.encode())

    assert response.status_code == 302
    assert response["Location"] == f"{ORGANISATIONS}import/"
    page = editor.get(response["Location"]).content.decode()
    assert "the portal cannot keep the file for the preview just now" in page
    assert not Organisation.objects.exists()


def test_a_confirmation_while_the_cache_is_down_says_so_and_writes_nothing(editor, settings):
    preview = upload(editor, ORGANISATIONS, GOOD_CSV.encode())
    break_cache(settings)

    done = confirm(editor, ORGANISATIONS, preview).content.decode()

    assert "the portal cannot keep the file for the preview just now" in done
    assert not Organisation.objects.exists()


def test_an_export_takes_the_lists_filters_and_search(editor):
    fi, se = CountryFactory(code="fi"), CountryFactory(code="se")
    OrganisationFactory(name="Finnish NGO", kind="ngo", country=fi)
    OrganisationFactory(name="Finnish ministry", kind="ministry", country=fi)
    OrganisationFactory(name="Swedish NGO", kind="ngo", country=se)
    OrganisationFactory(name="Retired NGO", kind="ngo", country=fi, is_active=False)

    # The export link of the filtered list, as staff follow it.
    page = editor.get(ORGANISATIONS, {"kind__exact": "ngo", "is_active__exact": "1", "q": "NGO"})
    (link,) = re.findall(r'href="([^"]*/export/[^"]*)"', page.content.decode())
    link = html.unescape(link)
    assert link.startswith(f"{ORGANISATIONS}export/?")

    rows = read_rows(
        export(editor, ORGANISATIONS, query=link.removeprefix(f"{ORGANISATIONS}export/")).content
    )

    assert sorted(row["Name"] for row in rows) == ["Finnish NGO", "Swedish NGO"]


def test_an_export_with_filters_the_list_lacks_goes_back_to_the_list(editor):
    response = editor.get(f"{ORGANISATIONS}export/", {"no_such_field": "1"}, follow=True)

    assert response.redirect_chain == [(ORGANISATIONS, 302)]
    assert "The export&#x27;s filters are not the list&#x27;s" in response.content.decode()


@pytest.mark.parametrize("changelist", LISTS)
def test_an_export_runs_the_same_queries_for_any_number_of_rows(
    editor, content, changelist, django_assert_max_num_queries
):
    with django_assert_max_num_queries(25):
        export(editor, changelist)
    for _ in range(10):
        OrganisationFactory()
        ProjectFactory(topics=list(Topic.objects.all()), countries=list(Country.objects.all()))
        MeetingFactory(topics=list(Topic.objects.all()))
        EditionFactory(publication=PublicationFactory(topics=list(Topic.objects.all())))

    with django_assert_max_num_queries(25):
        export(editor, changelist)


@pytest.fixture
def staff_with(client, django_user_model):
    """A client signed in as staff holding the permissions named (app.codename)."""

    def sign_in(*permissions):
        user = django_user_model.objects.create_user("someone", is_staff=True)
        for permission in permissions:
            app_label, codename = permission.split(".")
            user.user_permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        client.force_login(user)
        return client

    return sign_in


@pytest.mark.parametrize(
    ("permissions", "may_import", "may_export"),
    [
        (["view", "add", "change"], False, False),
        (["view", "add", "change", "export"], False, True),
        (["export"], False, False),
        (["view", "add", "import"], False, False),
        (["add", "change", "import"], True, False),
        (["view", "add", "change", "import", "export"], True, True),
    ],
)
@pytest.mark.parametrize(
    ("changelist", "label"),
    [
        (ORGANISATIONS, "carportal.organisation"),
        (PROJECTS, "projects.project"),
        (MEETINGS, "meetings.meeting"),
        (PUBLICATIONS, "publications.publication"),
    ],
)
def test_import_and_export_each_need_their_permission(
    staff_with, changelist, label, permissions, may_import, may_export
):
    app_label, model = label.split(".")
    client = staff_with(*(f"{app_label}.{action}_{model}" for action in permissions))

    assert (client.get(f"{changelist}import/").status_code == 200) is may_import
    assert (client.post(f"{changelist}process_import/").status_code == 403) is not may_import
    assert (client.get(f"{changelist}export/").status_code == 200) is may_export
    if "view" in permissions or "change" in permissions:
        page = client.get(changelist).content.decode()
        assert (f"{changelist}import/" in page, f"{changelist}export/" in page) == (
            may_import,
            may_export,
        )


def test_the_roles_import_and_export_their_own_lists_only(client, django_user_model):
    for role, lists, refused_lists in [
        ("Content editor", LISTS, ["/admin/network/contactpoint/"]),
        ("Network manager", ["/admin/network/contactpoint/"], LISTS),
    ]:
        user = django_user_model.objects.create_user(role, is_staff=True)
        user.groups.add(Group.objects.get(name=role))
        client.force_login(user)
        for changelist in lists:
            for step in ("import/", "export/"):
                assert client.get(changelist + step).status_code == 200, (role, changelist, step)
        for changelist in refused_lists:
            for step in ("import/", "export/"):
                assert client.get(changelist + step).status_code == 403, (role, changelist, step)


# Content lists are imported in bulk (carportal/bulk_import.py): the same entries, errors and
# history as row by row, in a few queries whatever the number of rows, also by a large file's
# job.


class RowByRowPublicationResource(PublicationResource):
    """The same resource saving each row as it goes: django-import-export's own way."""

    class Meta:
        use_bulk = False


def run(resource_class, rows, user, *, dry_run=False):
    """The admin's import of a CSV file, without the admin."""
    dataset = CSV(encoding="utf-8-sig").create_dataset(make_file(rows).decode())
    return resource_class().import_data(
        dataset,
        dry_run=dry_run,
        raise_errors=False,
        rollback_on_validation_errors=True,
        retain_instance_in_row_result=not dry_run,
        user=user,
    )


def outcome(result):
    return (
        dict(result.totals),
        [(row.number, row.error_dict) for row in result.invalid_rows],
        [str(error.error) for error in result.base_errors],
    )


def publications_stored():
    """Everything stored about every publication, by slug, but the moments of its saves."""
    moments = {"id", "created_at", "updated_at"}
    return {
        publication.slug: (
            {k: v for k, v in vars(publication).items() if k not in moments | {"_state"}},
            sorted(publication.topics.values_list("slug", flat=True)),
            sorted(publication.organisations.values_list("name", flat=True)),
            sorted(publication.editions.values_list("language", "title")),
        )
        for publication in Publication.objects.all()
    }


def publication_row(**cells):
    return {
        "Slug": "",
        "Title": "Guidelines on Barnahus",
        "Kind": "guidelines",
        "Status": "published",
        "Published": "2016-12",
        "Project": "PROMISE",
        "Published with": "CBSS; Swedish Institute, Baltic Sea Unit",
        "Topics": "child-trafficking",
        "Amends": "",
        "Summary": "What professionals need to know.",
        "Edition titles": "",
        **cells,
    }


@pytest.fixture
def importer(django_user_model):
    return django_user_model.objects.create_user("importer", is_staff=True)


@pytest.fixture
def guidelines(network_of_bodies):
    """A publication on file, with topics, organisations and two editions."""
    ProjectFactory(acronym="PROMISE")
    publication = PublicationFactory(
        slug="guidelines", title="Guidelines", topics=list(Topic.objects.all())
    )
    publication.organisations.set([network_of_bodies["ngo"]])
    EditionFactory(publication=publication, language="en")
    EditionFactory(publication=publication, language="fi", title="Vanha")
    return publication


def test_publications_import_in_bulk_as_row_by_row(importer, guidelines):
    rows = [
        publication_row(
            Slug="guidelines",
            Title="Guidelines, revised",
            Topics="online-safety",
            **{"Edition titles": "en: Guidelines for all"},
        ),
        publication_row(Title="Practical guide", Topics="", **{"Published with": "SI"}),
        publication_row(Title="Handbook", Amends="guidelines"),
    ]
    seen = {}
    for resource_class in (PublicationResource, RowByRowPublicationResource):
        with transaction.atomic():
            preview = outcome(run(resource_class, rows, importer, dry_run=True))
            done = outcome(run(resource_class, rows, importer))
            again = outcome(run(resource_class, rows, importer))
            seen[resource_class] = (preview, done, again, publications_stored())
            transaction.set_rollback(True)

    assert seen[PublicationResource] == seen[RowByRowPublicationResource]
    preview, done, again, stored = seen[PublicationResource]
    assert preview == done
    assert (done[0]["new"], done[0]["update"], done[1]) == (2, 1, [])
    assert (again[0]["skip"], again[0]["new"], again[0]["update"]) == (3, 0, 0)
    assert stored["guidelines"][1:] == (
        ["online-safety"],
        ["Council of the Baltic Sea States", "Swedish Institute, Baltic Sea Unit"],
        [("en", "Guidelines for all"), ("fi", "")],
    )
    assert stored["practical-guide"][2] == ["Swedish Institute, Baltic Sea Unit"]
    assert stored["handbook"][0]["amends_id"] == guidelines.pk


def test_bad_content_rows_get_the_same_errors_and_nothing_is_saved(importer, guidelines):
    rows = [
        publication_row(Slug="guidelines", Topics="no-such-topic"),
        publication_row(Title="Handbook", **{"Edition titles": "ru: Руководство"}),
        publication_row(Title="Practical guide", Kind="novel", Amends="guidelines"),
        publication_row(Slug="guidelines", Title="Twice"),
    ]
    before = publications_stored()
    seen = {}
    for resource_class in (PublicationResource, RowByRowPublicationResource):
        with transaction.atomic():
            seen[resource_class] = outcome(run(resource_class, rows, importer))
            assert publications_stored() == before
            transaction.set_rollback(True)

    errors = dict(seen[PublicationResource][1])
    assert "Unknown “no-such-topic”" in errors[1]["Topics"][0]
    assert "No edition in ru to give a title" in errors[2]["Edition titles"][0]
    assert set(errors[3]) == {"Kind"}
    assert errors[4] == {
        "Slug": ["“guidelines” is on row 2 already: a file lists each entry once."]
    }
    assert seen[RowByRowPublicationResource] == seen[PublicationResource]


def test_a_publication_cannot_amend_itself(importer, guidelines):
    result = run(
        PublicationResource, [publication_row(Slug="guidelines", Amends="guidelines")], importer
    )

    assert dict(outcome(result)[1]) == {1: {"Amends": ["A publication cannot amend itself."]}}


@pytest.mark.parametrize(
    ("slug", "phase_of", "message"),
    [
        ("protect", "protect", "A project cannot be a phase of itself."),
        (
            "",
            "protect-ii",
            "“PROTECT II: Training” is itself a phase of “PROTECT: Guidelines”. Choose "
            "“PROTECT: Guidelines”: all the phases of a project belong to its first one.",
        ),
        (
            "protect",
            "promise",
            "This project has phases of its own, so it cannot become a phase of "
            "“PROMISE: Barnahus”: first make its phases phases of “PROMISE: Barnahus”.",
        ),
    ],
)
def test_phases_are_one_level_deep(importer, network_of_bodies, slug, phase_of, message):
    first = ProjectFactory(slug="protect", acronym="PROTECT", title="Guidelines")
    ProjectFactory(slug="protect-ii", acronym="PROTECT II", title="Training", parent=first)
    ProjectFactory(slug="promise", acronym="PROMISE", title="Barnahus")
    before = project_state()

    row = project_row(Slug=slug, Acronym="NEW", **{"Phase of": phase_of})
    result = run(ProjectResource, [row], importer)

    assert outcome(result)[1] == [(1, {"Phase of": [message]})]
    assert project_state() == before


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        (
            ("alpha", "beta"),
            ("beta", "gamma"),
            "Row 2 makes “ALPHA: First” a phase of this project, so it cannot become a phase "
            "of “GAMMA: Third”.",
        ),
        (
            ("beta", "gamma"),
            ("alpha", "beta"),
            "Row 2 makes “BETA: Second” a phase of “GAMMA: Third”. Choose “GAMMA: Third”: all "
            "the phases of a project belong to its first one.",
        ),
    ],
)
def test_phases_are_one_level_deep_among_a_files_rows_too(
    editor, importer, network_of_bodies, first, second, message
):
    titles = {"alpha": "First", "beta": "Second", "gamma": "Third"}
    for slug, title in titles.items():
        ProjectFactory(slug=slug, acronym=slug.upper(), title=title)
    before = project_state()
    rows = [
        project_row(Slug=slug, Acronym=slug.upper(), Title=titles[slug], **{"Phase of": of})
        for slug, of in (first, second)
    ]

    for dry_run in (True, False):
        result = run(ProjectResource, rows, importer, dry_run=dry_run)
        assert outcome(result)[1] == [(2, {"Phase of": [message]})]
    assert project_state() == before
    # The row it names is numbered as the preview numbers its rows.
    preview = upload(editor, PROJECTS, make_file(rows)).context["result"].preview()
    assert [(row["number"], row["problems"]) for row in preview] == [
        (2, []),
        (3, [("Phase of", message)]),
    ]


@pytest.mark.parametrize("size", [5, 50])
def test_a_content_import_takes_the_same_few_queries_for_any_number_of_rows(
    importer, network_of_bodies, django_assert_max_num_queries, size
):
    ProjectFactory(acronym="PROMISE")
    on_file = PublicationFactory.create_batch(size, topics=list(Topic.objects.all()))
    for publication in on_file:
        EditionFactory(publication=publication, language="fi")
    rows = [
        publication_row(
            Slug=publication.slug,
            Title=publication.title,
            Topics="online-safety",
            **{"Edition titles": "fi: Ohjeet"},
        )
        for publication in on_file
    ] + [publication_row(Title=f"Handbook {n}") for n in range(size)]

    with django_assert_max_num_queries(16):
        assert outcome(run(PublicationResource, rows, importer, dry_run=True))[1] == []
    # Those, and for the new publications and the changed ones each: their INSERT or
    # UPDATEs, the read, delete and insert of their organisations and topics, the editions'
    # titles, and the history of all of these.
    with django_assert_max_num_queries(38):
        result = run(PublicationResource, rows, importer)

    assert (result.totals["new"], result.totals["update"]) == (size, size)
    assert Publication.objects.filter(editions__title="Ohjeet").count() == size


def test_history_of_a_content_import_names_the_importing_user(importer, guidelines):
    before = LogEntry.objects.order_by("pk").last().pk
    rows = [
        publication_row(
            Slug="guidelines",
            Title="Guidelines",
            Topics="online-safety",
            **{"Published with": "Child Circle; CBSS", "Edition titles": "en: For all"},
        )
    ]

    run(PublicationResource, rows, importer)

    recorded = LogEntry.objects.filter(pk__gt=before)
    assert {entry.actor for entry in recorded} == {importer}
    changes = [
        (entry.content_type.model, name, change)
        for entry in recorded
        for name, change in entry.changes.items()
    ]
    m2m = {(name, c["operation"]): c["objects"] for _m, name, c in changes if isinstance(c, dict)}
    assert m2m == {
        ("topics", "delete"): ["Preventing trafficking, and exploitation"],
        ("organisations", "add"): ["Council of the Baltic Sea States"],
    }
    assert ("edition", "title", ["Vanha", ""]) in changes
    assert ("edition", "title", ["", "For all"]) in changes
    assert set(recorded) <= set(audit.history_of(guidelines))  # the editions' as parts


@pytest.fixture
def eager():
    """Tasks run inside the request, as `make run` has it (tests/network/test_import_worker.py
    runs a job on a real worker)."""
    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = saved


def test_a_large_content_file_is_checked_then_imported_by_the_job(
    editor, guidelines, settings, eager
):
    settings.SPREADSHEET_IMPORT_TASK_ROWS = 3
    rows = [publication_row(Title=f"Handbook {n}") for n in range(4)]
    bad = [*rows, publication_row(Title="Handbook 9", Topics="no-such-topic")]

    response = upload(editor, PUBLICATIONS, make_file(bad))
    assert response.status_code == 302
    url = response["Location"]
    assert url.startswith(f"{PUBLICATIONS}import/")
    html = editor.get(url).content.decode()

    assert "The file has 1 error, listed below: nothing can be imported." in html
    assert "<td>6</td><td>Topics</td><td>Unknown “no-such-topic”" in html
    editor.post(url)
    assert Publication.objects.count() == 1  # the one on file

    url = upload(editor, PUBLICATIONS, make_file(rows))["Location"]
    preview = editor.get(url).content.decode()
    assert "importing it adds 4 new and updates 0. Nothing is saved" in preview
    assert "change nothing" not in preview
    assert Publication.objects.count() == 1  # the check saves nothing
    editor.post(url)

    assert "Import finished: 4 new, 0 updated, 0 unchanged." in editor.get(url).content.decode()
    assert set(
        Publication.objects.filter(title__startswith="Handbook").values_list("slug", flat=True)
    ) == {f"handbook-{n}" for n in range(4)}
    assert Publication.objects.get(slug="handbook-0").organisations.count() == 2
