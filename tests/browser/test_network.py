"""The network in a real browser: the whole journey of a member, every page WCAG 2.1 AA."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import Permission
from django.core import mail
from playwright.sync_api import expect

from carportal.celery import app as celery_app
from network import links
from network.models import ContactPoint
from tests.browser.test_accessibility import WCAG_AA
from tests.network.factories import ApprovedContactPointFactory, ContactPointFactory


def assert_accessible(page):
    results = Axe().run(page, options=WCAG_AA)
    assert results.violations_count == 0, results.generate_report()


@pytest.fixture
def eager_celery():
    """E-mails go out at once, within the request (the real worker is tested in
    tests/network/test_worker.py)."""
    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = saved


def link_in_last_mail(site, path_prefix):
    url = re.search(rf"http://\S+({path_prefix}\S+/)", mail.outbox[-1].body).group(1)
    return f"{site}{url}"


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
    member = ApprovedContactPointFactory(country="FI", phone="+358401234567", show_phone=True)
    member.languages.create(language="fi")
    ApprovedContactPointFactory(country="SE")

    page.goto(f"{site}/network/sign-in/{links.sign_in_token(member)}/")
    page.get_by_role("button", name="Sign in").click()

    assert page.get_by_role("heading", level=1).text_content() == "Members' directory"
    assert page.get_by_text(member.email).count() == 1
    results = Axe().run(page, options=WCAG_AA)
    assert results.violations_count == 0, results.generate_report()

    # Filtered, the page lands on its answer, the filter named and removable above the form.
    page.get_by_role("combobox", name="Country").select_option("FI")
    page.get_by_role("button", name="Apply filters").click()
    assert page.url.endswith("/network/directory/?country=FI#results")
    assert page.locator("#results-heading").text_content().strip() == "1 member"
    assert page.get_by_role("link", name="Country: Finland (remove Country)").is_visible()
    results = Axe().run(page, options=WCAG_AA)
    assert results.violations_count == 0, results.generate_report()


def test_a_professional_joins_is_approved_signs_in_updates_and_leaves(
    page, site, eager_celery, django_user_model
):
    # Joins, with the form's errors first.
    page.goto(f"{site}/network/join/")
    page.get_by_role("button", name="Ask to join").click()
    assert_accessible(page)
    page.get_by_role("textbox", name="First name").fill("Laima")
    page.get_by_role("textbox", name="Last name").fill("Bērziņa-Testa")
    page.get_by_role("textbox", name="E-mail address").fill("laima.testa@example.org")
    page.get_by_role("textbox", name="Organisation").fill("Example Orphan Court")
    page.get_by_role("combobox", name="Country").select_option("LV")
    page.get_by_role("combobox", name="Profession or sector").select_option("guardianship")
    page.get_by_role("checkbox", name="Latvian").check()
    page.get_by_role("checkbox", name="I agree").check()
    page.get_by_role("button", name="Ask to join").click()
    assert page.get_by_role("heading", level=1).text_content() == "Check your e-mail"
    assert_accessible(page)

    # Follows the e-mailed link.
    page.goto(link_in_last_mail(site, "/network/confirm/"))
    assert_accessible(page)
    page.get_by_role("button", name="Confirm my e-mail address").click()
    assert page.get_by_role("heading", level=1).text_content() == "Thank you for confirming"

    # Network staff approve the entry in the admin.
    staff = django_user_model.objects.create_user(
        "vetting", password="a-long-test-pass", is_staff=True
    )
    staff.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_contactpoint", "change_contactpoint", "review_contactpoint"]
        )
    )
    page.goto(f"{site}/admin/network/contactpoint/?status__exact=awaiting_review")
    page.get_by_label("Username").fill("vetting")
    page.get_by_label("Password").fill("a-long-test-pass")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("row", name=re.compile("Laima")).get_by_role("checkbox").check()
    page.get_by_role("combobox", name="Action").select_option("approve_selected")
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_text("1 entry approved")).to_be_visible()
    page.context.clear_cookies()
    assert "Welcome" in mail.outbox[-1].subject

    # Signs in to the directory with an e-mailed link.
    page.goto(f"{site}/network/sign-in/")
    page.get_by_role("textbox", name="Your e-mail address").fill("laima.testa@example.org")
    page.get_by_role("button", name="E-mail me a sign-in link").click()
    assert_accessible(page)
    page.goto(link_in_last_mail(site, "/network/sign-in/"))
    assert_accessible(page)
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("heading", level=1).text_content() == "Members' directory"
    assert page.get_by_text("laima.testa@example.org").count() == 1

    # Updates their details from their own entry.
    page.get_by_role("link", name="Your own entry").click()
    assert_accessible(page)
    page.get_by_role("textbox", name="Job title").fill("Legal adviser")
    page.get_by_role("button", name="Save my changes").click()
    expect(page.get_by_text("Your changes are saved.")).to_be_visible()
    assert_accessible(page)
    assert ContactPoint.objects.get().job_title == "Legal adviser"

    # Leaves the network.
    page.get_by_role("link", name="Leave the PROTECT Network").click()
    assert_accessible(page)
    page.get_by_role("button", name="Erase my entry and leave").click()
    assert (
        page.get_by_role("heading", level=1).text_content() == "You have left the PROTECT Network"
    )
    assert_accessible(page)
    assert not ContactPoint.objects.exists()


def network_link_pages():
    """The network's pages reached by e-mailed links, in each state they can show."""
    member = ApprovedContactPointFactory(pending_email="new.address@example.org")
    used = ApprovedContactPointFactory()
    used.last_sign_in_at = used.created_at
    used.save()
    lapsed = ApprovedContactPointFactory(status=ContactPoint.Status.LAPSED)
    personal = f"/network/me/{links.personal_token(member)}/"
    return [
        f"/network/confirm/{links.confirmation_token(ContactPointFactory())}/",
        f"/network/confirm/{links.confirmation_token(member)}/",
        "/network/confirm/not-a-valid-token/",
        f"/network/sign-in/{links.sign_in_token(member)}/",
        f"/network/sign-in/{links.sign_in_token(used)}x/",
        f"/network/confirm-email/{links.new_email_token(member)}/",
        "/network/confirm-email/not-a-valid-token/",
        personal,
        f"{personal}withdraw/",
        f"/network/me/{links.personal_token(lapsed)}/",
        "/network/me/not-a-valid-token/",
        "/network/join/thanks/",
        "/network/sign-in/sent/",
        "/network/withdrawn/",
    ]


def test_every_page_reached_by_an_e_mailed_link_has_no_wcag_violations(page, site):
    for path in network_link_pages():
        page.goto(f"{site}{path}")
        results = Axe().run(page, options=WCAG_AA)
        assert results.violations_count == 0, f"{path}\n{results.generate_report()}"
