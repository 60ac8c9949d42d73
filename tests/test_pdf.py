"""PDF documents, read back as text: carportal/pdf.py and the views that use it."""

import datetime
import io
import logging
import re
import sys

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from carportal.pdf import unavailable_reason, url_fetcher
from meetings.models import MeetingSession
from projects.models import ProjectPartner
from tests.carportal.factories import CountryFactory, OrganisationFactory
from tests.meetings.factories import (
    MeetingDocumentFactory,
    MeetingFactory,
    MeetingSessionFactory,
    PresentationFactory,
    PresidencyFactory,
)
from tests.projects.factories import (
    ProjectFactory,
    ProjectFundingFactory,
    ProjectPartnerFactory,
)
from tests.publications.factories import EditionFactory, PublicationFactory

# CI installs Pango (.ci/run), so there these tests run; CARPORTAL_REQUIRE_SERVICES fails a skip.
requires_weasyprint = pytest.mark.skipif(
    bool(unavailable_reason()), reason="needs weasyprint with Pango: see README, PDF documents"
)
pytestmark = [requires_weasyprint, pytest.mark.django_db]

BASE_URL = "http://testserver/"


def pdf_text(content):
    """The document's text with lines joined: a long title may wrap anywhere."""
    import pypdf

    pages = pypdf.PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def pdf_reader(content):
    import pypdf

    return pypdf.PdfReader(io.BytesIO(content))


@pytest.fixture
def test_templates(settings):
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "DIRS": [*settings.TEMPLATES[0]["DIRS"], settings.BASE_DIR / "tests" / "templates"],
        }
    ]


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/x.png",
        "https://example.org/static/css/print-pdf.css",
        "file:///etc/passwd",
        "http://127.0.0.1:8000/static/css/print-pdf.css",
        "http://testserver/static/../../../etc/passwd",
        "http://testserver/static/%2e%2e/%2e%2e/etc/passwd",
        "http://testserver/meetings/",
        "data:text/plain,hello",
    ],
)
def test_the_fetcher_refuses_anything_but_our_own_files(url):
    with pytest.raises(Exception, match="Not one of the portal's own files"):
        url_fetcher(BASE_URL).fetch(url)


def test_the_fetcher_reads_our_static_files_from_disk():
    response = url_fetcher(BASE_URL).fetch("http://testserver/static/css/print-pdf.css")

    assert b"@page" in response.read()
    assert response.content_type == "text/css"
    response.close()


def test_a_template_cannot_make_weasyprint_fetch_outside_the_site(test_templates, caplog):
    from carportal.pdf import PDFDocument, render_pdf

    document = PDFDocument("pdf/test_images.html", [{}], "test.pdf")
    with caplog.at_level(logging.ERROR, logger="weasyprint"):
        content = render_pdf(document, base_url=BASE_URL)

    refused = [r.getMessage() for r in caplog.records if "Failed to load image" in r.getMessage()]
    assert len(refused) == 3
    assert any("http://example.org/x.png" in message for message in refused)
    assert any("file:///etc/passwd" in message for message in refused)
    assert any("127.0.0.1" in message for message in refused)
    assert not any("'/static/img/favicon.svg'" in m or "testserver" in m for m in refused)
    assert "Images from elsewhere" in pdf_text(content)


def test_check_pdf_says_what_to_install_when_pango_is_missing(monkeypatch, capsys):
    # A module set to None in sys.modules fails to import, as weasyprint does without Pango.
    monkeypatch.setitem(sys.modules, "weasyprint", None)

    call_command("check_pdf")

    assert "apt-get install libpango-1.0-0" in capsys.readouterr().err


def test_check_pdf_says_when_pdfs_work(capsys):
    call_command("check_pdf")

    assert "PDF downloads are on" in capsys.readouterr().out


def test_a_meeting_programme_reads_back_with_its_facts_sessions_and_documents(client):
    presidency = PresidencyFactory(name="Lithuanian Presidency 2024-2025")
    meeting = MeetingFactory(
        title="Vaikų apsauga ir prekyba žmonėmis: ąčęėįšųūž",
        city="Rīga",
        country=CountryFactory(name="Latvija", time_zone="Europe/Riga"),
        start_date=datetime.date(2025, 3, 4),
        end_date=datetime.date(2025, 3, 5),
        presidency=presidency,
    )
    meeting.organisers.set([OrganisationFactory(name="Bērnu tiesību aizsardzība āčēģīķļņšūž")])
    opening = MeetingSessionFactory(
        meeting=meeting, title="Opening", position=1, start_time=datetime.time(9, 30)
    )
    PresentationFactory(
        session=opening, title="Практическое руководство", speaker="Ona Žemaitė", speaker_role=""
    )
    for position, title in ((2, "Workshop on guardianship"), (3, "Workshop on interviews")):
        MeetingSessionFactory(
            meeting=meeting,
            title=title,
            kind=MeetingSession.Kind.PARALLEL_WORKSHOP,
            position=position,
        )
    MeetingDocumentFactory(meeting=meeting, title="Concept note")

    response = client.get(f"/meetings/{meeting.slug}/programme.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="programme-{meeting.slug}.pdf"'
    assert response.has_header("ETag")
    assert response.has_header("Last-Modified")
    text = pdf_text(response.content)
    for expected in (
        "Vaikų apsauga ir prekyba žmonėmis: ąčęėįšųūž",
        "4–5 March 2025",
        "Rīga, Latvija",
        "Lithuanian Presidency 2024-2025",
        "Bērnu tiesību aizsardzība āčēģīķļņšūž",
        "Europe/Riga, UTC+02:00",
        "Opening",
        "09:30",
        "Практическое руководство",
        "Ona Žemaitė",
        "2 parallel workshops",
        "Workshop on guardianship",
        "Workshop on interviews",
        "Concept note",
        "Page 1 of 1",
    ):
        assert expected in text, expected


def test_a_pdf_carries_its_title_and_language_and_is_tagged(client):
    meeting = MeetingFactory(title="Expert group meeting in Vilnius")

    reader = pdf_reader(client.get(f"/meetings/{meeting.slug}/programme.pdf").content)

    assert reader.metadata.title == "Programme: Expert group meeting in Vilnius"
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]
    assert reader.outline[0].title == "Expert group meeting in Vilnius"


def test_a_long_programme_numbers_its_pages(client):
    meeting = MeetingFactory()
    for position in range(60):
        MeetingSessionFactory(meeting=meeting, position=position, description="Discussion. " * 40)

    reader = pdf_reader(client.get(f"/meetings/{meeting.slug}/programme.pdf").content)

    pages = len(reader.pages)
    assert pages > 2
    assert f"Page 1 of {pages}" in reader.pages[0].extract_text()
    assert f"Page {pages} of {pages}" in reader.pages[-1].extract_text()


@pytest.mark.parametrize(
    ("factory", "kind"), [(MeetingFactory, "programme"), (ProjectFactory, "factsheet")]
)
def test_a_drafts_pdf_is_not_found_like_its_page(client, factory, kind):
    published, draft = factory(), factory(draft=True)
    prefix = "meetings" if kind == "programme" else "projects"

    assert client.get(f"/{prefix}/{published.slug}/{kind}.pdf").status_code == 200
    assert client.get(f"/{prefix}/{draft.slug}/{kind}.pdf").status_code == 404


def test_detail_pages_link_their_pdf(client):
    meeting = MeetingFactory()
    project = ProjectFactory()

    meeting_page = client.get(meeting.get_absolute_url()).content.decode()
    project_page = client.get(project.get_absolute_url()).content.decode()

    assert f'href="/meetings/{meeting.slug}/programme.pdf"' in meeting_page
    assert "Download the programme (PDF)" in meeting_page
    assert f'href="/projects/{project.slug}/factsheet.pdf"' in project_page
    assert "Download the factsheet (PDF)" in project_page


def test_without_pango_a_pdf_link_answers_with_a_clear_503(client, monkeypatch):
    meeting = MeetingFactory()
    monkeypatch.setitem(sys.modules, "weasyprint", None)

    response = client.get(f"/meetings/{meeting.slug}/programme.pdf")

    assert response.status_code == 503
    assert "PDF downloads are not available" in response.content.decode()
    assert "libpango-1.0-0" in response.content.decode()


def test_a_project_factsheet_reads_back_with_partners_funders_and_links(client):
    project = ProjectFactory(
        acronym="PROMISE",
        title="Barnahus in the Baltic Sea Region",
        summary="Child-friendly justice for child victims.",
        start_date=datetime.date(2015, 9, 1),
        end_date=datetime.date(2035, 8, 31),
        contact_role="Head of the Children at Risk Unit",
        contact_email="car@example.org",
    )
    ProjectPartnerFactory(project=project, organisation=OrganisationFactory(name="Lead body"))
    ProjectPartnerFactory(
        project=project,
        organisation=OrganisationFactory(name="Partner body"),
        role=ProjectPartner.Role.PARTNER,
    )
    ProjectFundingFactory(project=project, programme="Internal Security Fund")
    MeetingFactory(title="Barnahus meeting", projects=[project])
    PublicationFactory(title="Barnahus standards", project=project)
    PublicationFactory(title="Unfinished draft", project=project, draft=True)

    response = client.get(f"/projects/{project.slug}/factsheet.pdf")

    assert response["Content-Disposition"] == f'inline; filename="factsheet-{project.slug}.pdf"'
    text = pdf_text(response.content)
    for expected in (
        "Barnahus in the Baltic Sea Region",
        "Child-friendly justice for child victims.",
        "September 2015",
        "Ongoing",
        "Lead body",
        "Partner body",
        "Internal Security Fund",
        "Head of the Children at Risk Unit",
        "car@example.org",
        "Barnahus meeting",
        "Barnahus standards",
    ):
        assert expected in text, expected
    assert "Unfinished draft" not in text


@pytest.mark.parametrize("rows", [5, 50])
def test_pdf_views_run_a_fixed_number_of_queries(client, django_assert_max_num_queries, rows):
    meeting = MeetingFactory()
    project = ProjectFactory()
    for _ in range(rows):
        session = MeetingSessionFactory(meeting=meeting)
        PresentationFactory(session=session, organisation=OrganisationFactory())
        MeetingDocumentFactory(meeting=meeting)
        ProjectPartnerFactory(project=project, role=ProjectPartner.Role.PARTNER)
        ProjectFundingFactory(project=project)
        MeetingFactory(projects=[project])
        PublicationFactory(project=project)

    for url in (
        f"/meetings/{meeting.slug}/programme.pdf",
        f"/projects/{project.slug}/factsheet.pdf",
    ):
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200


def test_the_admin_exports_one_selected_meeting_as_its_programme(admin_client):
    meeting = MeetingFactory(title="Selected meeting")

    response = admin_client.post(
        "/admin/meetings/meeting/", {"action": "export_pdf", "_selected_action": [meeting.pk]}
    )

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="programme-{meeting.slug}.pdf"'
    assert "Selected meeting" in pdf_text(response.content)


def test_the_admin_exports_several_projects_as_one_pdf(admin_client):
    first, second = ProjectFactory(title="First project"), ProjectFactory(title="Second project")

    response = admin_client.post(
        "/admin/projects/project/",
        {"action": "export_pdf", "_selected_action": [first.pk, second.pk]},
    )

    assert response["Content-Disposition"] == 'inline; filename="factsheets.pdf"'
    text = pdf_text(response.content)
    assert "First project" in text
    assert "Second project" in text


def test_the_admin_explains_why_a_draft_is_not_exported(admin_client):
    draft = MeetingFactory(draft=True)

    response = admin_client.post(
        "/admin/meetings/meeting/",
        {"action": "export_pdf", "_selected_action": [draft.pk]},
        follow=True,
    )

    assert "Only published items can be exported as PDF" in response.content.decode()


def test_the_catalogue_holds_the_filtered_rows_and_no_others(client):
    guide = PublicationFactory(title="Guidelines on child trafficking", kind="guidelines")
    EditionFactory(publication=guide, language="lt", title="Gairės dėl prekybos vaikais ąčęėįšųūž")
    EditionFactory(publication=guide, language="ru", title="Практическое руководство")
    lv_only = PublicationFactory(title="Latvian guidelines", kind="guidelines")
    EditionFactory(publication=lv_only, language="lv", title="Vadlīnijas āčēģīķļņšūž")
    PublicationFactory(title="Annual report", kind="report")
    PublicationFactory(title="Draft guidelines", kind="guidelines", draft=True)

    response = client.get("/publications/catalogue.pdf?kind=guidelines&language=lt")

    assert response["Content-Disposition"] == 'inline; filename="publications.pdf"'
    text = pdf_text(response.content)
    assert "Publications catalogue" in text
    assert "Kind: Guidelines" in text
    assert "Language: Lietuvių – Lithuanian" in text
    assert "Guidelines on child trafficking" in text
    assert "Gairės dėl prekybos vaikais ąčęėįšųūž" in text
    assert "Практическое руководство" in text
    assert "Latvian guidelines" not in text
    assert "Annual report" not in text
    assert "Draft guidelines" not in text


def test_the_catalogue_has_a_cover_contents_with_page_numbers_and_bookmarks(client):
    for number in range(12):
        publication = PublicationFactory(
            title=f"Handbook {number:02}", summary="A long summary. " * 120
        )
        EditionFactory(publication=publication, language="lv", title="Rokasgrāmata āčēģīķļņšūž")

    reader = pdf_reader(client.get("/publications/catalogue.pdf").content)

    pages = len(reader.pages)
    contents = " ".join(reader.pages[1].extract_text().split())
    assert "Contents" in contents
    # Each entry's page (target-counter): the first follows the cover and the contents.
    assert re.search(r"Handbook 00 [. ]+ 3 ", contents)
    assert re.search(rf"Handbook 11 [. ]+ {pages} ", contents)
    assert "Page 1 of" not in reader.pages[0].extract_text()  # the cover has no footer
    assert f"Page {pages} of {pages}" in reader.pages[-1].extract_text()
    assert "Rokasgrāmata āčēģīķļņšūž" in reader.pages[-1].extract_text()
    cover, children = reader.outline
    assert cover.title == "Publications catalogue"
    assert "Handbook 11" in [item.title for item in children]


def test_an_invalid_filter_gives_the_list_pages_error_not_a_pdf(client):
    response = client.get("/publications/catalogue.pdf?year=abc&kind=report", follow=True)

    assert response.redirect_chain == [("/publications/?year=abc&kind=report", 302)]
    assert response["Content-Type"].startswith("text/html")
    assert "Some filters could not be applied" in response.content.decode()


def test_the_publication_list_links_its_pdf_with_the_current_filters(client):
    PublicationFactory(kind="guidelines")

    html = client.get("/publications/?kind=guidelines&page=1").content.decode()

    assert 'href="/publications/catalogue.pdf?kind=guidelines"' in html
    assert "Download this list as PDF" in html


def test_a_publication_with_the_slug_catalogue_keeps_its_page(client):
    PublicationFactory(slug="catalogue", title="A publication called catalogue")

    assert client.get("/publications/catalogue/").status_code == 200
    assert client.get("/publications/catalogue.pdf")["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("rows", [5, 50])
def test_the_catalogue_runs_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, settings, rows
):
    settings.PDF_TASK_ROWS = 1000  # made in the request, whatever its length
    project = ProjectFactory()
    for _ in range(rows):
        publication = PublicationFactory(project=project)
        EditionFactory(publication=publication, language="en")
        EditionFactory(publication=publication, language="lt")

    # With the count that tells whether a task should make it.
    with django_assert_max_num_queries(8):
        response = client.get(f"/publications/catalogue.pdf?project={project.slug}&language=lt")
    assert response.status_code == 200


def test_an_anonymous_pdf_comes_from_the_page_cache_with_its_headers(
    client, admin_client, settings, monkeypatch, django_assert_num_queries
):
    settings.CACHE_PAGES = True
    monkeypatch.setattr("carportal.cache._quiet_until", 0.0)
    meeting = MeetingFactory()
    url = f"/meetings/{meeting.slug}/programme.pdf"
    first = client.get(url)

    with django_assert_num_queries(0):
        again = client.get(url)
        unchanged = client.get(url, headers={"If-None-Match": first["ETag"]})

    assert again.content == first.content
    assert again["Content-Disposition"] == first["Content-Disposition"]
    assert again["Last-Modified"] == first["Last-Modified"]
    assert unchanged.status_code == 304
    # Anyone signed in gets a freshly made document, as with every page.
    with CaptureQueriesContext(connection) as queries:
        assert admin_client.get(url).status_code == 200
    assert any("meetings_meeting" in query["sql"] for query in queries.captured_queries)


def test_a_presidency_report_gathers_its_year(client):
    presidency = PresidencyFactory(
        name="Lithuanian Presidency 2024-2025",
        start_date=datetime.date(2024, 7, 1),
        end_date=datetime.date(2025, 6, 30),
        priorities="Vaiko teisės: ąčęėįšųūž\nBarnahus for every child",
    )
    meeting = MeetingFactory(
        title="Expert group meeting in Vilnius",
        presidency=presidency,
        start_date=datetime.date(2024, 10, 8),
        end_date=None,
    )
    PresentationFactory(
        session=MeetingSessionFactory(meeting=meeting, title="Guardianship session"),
        speaker="Ivan Petrov",
        title="Практическое руководство",
    )
    MeetingFactory(title="Draft meeting", presidency=presidency, draft=True)
    ProjectFactory(
        title="Project in the year",
        start_date=datetime.date(2024, 1, 1),
        end_date=datetime.date(2025, 12, 31),
    )
    ProjectFactory(title="Project long ago", start_date=datetime.date(2010, 1, 1), end_date=None)
    PublicationFactory(title="Report of the year", published_on=datetime.date(2025, 2, 1))
    PublicationFactory(title="Report of another year", published_on=datetime.date(2019, 2, 1))

    response = client.get(f"/presidencies/{presidency.slug}/report.pdf")

    assert response["Content-Disposition"] == f'inline; filename="report-{presidency.slug}.pdf"'
    text = pdf_text(response.content)
    for expected in (
        "Lithuanian Presidency 2024-2025",
        "Vaiko teisės: ąčęėįšųūž",
        "Expert group meeting in Vilnius",
        "8 October 2024",
        "Guardianship session",
        "Ivan Petrov",
        "Практическое руководство",
        "Project in the year",
        "Report of the year",
    ):
        assert expected in text, expected
    for absent in ("Draft meeting", "Project long ago", "Report of another year"):
        assert absent not in text, absent
    assert re.search(r"Expert group meeting in Vilnius [. ]+ 1 ", text)


def test_a_draft_presidency_has_no_report_and_a_published_one_links_it(client):
    published, draft = PresidencyFactory(), PresidencyFactory(draft=True)

    page = client.get(published.get_absolute_url()).content.decode()

    assert f'href="/presidencies/{published.slug}/report.pdf"' in page
    assert client.get(f"/presidencies/{draft.slug}/report.pdf").status_code == 404


@pytest.mark.parametrize("rows", [5, 50])
def test_the_presidency_report_runs_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, settings, rows
):
    settings.PDF_TASK_ROWS = 1000  # made in the request, whatever its length
    presidency = PresidencyFactory(
        start_date=datetime.date(2024, 7, 1), end_date=datetime.date(2025, 6, 30)
    )
    for _ in range(rows):
        meeting = MeetingFactory(presidency=presidency)
        PresentationFactory(session=MeetingSessionFactory(meeting=meeting))
        ProjectFactory()
        EditionFactory(publication=PublicationFactory(published_on=datetime.date(2025, 1, 1)))

    # 19: each meeting's programme comes with the publications it links to.
    with django_assert_max_num_queries(19):
        assert client.get(f"/presidencies/{presidency.slug}/report.pdf").status_code == 200
