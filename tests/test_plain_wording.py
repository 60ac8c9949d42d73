"""Pages read as sentences for people: an unknown value is left out, not "Not recorded"; tense
follows the date; no separator stands beside nothing; labels about the past say so."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from carportal.models import Publishable
from meetings.models import MeetingSession
from tests.carportal.factories import OrganisationFactory
from tests.carportal.test_documents import pdf_bytes
from tests.meetings.factories import (
    MeetingFactory,
    MeetingSessionFactory,
    PresentationFactory,
    PresidencyFactory,
)
from tests.projects.factories import ProjectFactory, ProjectPartnerFactory
from tests.publications.factories import EditionFactory, PublicationFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def text(response):
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def metas(response):
    """The text of each `meta` line of a page, as a reader sees it."""
    html = response.content.decode()
    return [
        " ".join(re.sub(r"<[^>]+>", " ", found).split())
        for found in re.findall(r'<p class="meta">(.*?)</p>', html, re.S)
    ]


def a_year_from_today():
    return TODAY + datetime.timedelta(days=365)


def test_a_meeting_without_place_or_dates_leaves_them_out(client):
    meeting = MeetingFactory(
        title="Roundtable", start_date=None, end_date=None, city="", country=None
    )

    page = client.get(meeting.get_absolute_url())
    listing = client.get("/meetings/")

    assert "Not recorded" not in text(page) and "not recorded" not in text(page)
    assert "<dt>Place</dt>" not in page.content.decode()
    assert "<dt>Dates</dt>" not in page.content.decode()
    # The list's line says the kind and nothing after it: no separator beside nothing.
    assert "Expert group meeting" in metas(listing)


def test_an_undated_meeting_of_a_presidency_still_running_has_dates_to_be_announced(client):
    current = PresidencyFactory(
        start_date=TODAY - datetime.timedelta(days=30),
        end_date=TODAY + datetime.timedelta(days=300),
    )
    past = PresidencyFactory(
        start_date=datetime.date(2010, 7, 1), end_date=datetime.date(2011, 6, 30)
    )
    coming = MeetingFactory(title="Coming", start_date=None, end_date=None, presidency=current)
    old = MeetingFactory(title="Old", start_date=None, end_date=None, presidency=past)

    assert "Dates Dates to be announced" in text(client.get(coming.get_absolute_url()))
    assert "to be announced" not in text(client.get(old.get_absolute_url()))
    assert "Dates to be announced · Helsinki, " in " ".join(metas(client.get("/meetings/")))


@pytest.mark.parametrize(
    ("start", "said"),
    [
        (datetime.date(2024, 5, 13), "These workshops ran at the same time."),
        (a_year_from_today(), "These workshops run at the same time."),
        # Undated: nothing tells the tense, so nothing is said.
        (None, "2 parallel workshops One"),
    ],
)
def test_parallel_workshops_are_told_in_the_tense_of_the_meeting(client, start, said):
    meeting = MeetingFactory(start_date=start, end_date=None)
    for title in ("One", "Two"):
        MeetingSessionFactory(
            meeting=meeting, title=title, kind=MeetingSession.Kind.PARALLEL_WORKSHOP
        )

    page = text(client.get(meeting.get_absolute_url()))
    programme = client.get(f"{meeting.get_absolute_url()}programme.pdf")

    assert said in page
    assert programme.status_code == 200


def test_a_project_known_only_by_its_end_reads_concluded_in_that_year(client):
    project = ProjectFactory(
        title="Begging",
        start_date=None,
        end_date=datetime.date(2013, 12, 31),
        end_precision="year",
    )

    assert "Concluded in 2013" in metas(client.get("/projects/"))
    assert "Period Ended in 2013" in text(client.get(project.get_absolute_url()))


def test_a_project_line_has_no_stray_separator_whatever_is_missing(client):
    undated = ProjectFactory(title="Undated", start_date=None, end_date=None)
    ProjectPartnerFactory(project=undated, organisation__name="Lead body")
    ProjectFactory(title="Bare", start_date=None, end_date=None)

    lines = metas(client.get("/projects/"))

    assert "Lead partner: Lead body" in lines
    assert all(line and not line.startswith("·") and not line.endswith("·") for line in lines)


def test_the_home_page_says_the_latest_presidency_is_past_once_it_has_ended(client):
    PresidencyFactory(
        name="Finnish Presidency 2023-2024",
        start_date=datetime.date(2023, 7, 1),
        end_date=datetime.date(2024, 6, 30),
    )

    home = text(client.get("/"))
    presidencies = text(client.get("/presidencies/"))

    assert "Past presidency Finnish Presidency 2023-2024" in home
    assert "ended on 30 June 2024" in home
    assert "Latest presidency" not in home and "Current presidency" not in home
    assert "Finnish Presidency 2023-2024 Past" in presidencies


def test_the_home_page_shows_the_newest_publications_first(client):
    recent_project = ProjectFactory(
        start_date=datetime.date(2022, 4, 18), end_date=datetime.date(2024, 9, 17)
    )
    old_project = ProjectFactory(start_date=None, end_date=datetime.date(2013, 12, 31))
    PublicationFactory(
        title="Undated, of a project ended in 2024", published_on=None, project=recent_project
    )
    PublicationFactory(title="Dated 2018", published_on=datetime.date(2018, 6, 1))
    PublicationFactory(title="Dated 2016", published_on=datetime.date(2016, 12, 1))
    PublicationFactory(title="A report of 2013", published_on=None, project=old_project)
    PublicationFactory(title="Draft", published_on=datetime.date(2026, 1, 1), draft=True)

    home = client.get("/").content.decode()
    shown = re.findall(r'<h3 class="item__title"><a href="/publications/[^"]+/">([^<]+)</a>', home)

    assert shown == [
        "Undated, of a project ended in 2024",
        "Dated 2018",
        "Dated 2016",
        "A report of 2013",
    ]
    assert "Latest publications" in home


def test_a_pdf_edition_opens_in_the_browser_with_a_separate_download(client):
    edition = EditionFactory()
    url = f"/publications/{edition.publication.slug}/editions/en/"

    opened = client.get(url)
    saved = client.get(f"{url}?download")
    page = client.get(edition.publication.get_absolute_url()).content.decode()

    name = edition.file.name.rsplit("/", 1)[-1]
    assert opened["Content-Type"] == "application/pdf"
    assert opened["Content-Disposition"] == f'inline; filename="{name}"'
    assert saved["Content-Disposition"] == f'attachment; filename="{name}"'
    assert f'href="{url}" hreflang="en" type="application/pdf">Read in English' in page
    assert f'href="{url}?download" hreflang="en" download>Download the English file' in page


def test_a_word_file_is_always_downloaded(client):
    edition = EditionFactory(file=SimpleUploadedFile("guide.docx", b"PK word"))

    response = client.get(f"/publications/{edition.publication.slug}/editions/en/")

    assert response["Content-Disposition"].startswith('attachment; filename="guide')


def test_a_sample_file_is_marked_on_the_page_until_a_real_file_replaces_it(client):
    edition = EditionFactory(is_sample=True)
    page = edition.publication.get_absolute_url()

    assert "Sample file: a placeholder" in text(client.get(page))

    edition.file = SimpleUploadedFile("real.pdf", pdf_bytes())
    edition.full_clean()
    edition.save()

    assert not edition.is_sample
    assert "Sample file" not in text(client.get(page))


def test_a_meeting_and_a_publication_link_each_other_published_only(client):
    report = PublicationFactory(title="The report")
    hidden = PublicationFactory(title="Still a draft", status=Publishable.Status.DRAFT)
    meeting = MeetingFactory(title="The launch")
    meeting.publications.set([report, hidden])
    guide = PublicationFactory(title="The guide")
    guide.builds_on.set([report])

    meeting_page = text(client.get(meeting.get_absolute_url()))
    report_page = text(client.get(report.get_absolute_url()))
    guide_page = text(client.get(guide.get_absolute_url()))

    assert "Publications The report" in meeting_page and "Still a draft" not in meeting_page
    assert "Meetings The launch" in report_page
    assert "Built upon by The guide" in report_page
    assert "Builds on The report" in guide_page


def test_a_speakers_line_names_the_organisation_once(client):
    committee = PresentationFactory(
        speaker="B. Member",
        speaker_role="Member of the UN Committee on the Rights of the Child",
        organisation=OrganisationFactory(name="UN Committee on the Rights of the Child"),
    )
    PresentationFactory(
        session=committee.session,
        title="Cases in the courts",
        speaker_role="",
        organisation=OrganisationFactory(
            name="Finnish National Rapporteur on Trafficking in Human Beings"
        ),
    )

    page = text(client.get(committee.session.meeting.get_absolute_url()))

    assert page.count("UN Committee on the Rights of the Child") == 1
    assert page.count("Finnish National Rapporteur on Trafficking in Human Beings") == 1
