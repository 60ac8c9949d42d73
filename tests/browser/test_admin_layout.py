"""The admin as staff see it on a common laptop screen (1,366 px wide)."""

import pytest

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
