"""Content lists imported and exported in the admin: organisations, projects, meetings and
publications (carportal/resources.py and each app's resources.py), and the checks every
uploaded file passes (carportal/uploads.py). Contact points have theirs in
tests/network/test_spreadsheets.py."""

import csv
import io
import json
from datetime import date

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from carportal.dates import DatePrecision, format_iso
from carportal.models import Country, Organisation, Topic
from carportal.resources import OrganisationResource
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
