"""The accessibility gate: WCAG 2.1 AA on every public page type, in real Chromium.

Pages come from the sitemap, so a new page type with a sitemap entry is checked without
touching this file; pages a sitemap cannot list (filtered lists, errors) are listed here.
"""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.sitemap import sitemap_paths

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}

PAGES_BEYOND_THE_SITEMAP = [
    "/meetings/?when=upcoming",
    "/meetings/?kind=expert_group_meeting&country=fi",
    "/meetings/?year=abc",
    "/projects/?status=concluded",
    "/publications/?language=fi&kind=practical_guide",
    "/publications/?q=nothing-matches-this",
    "/publications/languages/",
    "/publications/languages/?kind=practical_guide",
    "/search/",
    "/search/?q=child",
    "/search/?q=child&type=meeting",
    "/search/?q=nothing-matches-this",
    # Facet counts, with filters applied: the folded form, the active filters, suggestions.
    "/publications/?project=protect&language=en",
    "/publications/?project=NOPE",
    "/meetings/?project=PROTECT&when=past",
    "/projects/?funder=european-commission&status=concluded",
    "/network/join/",
    "/network/sign-in/",
    "/no-such-page/",
]

PHONE = {"width": 375, "height": 812}
# 200% zoom of a 1280 px wide window lays the page out in 640 CSS pixels.
ZOOMED = {"width": 640, "height": 400}


def site_paths(page, site):
    def get(path):
        response = page.request.get(f"{site}{path}")
        assert response.ok, path
        return response.text()

    return sitemap_paths(get)


def public_paths(page, site):
    return site_paths(page, site) + PAGES_BEYOND_THE_SITEMAP


def page_types(paths):
    """One representative of each kind of page: detail pages of a kind share a template."""
    seen, chosen = set(), []
    for path in paths:
        kind = re.sub(r"^/(\w+)/[^/?]+/$", r"/\1/<slug>/", path)
        if kind not in seen:
            seen.add(kind)
            chosen.append(path)
    return chosen


def test_sitemap_covers_every_page_type(page, site):
    kinds = {
        re.sub(r"/[^/]+/$", "/<slug>/", p) if p.count("/") > 2 else p
        for p in site_paths(page, site)
    }

    assert {
        "/",
        "/about/",
        "/contact/",
        "/presidencies/",
        "/meetings/",
        "/projects/",
        "/publications/",
        "/network/",
        "/presidencies/<slug>/",
        "/meetings/<slug>/",
        "/projects/<slug>/",
        "/publications/<slug>/",
        "/topics/",
        "/topics/<slug>/",
    } <= kinds


def test_no_wcag_21_aa_violations_on_any_page(page, site):
    axe = Axe()
    failures = {}
    for path in public_paths(page, site):
        page.goto(f"{site}{path}")
        results = axe.run(page, options=WCAG_AA)
        if results.violations_count:
            failures[path] = results.generate_report()

    assert not failures, "\n\n".join(f"{path}\n{report}" for path, report in failures.items())


@pytest.mark.parametrize("viewport", [PHONE, ZOOMED], ids=["phone-375px", "zoom-200pc"])
def test_no_horizontal_scrolling_on_a_narrow_screen_or_at_200_percent(page, site, viewport):
    page.set_viewport_size(viewport)
    overflowing = []
    for path in page_types(public_paths(page, site)):
        page.goto(f"{site}{path}")
        width = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        if width[0] > width[1]:
            overflowing.append(f"{path}: {width[0]}px of content in {width[1]}px")

    assert not overflowing


def test_text_stays_readable_at_200_percent(page, site):
    page.set_viewport_size(ZOOMED)
    for path in [
        "/",
        "/publications/",
        "/publications/languages/",
        "/meetings/eg-car-rovaniemi-2023/",
    ]:
        page.goto(f"{site}{path}")
        smallest = page.evaluate(
            """() => Math.min(...[...document.querySelectorAll('main p, main li, main a, main td')]
                 .filter(el => el.offsetParent !== null && el.textContent.trim())
                 .map(el => parseFloat(getComputedStyle(el).fontSize)))"""
        )
        # Text hidden on purpose for screen readers (.visually-hidden) is clipped to 1 px.
        clipped = page.evaluate(
            """() => [...document.querySelectorAll('main *:not(.visually-hidden)')]
               .filter(el => {
                   const style = getComputedStyle(el);
                   return style.overflowX === 'hidden' && el.scrollWidth > el.clientWidth + 1;
               }).map(el => el.tagName)"""
        )
        assert smallest >= 14, path
        assert clipped == [], path


def test_skip_link_moves_focus_to_the_main_content(page, site):
    page.goto(site)
    page.keyboard.press("Tab")

    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    assert page.evaluate("document.activeElement.getBoundingClientRect().height") > 0

    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


TABBABLE = """() => [...document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex="-1"])'
  )].filter(el => !el.disabled && el.getClientRects().length)"""


@pytest.mark.parametrize(
    "path", ["/", "/publications/?language=fi", "/meetings/eg-car-rovaniemi-2023/", "/network/"]
)
def test_keyboard_reaches_everything_in_order_with_visible_focus(page, site, path):
    page.goto(f"{site}{path}")
    expected = page.evaluate(f"({TABBABLE})().map(el => el.outerHTML)")
    assert (
        page.evaluate(
            'document.querySelectorAll(\'[tabindex]:not([tabindex="-1"]):not([tabindex="0"])\').length'
        )
        == 0
    )

    reached, invisible = [], []
    for _ in expected:
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.outerHTML"))
        shown = page.evaluate(
            """() => { const s = getComputedStyle(document.activeElement);
                       return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2)
                              || s.boxShadow !== 'none'; }"""
        )
        if not shown:
            invisible.append(reached[-1][:80])

    assert reached == expected
    assert invisible == []
