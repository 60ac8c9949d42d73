"""The network's forms in a real browser: errors shown, and still WCAG 2.1 AA."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from network import links
from tests.browser.test_accessibility import WCAG_AA
from tests.network.factories import ApprovedContactPointFactory


@pytest.mark.parametrize("path", ["/network/join/", "/network/sign-in/"])
def test_a_form_with_its_errors_shown_has_no_wcag_violations(page, site, path):
    page.goto(f"{site}{path}")
    page.get_by_role("button", name="E-mail me a sign-in link").or_(
        page.get_by_role("button", name="Ask to join")
    ).click()

    assert page.locator(".field__errors").count() > 0
    first_error = page.locator(".field--error input").first
    assert "_error" in first_error.get_attribute("aria-describedby")
    results = Axe().run(page, options=WCAG_AA)
    assert results.violations_count == 0, results.generate_report()


def test_a_professional_joins_and_is_told_to_check_their_e_mail(page, site):
    page.goto(f"{site}/network/")
    page.get_by_role("link", name="Join the network").click()
    page.get_by_role("textbox", name="First name").fill("Aino")
    page.get_by_role("textbox", name="Last name").fill("Testaaja")
    page.get_by_role("textbox", name="E-mail address").fill("aino.testaaja@example.org")
    page.get_by_role("textbox", name="Organisation").fill("Example Child Welfare Office")
    page.get_by_role("combobox", name="Country").select_option("FI")
    page.get_by_role("combobox", name="Profession or sector").select_option("child_welfare")
    page.get_by_role("checkbox", name="I agree").check()
    page.get_by_role("button", name="Ask to join").click()

    assert page.get_by_role("heading", level=1).text_content() == "Check your e-mail"


def test_a_member_signs_in_by_link_to_a_directory_with_no_wcag_violations(page, site):
    member = ApprovedContactPointFactory(phone="+358401234567", show_phone=True)
    member.languages.create(language="fi")
    ApprovedContactPointFactory(country="SE")

    page.goto(f"{site}/network/sign-in/{links.sign_in_token(member)}/")
    page.get_by_role("button", name="Sign in").click()

    assert page.get_by_role("heading", level=1).text_content() == "Members' directory"
    assert page.get_by_text(member.email).count() == 1
    results = Axe().run(page, options=WCAG_AA)
    assert results.violations_count == 0, results.generate_report()
