"""What people do on the portal, in a real browser."""

import re

from playwright.sync_api import expect

GUIDE = "Transnational Child Protection: Practical guide for caseworkers and case officers"


def test_a_professional_finds_and_downloads_a_guide_in_their_language(page, site):
    page.goto(site)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Publications").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Publications")

    page.get_by_label("Language").select_option("fi")
    page.get_by_label("Kind").select_option("practical_guide")
    page.get_by_role("button", name="Apply filters").click()

    expect(page).to_have_url(
        re.compile(r"language=fi.*kind=practical_guide|kind=practical_guide.*language=fi")
    )
    results = page.get_by_role("main").get_by_role("link", name=GUIDE)
    expect(results).to_have_count(1)
    expect(page.get_by_role("main").get_by_role("link", name="Oslo Conclusions")).to_have_count(0)

    shared = page.url
    page.reload()
    expect(page.get_by_label("Language")).to_have_value("fi")
    expect(results).to_have_count(1)
    other = page.context.new_page()
    other.goto(shared)
    expect(other.get_by_role("main").get_by_role("link", name=GUIDE)).to_have_count(1)
    other.close()

    results.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(GUIDE)
    finnish = page.get_by_role("link", name=re.compile("Finnish"))
    with page.expect_download() as download_info:
        finnish.click()
    download = download_info.value
    assert download.suggested_filename.endswith("-fi.pdf")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


def test_a_professional_follows_a_presidency_to_a_meeting_programme(page, site):
    page.goto(site)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Presidencies").click()
    page.get_by_role("link", name="Finnish Presidency 2023-2024").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Finnish Presidency 2023-2024")

    page.get_by_role("link", name="Expert Group meeting in Rovaniemi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Expert Group meeting in Rovaniemi")
    expect(page.get_by_role("main")).to_contain_text("Rovaniemi")
    expect(page.get_by_role("heading", name=re.compile("Programme"))).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("non-punishment")


def test_staff_publish_a_meeting_with_its_programme_and_take_it_down(page, site, admin_user):
    page.goto(f"{site}/admin/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("password")
    page.get_by_role("button", name="Log in").click()

    page.goto(f"{site}/admin/meetings/meeting/add/")
    page.locator("#id_title").fill("Expert Group meeting in Tallinn")
    page.locator("#id_kind").select_option("expert_group_meeting")
    page.locator("#id_start_date").fill("2025-03-04")
    page.locator("#id_city").fill("Tallinn")
    page.locator("#id_summary").fill("The first meeting of the Estonian year.")
    for index, title in enumerate(["National developments", "Joint workshop on online safety"]):
        page.get_by_role("button", name="Add another Programme session").click()
        page.locator(f"#id_sessions-{index}-title").fill(title)
    page.get_by_role("button", name="Save and publish").last.click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    page.goto(f"{site}/meetings/")
    page.get_by_role("link", name="Expert Group meeting in Tallinn").click()
    expect(page.get_by_role("main")).to_contain_text("Joint workshop on online safety")
    meeting_url = page.url

    page.goto(f"{site}/admin/meetings/meeting/")
    page.get_by_role("checkbox", name=re.compile("Expert Group meeting in Tallinn")).check()
    page.locator("select[name=action]").select_option("unpublish")
    page.get_by_role("button", name="Go").click()
    expect(page.locator(".messagelist")).to_contain_text("now draft")

    page.goto(f"{site}/meetings/")
    expect(page.get_by_role("link", name="Expert Group meeting in Tallinn")).to_have_count(0)
    # Staff still preview the draft; the public no longer finds it.
    assert page.goto(meeting_url).status == 200
    expect(page.get_by_role("note")).to_contain_text("Draft: only staff see this page.")
    public = page.context.browser.new_context().new_page()
    assert public.goto(meeting_url).status == 404


def test_enter_in_the_title_saves_a_draft_without_publishing_it(page, site, admin_user):
    page.goto(f"{site}/admin/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("password")
    page.get_by_role("button", name="Log in").click()

    page.goto(f"{site}/admin/publications/publication/add/")
    expect(page.locator("#id_title")).to_be_focused()
    page.keyboard.type("Guidelines typed in a hurry")
    page.locator("#id_kind").select_option("guidelines")
    page.locator("#id_summary").fill("A summary.")
    page.locator("#id_title").press("Enter")
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    page.goto(f"{site}/publications/")
    expect(page.get_by_role("link", name="Guidelines typed in a hurry")).to_have_count(0)
