"""The members' directory as a PDF (/network/directory.pdf)."""

import pytest
from django.contrib.auth.models import Permission

from network.views import DirectoryPdfView
from tests.carportal.factories import TopicFactory
from tests.network.factories import (
    ApprovedContactPointFactory,
    AwaitingReviewContactPointFactory,
)
from tests.test_pdf import pdf_reader, pdf_text, requires_weasyprint

pytestmark = pytest.mark.django_db

PDF = "/network/directory.pdf"


def outline(reader):
    """The titles of the PDF's bookmarks, nested ones included."""

    def walk(items):
        for item in items:
            if isinstance(item, list):
                yield from walk(item)
            else:
                yield item.title

    return list(walk(reader.outline))


@requires_weasyprint
def test_a_member_downloads_the_filtered_list_with_what_members_chose_to_show(signed_in):
    client = signed_in(ApprovedContactPointFactory(country="SE", last_name="Viewer"))
    shown = ApprovedContactPointFactory(
        first_name="Rūta",
        last_name="Šķēle-Ivanova",
        country="LT",
        organisation="Vaiko teisių apsaugos tarnyba",
        job_title="Vyresnioji specialistė",
        show_job_title=True,
        phone="+37061234567",
        show_phone=True,
    )
    shown.expertise.add(TopicFactory(slug="trafficking", name="Торговля детьми"))
    shown.languages.create(language="lt")
    ApprovedContactPointFactory(
        last_name="Hiddenphone",
        country="LT",
        phone="+37069999999",
        show_phone=False,
        job_title="Secret title",
        show_job_title=False,
    )
    AwaitingReviewContactPointFactory(country="LT", last_name="Waiting")

    response = client.get(PDF, {"country": "LT"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="protect-network-members.pdf"' in response["Content-Disposition"]
    assert response["X-Robots-Tag"] == "noindex"
    assert {"private", "no-store"} <= {
        directive.strip() for directive in response["Cache-Control"].split(",")
    }
    text = pdf_text(response.content)
    assert "PROTECT Network: members' directory" in text
    assert "2 members" in text and "Country: Lithuania" in text
    assert "do not pass this list on" in text
    for expected in [
        "Rūta Šķēle-Ivanova",
        "Vyresnioji specialistė, Vaiko teisių apsaugos tarnyba",
        "Торговля детьми",
        shown.email,
        "+370 612 34567",
        "Hiddenphone",
        "Page 2 of 2",
    ]:
        assert expected in text
    for absent in ["Viewer", "Waiting", "+370 699", "Secret title"]:
        assert absent not in text
    reader = pdf_reader(response.content)
    assert reader.metadata.title == "PROTECT Network: members' directory"
    assert {"Rūta Šķēle-Ivanova", f"{shown.first_name} Šķēle-Ivanova"} & set(outline(reader))


def test_the_directory_links_to_its_pdf_with_the_same_filters(signed_in):
    client = signed_in(ApprovedContactPointFactory(country="FI"))

    page = client.get("/network/directory/", {"country": "FI", "page": "1"}).content.decode()

    assert f'href="{PDF}?country=FI"' in page
    assert "Download this list as PDF" in page


def test_an_invalid_filter_leads_back_to_the_page_that_explains_it(signed_in):
    client = signed_in(ApprovedContactPointFactory())

    response = client.get(PDF, {"country": "XX"})

    assert response.status_code == 302
    assert response["Location"] == "/network/directory/?country=XX"


def test_a_list_too_long_for_one_request_is_sent_back_to_be_narrowed(signed_in, monkeypatch):
    monkeypatch.setattr(DirectoryPdfView, "max_members", 2)
    client = signed_in(ApprovedContactPointFactory(country="FI"))
    ApprovedContactPointFactory.create_batch(2, country="FI")

    response = client.get(PDF, {"country": "FI"})

    assert response.status_code == 302
    assert response["Location"] == "/network/directory/?country=FI"
    page = client.get(response["Location"]).content.decode()
    assert "A PDF holds at most 2 members and this list has 3" in page


@requires_weasyprint
def test_only_members_and_staff_allowed_to_see_contact_points_get_it(client, django_user_model):
    member = ApprovedContactPointFactory()
    assert client.get(PDF)["Location"] == "/network/sign-in/"

    staff = django_user_model.objects.create_user("editor", is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="meetings"))
    client.force_login(staff)
    assert client.get(PDF)["Location"] == "/network/sign-in/"

    staff.user_permissions.add(Permission.objects.get(codename="view_contactpoint"))
    response = client.get(PDF)
    assert response.status_code == 200 and member.email in pdf_text(response.content)


@requires_weasyprint
def test_network_staff_export_the_selected_approved_members_from_the_admin(client, network_staff):
    client.force_login(network_staff)
    chosen = ApprovedContactPointFactory(last_name="Chosen")
    ApprovedContactPointFactory(last_name="Unselected")
    waiting = AwaitingReviewContactPointFactory(last_name="Waiting")

    response = client.post(
        "/admin/network/contactpoint/",
        {"action": "export_pdf", "_selected_action": [chosen.pk, waiting.pk]},
    )

    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    text = pdf_text(response.content)
    assert "1 member" in text and "Chosen" in text
    assert "Unselected" not in text and "Waiting" not in text


def test_the_admin_explains_why_members_awaiting_review_are_not_exported(client, network_staff):
    client.force_login(network_staff)
    waiting = AwaitingReviewContactPointFactory()

    response = client.post(
        "/admin/network/contactpoint/",
        {"action": "export_pdf", "_selected_action": [waiting.pk]},
        follow=True,
    )

    assert "Only approved members are in the directory" in response.content.decode()
