"""A professional subscribes to a topic's meetings in their calendar, in a real browser."""

import icalendar
from playwright.sync_api import expect


def test_a_professional_subscribes_to_a_topics_meetings(page, site):
    page.goto(f"{site}/topics/")
    page.get_by_role("link", name="Child participation", exact=True).click()

    subscribe = page.get_by_role(
        "link", name="Subscribe to meetings on Child participation in your calendar"
    )
    expect(subscribe).to_have_attribute(
        "href",
        f"webcal://{site.removeprefix('http://')}/meetings/calendar.ics?topic=child-participation",
    )

    # What subscribing means, and the address to paste, behind a disclosure that the
    # keyboard opens.
    page.get_by_text("What does subscribing do?").focus()
    page.keyboard.press("Enter")
    address = page.get_by_label("Address of the calendar")
    expect(address).to_be_visible()
    feed = address.input_value()
    assert feed == f"{site}/meetings/calendar.ics?topic=child-participation"

    # What a calendar app fetches from that address.
    response = page.request.get(feed)
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.body())
    [oslo] = calendar.events
    assert oslo["SUMMARY"].startswith("Regional Expert Conference in Oslo")
    assert oslo["STATUS"] == "TENTATIVE"
    assert "Child participation" in calendar["X-WR-CALNAME"]
    assert calendar["X-COMMENT"].startswith("3 meetings are not in this calendar")

    # Or the same meetings once, as a file.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download these meetings once instead (.ics file)").click()
    download = download_info.value
    assert download.suggested_filename == "car-portal-meetings.ics"
    with open(download.path(), "rb") as file:
        assert [str(e["UID"]) for e in icalendar.Calendar.from_ical(file.read()).events] == [
            str(oslo["UID"])
        ]


def test_a_professional_adds_one_meeting_to_their_calendar(page, site):
    page.goto(f"{site}/meetings/eg-car-helsinki-2024-05/")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Add to calendar (.ics file)").click()
    download = download_info.value
    assert download.suggested_filename == "eg-car-helsinki-2024-05.ics"
    with open(download.path(), "rb") as file:
        [event] = icalendar.Calendar.from_ical(file.read()).events
    assert event["LOCATION"] == "Helsinki, Finland"
    assert event["URL"] == f"{site}/meetings/eg-car-helsinki-2024-05/"
