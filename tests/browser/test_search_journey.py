"""A professional looks for guidance through the site search, in a real browser."""

import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from publications.models import Edition
from tests.browser.test_accessibility import WCAG_AA

GUIDE = "Transnational Child Protection: Practical guide for caseworkers and case officers"


def test_a_professional_searches_narrows_and_downloads_in_their_language(page, site):
    page.goto(site)
    box = page.get_by_role("search", name="Site search").get_by_label("Search the portal")
    box.fill("child protection")
    box.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Search")
    found = re.compile(r"\d+ results? for “child protection”")
    expect(page.get_by_role("heading", level=2, name=found)).to_be_visible()
    results = page.locator(".search-result")
    expect(results.first).to_be_visible()
    expect(results.first.locator("mark").first).to_be_visible()

    by_type = page.get_by_role("navigation", name="Results by type")
    publications = by_type.get_by_role("link", name=re.compile(r"^Publications \(\d+\)$"))
    count = int(re.search(r"\((\d+)\)", publications.inner_text())[1])
    publications.click()
    expect(by_type.get_by_role("link", name=re.compile("^Publications"))).to_have_attribute(
        "aria-current", "page"
    )
    expect(results).to_have_count(min(count, 20))
    expect(page.locator(".search-result__type")).to_have_text(["Publication"] * min(count, 20))

    page.get_by_role("link", name=re.compile("in the publication list")).click()
    expect(page).to_have_url(re.compile(r"/publications/\?q=child(\+|%20)protection$"))
    expect(page.get_by_role("heading", level=2, name=f"{count} publications")).to_be_visible()

    page.get_by_label("Language").select_option("lt")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"q=child.*language=lt|language=lt.*q=child"))
    page.get_by_role("main").get_by_role("link", name=GUIDE).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(GUIDE)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the Lithuanian file").click()
    download = download_info.value
    assert download.suggested_filename.endswith("-lt.pdf")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


def test_a_reader_finds_a_guide_by_its_lithuanian_title_and_opens_that_edition(page, site):
    Edition.objects.filter(publication__title=GUIDE, language="lt").update(
        title="Tarpvalstybinė vaiko apsauga: praktinis vadovas"
    )
    page.goto(f"{site}/search/?q=vadovas")

    [result] = page.locator(".search-result").all()
    expect(result.get_by_role("heading", level=3)).to_have_text(GUIDE)
    edition = result.get_by_role("link", name=re.compile("^Tarpvalstybinė vaiko apsauga"))
    expect(edition.locator("mark")).to_have_text("vadovas")
    expect(edition.locator('[lang="lt"]')).to_have_count(1)
    results = Axe().run(page, options=WCAG_AA)
    assert results.violations_count == 0, results.generate_report()

    response = page.request.get(f"{site}{edition.get_attribute('href')}")
    assert response.ok and response.body()[:5] == b"%PDF-"


def test_the_header_search_works_without_javascript(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site}/meetings/")
    page.get_by_label("Search the portal").fill("Rovaniemi")
    page.get_by_role("search", name="Site search").get_by_role("button", name="Search").click()

    expect(page).to_have_url(re.compile(r"/search/\?q=Rovaniemi$"))
    expect(
        page.get_by_role("main").get_by_role("link", name="Expert Group meeting in Rovaniemi")
    ).to_be_visible()
    context.close()
