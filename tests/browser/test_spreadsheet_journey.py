"""Staff import a spreadsheet of publications, in a real browser (carportal/spreadsheets.py)."""

from playwright.sync_api import expect

HEADER = "Title,Kind,Status,Published,Topics,Summary\n"
FIXED = (
    HEADER
    + "Guide to guardianship,practical_guide,published,2026-05,,For guardians of children.\n"
    + "Barnahus in practice,handbook,published,2026,,How a Barnahus works.\n"
)


def test_staff_fix_a_spreadsheet_the_preview_refused_and_publish_its_rows(
    page, site, admin_user, tmp_path
):
    spreadsheet = tmp_path / "publications.csv"
    spreadsheet.write_text(FIXED.replace("handbook", "hand book"), encoding="utf-8")
    page.goto(f"{site}/admin/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("password")
    page.get_by_role("button", name="Log in").click()

    page.goto(f"{site}/admin/publications/publication/")
    page.get_by_role("link", name="Import").click()
    page.get_by_label("File to import").set_input_files(spreadsheet)
    page.get_by_label("Format").select_option(label="csv")
    page.get_by_role("button", name="Submit").click()

    expect(page.get_by_role("heading", level=2)).to_have_text(
        "Some rows have problems: nothing has been imported"
    )
    row = page.get_by_role("row", name="3")
    expect(row).to_contain_text("Error")
    expect(row).to_contain_text("Kind: Unknown “hand book”: use one of guidelines,")
    expect(page.get_by_role("button", name="Confirm import")).to_have_count(0)

    spreadsheet.write_text(FIXED, encoding="utf-8")
    page.get_by_label("File to import").set_input_files(spreadsheet)
    page.get_by_label("Format").select_option(label="csv")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("heading", level=2)).to_have_text("Preview")
    page.get_by_role("button", name="Confirm import").click()
    expect(page.locator(".messagelist")).to_contain_text("Import finished: 2 new, 0 updated")

    page.goto(f"{site}/publications/")
    page.get_by_role("link", name="Barnahus in practice").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Barnahus in practice")
    expect(page.get_by_role("main")).to_contain_text("2026")
