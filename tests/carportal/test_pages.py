"""The about and contact pages (carportal.Page): kept by staff, linked from every page."""

import re

import pytest
from django.urls import reverse

from carportal.models import Country, Page, PageSection
from tests.carportal.factories import CountryFactory, TopicFactory
from tests.sitemap import sitemap_paths

pytestmark = pytest.mark.django_db


def text(response):
    """The page's words, tags dropped and spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def change_form_data(page, **changes):
    """What the admin's change form posts for `page`, with `changes` to its fields and
    ``sections`` (a list of dicts) replacing its sections' values."""
    sections = changes.pop("sections", None) or [
        {"heading": s.heading, "text": s.text, "shows": s.shows, "position": s.position}
        for s in page.sections.all()
    ]
    existing = list(page.sections.all())
    data = {
        "title": page.title,
        "lead": page.lead,
        **changes,
        "sections-TOTAL_FORMS": len(sections),
        "sections-INITIAL_FORMS": len(existing),
        "sections-MIN_NUM_FORMS": 0,
        "sections-MAX_NUM_FORMS": 1000,
    }
    for i, values in enumerate(sections):
        data |= {f"sections-{i}-{name}": value for name, value in values.items()}
        data[f"sections-{i}-page"] = page.pk
        if i < len(existing):
            data[f"sections-{i}-id"] = existing[i].pk
    return data


def test_both_pages_exist_from_the_start_with_the_groups_story(client):
    about = text(client.get("/about/"))
    contact = text(client.get("/contact/"))

    assert "About the Expert Group on Children at Risk" in about
    assert "EU Strategy for the Baltic Sea Region" in about
    assert "Comprehensive and sustainable child protection" in about
    assert "Children at Risk Unit" in about
    assert "Children at Risk Unit at the CBSS Secretariat" in contact
    assert "Questions about the PROTECT Network" in contact


def test_staff_edit_the_about_page_in_the_admin_and_the_public_sees_it(admin_client, client):
    page = Page.objects.get(slug=Page.Slug.ABOUT)
    url = reverse("admin:carportal_page_change", args=[page.pk])
    sections = [
        {"heading": "Who we are", "text": "Write to car@example.org.", "shows": "", "position": 1}
    ]
    response = admin_client.post(
        url, change_form_data(page, lead="A new introduction.", sections=sections)
    )

    assert response.status_code == 302, response.context["adminform"].errors
    shown = client.get("/about/").content.decode()
    assert "A new introduction." in shown
    assert "<h2" in shown and "Who we are</h2>" in shown
    # An address typed in the text becomes a link to write to.
    assert '<a href="mailto:car@example.org">car@example.org</a>' in shown


def test_text_from_staff_is_escaped_not_run(client):
    page = Page.objects.get(slug=Page.Slug.CONTACT)
    PageSection.objects.create(page=page, heading="Note", text="<script>alert(1)</script>")

    html = client.get("/contact/").content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_the_about_page_lists_members_the_commissions_seat_and_former_members(
    client, django_assert_max_num_queries
):
    CountryFactory(code="fi", name="Finland", membership=Country.Membership.MEMBER)
    CountryFactory(code="eu", name="European Union", membership=Country.Membership.EUROPEAN_UNION)
    CountryFactory(code="ru", name="Russia", membership=Country.Membership.FORMER_MEMBER)
    CountryFactory(code="ua", name="Ukraine", membership=Country.Membership.NON_MEMBER)
    TopicFactory(name="Child-friendly justice", is_priority=True)
    TopicFactory(name="Not a priority", is_priority=False)

    # The page, its sections, the countries and the topics (and the request's savepoint).
    with django_assert_max_num_queries(6):
        about = text(client.get("/about/"))

    section = about.split("The member states are:")[1].split("Mandate and priorities")[0]
    states, seat_and_former = section.split("The European Commission holds a seat")
    assert states.split() == ["Finland"]
    assert seat_and_former.strip() == "in the group as well. Former CBSS members: Russia."
    assert "Child-friendly justice" in about and "Not a priority" not in about


@pytest.mark.parametrize("path", ["/", "/meetings/", "/network/join/", "/no-such-page/"])
def test_the_contact_page_is_one_click_away_from_any_page(client, path):
    html = client.get(path).content.decode()
    header, footer = html.split("<main")[0], html.split("</main>")[1]

    assert 'href="/contact/"' in header and 'href="/contact/"' in footer
    assert 'href="/about/"' in header and 'href="/about/"' in footer
    # The raw XML sitemap is for search engines, not a link for people.
    assert "sitemap.xml" not in footer


def test_the_pages_are_in_the_sitemap(client):
    paths = sitemap_paths(lambda path: client.get(path).content.decode())

    assert "/about/" in paths and "/contact/" in paths


def test_the_current_page_is_marked_in_the_main_navigation(client):
    html = client.get("/contact/").content.decode()

    assert '<a href="/contact/" aria-current="page">Contact</a>' in html
