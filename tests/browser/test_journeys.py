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
    # "Read in Finnish" opens the PDF in the browser; its own link saves it.
    expect(page.get_by_role("link", name=re.compile("^Read in Finnish"))).to_have_count(1)
    finnish = page.get_by_role("link", name="Download the Finnish file")
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


def sign_in_to_admin(page, site):
    page.goto(f"{site}/admin/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("password")
    page.get_by_role("button", name="Log in").click()


def test_staff_build_preview_publish_correct_and_trace_a_meeting(page, site, admin_user):
    sign_in_to_admin(page, site)

    # The whole two-day programme, speakers included, in one form.
    page.goto(f"{site}/admin/meetings/meeting/add/")
    page.locator("#id_title").fill("Expert Group meeting in Tallinn")
    page.locator("#id_kind").select_option("expert_group_meeting")
    page.locator("#id_start_date").fill("04.03.2025")  # day first, as the region writes
    page.locator("#id_end_date").fill("05/03/2025")
    page.locator("#id_city").fill("Tallinn")
    page.locator("#id_summary").fill("The first meeting of the Estonian year.")
    days = [("2025-03-04", "National developments"), ("2025-03-05", "Online safety workshop")]
    for index, (day, title) in enumerate(days):
        page.get_by_role("link", name="Add another Programme Session").click()
        page.locator(f"#id_sessions-{index}-title").fill(title)
        page.locator(f"#id_sessions-{index}-date").fill(day)
        page.locator(f"#id_sessions-{index}-position").fill(str(index + 1))
    page.locator("#sessions-1-presentations-group").get_by_role(
        "link", name="Add another Presentation"
    ).click()
    page.locator("#id_sessions-1-presentations-0-speaker").fill("Kadri Näidis")
    page.locator("#id_sessions-1-presentations-0-speaker_role").fill("Child psychologist")
    page.get_by_role("button", name="Save as draft").last.click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    # The draft, previewed as the public will see it, which does not see it yet.
    page.locator("#result_list").get_by_role("link", name="Expert Group meeting in Tallinn").click()
    change_url = page.url
    page.get_by_role("link", name="View on site").click()
    expect(page.get_by_role("note")).to_contain_text("Draft: only staff see this page.")
    expect(page.get_by_role("main")).to_contain_text("Kadri Näidis")
    meeting_url = page.url
    public = page.context.browser.new_context().new_page()
    assert public.goto(meeting_url).status == 404

    page.get_by_role("link", name="Back to editing").click()
    page.get_by_role("button", name="Save and publish").last.click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert public.goto(meeting_url).status == 200
    expect(public.get_by_role("main")).to_contain_text("Online safety workshop")

    # Moved by a day: the sessions left outside the meeting are flagged, then corrected.
    page.goto(change_url)
    page.locator("#id_start_date").fill("05.03.2025")
    page.locator("#id_end_date").fill("06.03.2025")
    page.get_by_role("button", name="Save", exact=True).last.click()
    expect(page.locator(".errorlist").first).to_contain_text("outside the meeting")
    page.locator("#id_sessions-0-date").fill("2025-03-05")
    page.locator("#id_sessions-1-date").fill("2025-03-06")
    page.get_by_role("button", name="Save", exact=True).last.click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    public.reload()
    expect(public.get_by_role("main")).to_contain_text("5–6 March 2025")

    # Each step is in the history: created, published, moved.
    page.goto(change_url)
    page.get_by_role("link", name="History", exact=True).click()
    changes = page.locator("#field-changes")
    expect(changes).to_contain_text("Draft")
    expect(changes).to_contain_text("Published")
    expect(changes).to_contain_text("2025-03-06")
    expect(changes).to_contain_text("admin")

    # Taken down with the list's action: the public finds nothing, staff still preview it.
    page.goto(f"{site}/admin/meetings/meeting/")
    page.get_by_role("checkbox", name=re.compile("Expert Group meeting in Tallinn")).check()
    page.locator("select[name=action]").select_option("unpublish")
    page.get_by_role("button", name="Go").click()
    expect(page.locator(".messagelist")).to_contain_text("now draft")
    assert public.goto(meeting_url).status == 404
    assert page.goto(meeting_url).status == 200
    expect(page.get_by_role("note")).to_contain_text("Draft: only staff see this page.")


def test_enter_in_the_title_saves_a_draft_without_publishing_it(page, site, admin_user):
    sign_in_to_admin(page, site)

    page.goto(f"{site}/admin/publications/publication/add/")
    expect(page.locator("#id_title")).to_be_focused()
    page.keyboard.type("Guidelines typed in a hurry")
    page.locator("#id_kind").select_option("guidelines")
    page.locator("#id_summary").fill("A summary.")
    page.locator("#id_title").press("Enter")
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    page.goto(f"{site}/publications/")
    expect(page.get_by_role("link", name="Guidelines typed in a hurry")).to_have_count(0)
