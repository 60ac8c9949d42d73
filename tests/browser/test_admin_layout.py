"""The admin as staff see it on a common laptop screen (1,366 px wide)."""

import pytest
from playwright.sync_api import expect

from tests.meetings.factories import MeetingFactory, PresidencyFactory
from tests.projects.factories import ProjectFactory
from tests.publications.factories import PublicationFactory

LONG = "Expert meeting on transnational child protection and the Barnahus model " * 2


@pytest.fixture
def staff_page(page, site, admin_user):
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{site}/admin/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("password")
    page.get_by_role("button", name="Log in").click()
    return page


@pytest.mark.parametrize(
    ("changelist", "make"),
    [
        ("meetings/meeting", lambda: MeetingFactory(title=LONG[:255])),
        ("meetings/presidency", lambda: PresidencyFactory(name=LONG[:150])),
        ("projects/project", lambda: ProjectFactory(title=LONG[:255])),
        ("publications/publication", lambda: PublicationFactory(title=LONG[:255])),
    ],
)
def test_the_status_column_stays_in_view_at_1366_px(staff_page, site, changelist, make):
    make()

    staff_page.goto(f"{site}/admin/{changelist}/")

    header = staff_page.locator("th.column-status")
    box = header.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 1366


def test_the_programme_with_its_speakers_fits_the_screen(staff_page, site):
    from tests.meetings.factories import MeetingSessionFactory, PresentationFactory

    session = MeetingSessionFactory()
    PresentationFactory.create_batch(2, session=session)

    staff_page.goto(f"{site}/admin/meetings/meeting/{session.meeting.pk}/change/")

    expect(staff_page.locator("#sessions-0-presentations-group")).to_be_visible()
    width = staff_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1366, f"the form is {width} px wide"


def test_leaving_a_form_with_unsaved_changes_asks_first(staff_page, site):
    staff_page.goto(f"{site}/admin/publications/publication/add/")
    staff_page.locator("#id_title").fill("Half-written guidelines")
    asked = []
    staff_page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))

    staff_page.get_by_role("link", name="Home").first.click()

    staff_page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    expect(staff_page.locator("#id_title")).to_have_value("Half-written guidelines")


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/meetings/meeting/",
        "/admin/meetings/meeting/{meeting}/change/",
        "/admin/meetings/meeting/{meeting}/history/",
        "/admin/publications/publication/add/",
        "/admin/auditlog/logentry/",
    ],
)
def test_the_pages_staff_use_most_pass_the_accessibility_gate(staff_page, site, path):
    from axe_playwright_python.sync_playwright import Axe

    from tests.browser.test_accessibility import WCAG_AA
    from tests.meetings.factories import MeetingSessionFactory, PresentationFactory

    session = MeetingSessionFactory()
    PresentationFactory(session=session)

    staff_page.goto(f"{site}{path.format(meeting=session.meeting.pk)}")
    # static/js/admin-labels.js names the autocomplete boxes once the page has loaded.
    expect(staff_page.locator(".select2-selection[aria-labelledby]:visible")).to_have_count(0)

    results = Axe().run(staff_page, options=WCAG_AA)
    assert results.violations_count == 0, results.generate_report()
