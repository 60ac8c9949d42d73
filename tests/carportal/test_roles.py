"""The staff roles made by carportal/migrations/0002_roles.py, as the admin treats them."""

import json
from datetime import date

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from network.models import ContactPoint, Departure
from tests.carportal.factories import TopicFactory
from tests.network.factories import ApprovedContactPointFactory, AwaitingReviewContactPointFactory
from tests.network.test_spreadsheets import export

pytestmark = pytest.mark.django_db

CONTENT_APPS = ["carportal", "meetings", "projects", "publications"]
CONTACT_POINTS = "/admin/network/contactpoint/"


def read_history():
    """Reading the change history, which both roles may (each the history of what it sees)."""
    return Permission.objects.get(content_type__app_label="auditlog", codename="view_logentry")


def held_by(group_name):
    return set(Group.objects.get(name=group_name).permissions.all())


def test_a_content_editor_holds_every_permission_on_the_content_and_none_on_the_network():
    # Everything in the content apps, but deleting reference data, which is retired instead,
    # and the about and contact pages, which are edited only; and reading the change history
    # (of the content only: tests/test_audit.py).
    expected = Permission.objects.filter(content_type__app_label__in=CONTENT_APPS).exclude(
        Q(content_type__app_label="carportal", codename__startswith="delete_")
        & ~Q(codename="delete_pagesection")
    )
    assert held_by("Content editor") == {*expected, read_history()}


def test_a_network_manager_holds_the_contact_points_and_what_goes_with_them():
    expected = Permission.objects.filter(
        Q(
            content_type__app_label="network",
            codename__in=[
                "view_contactpoint",
                "add_contactpoint",
                "change_contactpoint",
                "review_contactpoint",
                "export_contactpoint",
                "import_contactpoint",
                "view_departure",
                "view_outboxmessage",
            ],
        )
        | Q(content_type__app_label="carportal", codename="view_topic")
    )
    assert held_by("Network manager") == {*expected, read_history()}


def test_an_administrator_holds_every_permission():
    lacking = set(Permission.objects.all()) - held_by("Administrator")
    assert not lacking, (
        f"The Administrator group lacks {sorted(map(str, lacking))}: a new model's permissions "
        "go to the roles in a migration (see carportal/migrations/0002_roles.py)."
    )


@pytest.fixture
def client_in(client, django_user_model):
    """A client signed in as staff (not a superuser) in the group named."""

    def sign_in(group_name):
        user = django_user_model.objects.create_user(group_name.lower(), is_staff=True)
        user.groups.add(Group.objects.get(name=group_name))
        client.force_login(user)
        return client

    return sign_in


def network_admin_urls():
    """Every URL of every admin page of the network app, filled in with a sample object."""
    samples = {
        ContactPoint: ApprovedContactPointFactory(),
        Departure: Departure.objects.create(
            month=date(2026, 1, 1), reason=Departure.Reason.WITHDREW, count=1
        ),
    }
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label != "network":
            continue
        prefix = f"/admin/network/{model._meta.model_name}/"
        for pattern in model_admin.get_urls():
            route = str(pattern.pattern).replace("<path:object_id>", str(samples[model].pk))
            yield prefix + route


def test_a_content_editor_is_refused_every_admin_page_of_the_network(client_in):
    client = client_in("Content editor")
    urls = list(network_admin_urls())
    assert f"{CONTACT_POINTS}export/" in urls and "/admin/network/departure/" in urls

    for url in urls:
        # A GET-only or POST-only page refuses the other method (405) before asking who it is.
        answers = {
            client.get(url, follow=True).status_code,
            client.post(url, follow=True).status_code,
        }
        assert 403 in answers and answers <= {403, 405}, f"{url}: {answers}"


def test_a_content_editor_sees_no_network_in_the_admin(client_in):
    client = client_in("Content editor")
    index = client.get("/admin/")

    assert index.status_code == 200
    assert "Meetings" in index.content.decode()
    assert not [app for app in index.context["app_list"] if app["app_label"] == "network"]
    assert "/admin/network/" not in index.content.decode()
    assert client.get("/admin/network/").status_code == 404


def test_a_content_editor_edits_the_content(client_in):
    client = client_in("Content editor")

    for url in ("/admin/meetings/meeting/add/", "/admin/publications/publication/"):
        assert client.get(url).status_code == 200, url


def test_a_network_manager_lists_approves_and_exports_contact_points(
    client_in, django_capture_on_commit_callbacks
):
    client = client_in("Network manager")
    entry = AwaitingReviewContactPointFactory(email="reviewed@example.org")

    assert client.get(CONTACT_POINTS).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CONTACT_POINTS, {"action": "approve_selected", "_selected_action": [entry.pk]})
    entry.refresh_from_db()
    assert entry.status == ContactPoint.Status.APPROVED

    exported = export(client)
    assert exported.status_code == 200
    assert exported["Content-Disposition"].startswith("attachment;")
    assert "reviewed@example.org" in exported.content.decode()


def test_a_network_manager_searches_topics_for_a_contact_points_expertise(client_in):
    client = client_in("Network manager")
    topic = TopicFactory(name="Child trafficking")

    response = client.get(
        "/admin/autocomplete/",
        {
            "app_label": "network",
            "model_name": "contactpoint",
            "field_name": "expertise",
            "term": "traff",
        },
    )

    assert response.status_code == 200
    assert [r["id"] for r in json.loads(response.content)["results"]] == [str(topic.pk)]


def test_a_network_manager_edits_no_content(client_in):
    assert client_in("Network manager").get("/admin/meetings/meeting/").status_code == 403


def test_an_administrator_manages_users_without_being_a_superuser(client_in):
    client = client_in("Administrator")

    assert client.get("/admin/auth/user/").status_code == 200
    assert client.get("/admin/auth/group/add/").status_code == 200
