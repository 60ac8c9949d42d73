"""Filters as professionals use them, in Chromium at 1,280 and 375 px and by keyboard."""

import pytest

WIDE = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}

FIRST_RESULT = "#results-list .item__title a"


def results_heading_in_view(page):
    return page.evaluate(
        """() => {
            const box = document.getElementById('results-heading').getBoundingClientRect();
            return box.top >= 0 && box.bottom <= window.innerHeight;
        }"""
    )


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1280px", "375px"])
def test_after_apply_the_answer_is_in_view(page, site, viewport):
    page.set_viewport_size(viewport)
    page.goto(f"{site}/meetings/")
    page.select_option("#id_kind", index=1)

    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()

    # Only the filter in use is in the link; the page lands on the answer, not its top.
    assert "kind=" in page.url and "when=" not in page.url and page.url.endswith("#results")
    assert page.evaluate("window.scrollY") > 0
    assert results_heading_in_view(page)
    folded = page.evaluate("!document.querySelector('.filter-disclosure').open")
    if viewport is PHONE:
        assert folded
        assert not page.locator("#id_kind").is_visible()
        page.get_by_text("Filter meetings").click()
        assert page.locator("#id_kind").is_visible()
    else:
        # Room enough: the form stays in view beside the answer.
        assert page.locator("#id_kind").is_visible()


def test_with_no_filter_the_form_is_open_on_a_phone(page, site):
    page.set_viewport_size(PHONE)
    page.goto(f"{site}/publications/")

    assert page.evaluate("document.querySelector('.filter-disclosure').open")
    assert page.locator("#id_language").is_visible()


def tabs_to_first_result(page, keys_before=()):
    for key in keys_before:
        page.keyboard.press(key)
    first = page.locator(FIRST_RESULT).first
    for tabs in range(1, 40):
        page.keyboard.press("Tab")
        if first.evaluate("el => el === document.activeElement"):
            return tabs
    return None


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1280px", "375px"])
def test_a_keyboard_reaches_the_first_result_in_a_few_tabs(page, site, viewport):
    page.set_viewport_size(viewport)

    # From the top of the page: the skip links, main content then past the filters.
    page.goto(f"{site}/publications/")
    page.keyboard.press("Tab")  # Skip to main content
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")  # Skip the filters, to the results
    assert page.evaluate("document.activeElement.textContent.trim()") == (
        "Skip the filters, to the results"
    )
    assert tabs_to_first_result(page, ["Enter"]) <= 2  # past the "Download as PDF" link

    # After applying a filter the page lands on the answer: the filter's removal link, the
    # clear-all link, then the skip link past the form (folded on a phone, open on a wide
    # screen), or on a phone the folded form's summary.
    page.goto(f"{site}/publications/?language=en#results")
    tabs = 0
    while page.evaluate("document.activeElement.textContent.trim()") != (
        "Skip the filters, to the results"
    ):
        page.keyboard.press("Tab")
        tabs += 1
        assert tabs < 10
    assert tabs == 3
    assert tabs_to_first_result(page, ["Enter"]) <= 2
    if viewport is PHONE:
        page.goto(f"{site}/publications/?language=en#results")
        assert tabs_to_first_result(page) <= 6  # the form is folded: nothing to skip


def test_a_project_typed_by_its_acronym_finds_its_phases_publications(page, site):
    page.set_viewport_size(WIDE)
    page.goto(f"{site}/publications/")
    page.fill("#id_project", "PROTECT")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()

    assert page.locator("#results-heading").text_content().strip() == "5 publications"
    assert page.locator(".active-filter").first.text_content().startswith("Project: PROTECT")
    page.locator(".active-filter").first.click()
    assert page.url.rstrip("/").endswith("/publications")
