"""The members' directory as a CSV download (/network/directory.csv)."""

import csv
import io

import pytest
from django.contrib.auth.models import Permission

from network.models import ContactPoint
from tests.carportal.factories import TopicFactory
from tests.network.factories import (
    ApprovedContactPointFactory,
    AwaitingReviewContactPointFactory,
    ContactPointFactory,
)

pytestmark = pytest.mark.django_db

CSV = "/network/directory.csv"


def read(response):
    assert response.content.startswith(b"\xef\xbb\xbf")  # so Excel reads it as UTF-8
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_a_member_downloads_the_filtered_list_with_what_members_chose_to_show(signed_in):
    client = signed_in(ApprovedContactPointFactory(country="SE", last_name="Viewer"))
    topic = TopicFactory(slug="child-trafficking", name="Child trafficking")
    shown = ApprovedContactPointFactory(
        first_name="Åsa",
        last_name="Šķēle-Virtanen",
        country="FI",
        organisation="=Lastensuojelu",
        job_title="Senior social worker",
        phone="+358401111111",
        show_phone=True,
    )
    shown.expertise.add(topic)
    for code in ("fi", "sv"):
        shown.languages.create(language=code)
    ApprovedContactPointFactory(
        last_name="Hidden",
        country="FI",
        phone="+358402222222",
        show_phone=False,
        job_title="Secret title",
        show_job_title=False,
    )
    AwaitingReviewContactPointFactory(country="FI", last_name="Waiting")
    ContactPointFactory(country="FI", last_name="Unconfirmed")

    response = client.get(CSV, {"country": "FI"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == ('attachment; filename="protect-network-members.csv"')
    assert response["X-Robots-Tag"] == "noindex"
    assert {"private", "no-store"} <= {
        directive.strip() for directive in response["Cache-Control"].split(",")
    }
    header, *rows = read(response)
    assert header == [
        "First name",
        "Last name",
        "Job title",
        "Organisation",
        "Country",
        "Profession or sector",
        "Languages",
        "Areas of expertise",
        "E-mail",
        "Phone",
    ]
    hidden = ContactPoint.objects.get(last_name="Hidden")
    assert rows == [
        [
            "Firstname" + hidden.first_name.removeprefix("Firstname"),
            "Hidden",
            "",
            "Example Child Welfare Office",
            "Finland",
            "Child welfare",
            "",
            "",
            hidden.email,
            "",
        ],
        [
            "Åsa",
            "Šķēle-Virtanen",
            "Senior social worker",
            "'=Lastensuojelu",
            "Finland",
            "Child welfare",
            "Finnish; Swedish",
            "Child trafficking",
            shown.email,
            "'+358 40 1111111",
        ],
    ]


def test_the_directory_links_to_its_csv_with_the_same_filters(signed_in):
    client = signed_in(ApprovedContactPointFactory(country="FI"))

    page = client.get("/network/directory/", {"country": "FI", "page": "1"}).content.decode()

    assert f'href="{CSV}?country=FI"' in page
    assert "Download this list as CSV" in page


def test_an_invalid_filter_leads_back_to_the_page_that_explains_it(signed_in):
    client = signed_in(ApprovedContactPointFactory())

    response = client.get(CSV, {"country": "XX"})

    assert response.status_code == 302
    assert response["Location"] == "/network/directory/?country=XX"


def test_only_members_and_staff_allowed_to_see_contact_points_get_it(client, django_user_model):
    ApprovedContactPointFactory()
    assert client.get(CSV)["Location"] == "/network/sign-in/"

    staff = django_user_model.objects.create_user("editor", is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="meetings"))
    client.force_login(staff)
    assert client.get(CSV)["Location"] == "/network/sign-in/"

    staff.user_permissions.add(Permission.objects.get(codename="view_contactpoint"))
    response = client.get(CSV)
    assert response.status_code == 200 and len(read(response)) == 2


@pytest.mark.parametrize("rows", [5, 50])
def test_the_csv_runs_a_fixed_number_of_queries(signed_in, django_assert_max_num_queries, rows):
    client = signed_in(ApprovedContactPointFactory())
    topic = TopicFactory(slug="child-trafficking")
    for _ in range(rows):
        member = ApprovedContactPointFactory()
        member.expertise.add(topic)
        member.languages.create(language="en")

    # The header, the members and, unfiltered, the reader.
    for query, lines in [("", rows + 2), ("?language=en&expertise=child-trafficking", rows + 1)]:
        # As the page: the session and the member are read and the session saved.
        with django_assert_max_num_queries(12):
            response = client.get(f"{CSV}{query}")
        assert len(read(response)) == lines
