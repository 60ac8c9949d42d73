import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse

from carportal.models import Page, Publishable
from meetings.models import Meeting
from projects.models import Project, ProjectFunding
from tests.carportal.factories import CountryFactory, OrganisationFactory, TopicFactory
from tests.meetings.factories import (
    MeetingDocumentFactory,
    MeetingFactory,
    MeetingSessionFactory,
    PresentationFactory,
    PresidencyFactory,
)
from tests.projects.factories import ProjectFactory, ProjectFundingFactory, ProjectPartnerFactory
from tests.publications.factories import EditionFactory, PublicationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def content():
    session = MeetingSessionFactory(meeting__presidency=PresidencyFactory())
    PresentationFactory(session=session)
    project = ProjectFactory()
    ProjectPartnerFactory(project=project)
    ProjectFundingFactory(project=project)
    EditionFactory(publication=PublicationFactory(project=project))
    TopicFactory()
    OrganisationFactory()


@pytest.mark.parametrize(
    "model",
    [
        m
        for m in admin.site._registry
        if m._meta.app_label in {"carportal", "meetings", "projects", "publications"}
    ],
    ids=lambda m: m.__name__,
)
def test_every_back_office_page_renders(admin_client, content, model):
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    obj = model.objects.first()

    assert admin_client.get(changelist).status_code == 200
    assert admin_client.get(f"{changelist}?q=a").status_code == 200
    # The about and contact pages are only ever edited (carportal.Page).
    add = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    assert add.status_code == (403 if model is Page else 200)
    change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    assert admin_client.get(change).status_code == 200


def meeting_form(country, **overrides):
    data = {
        "title": "Expert group meeting in Tallinn",
        "slug": "tallinn-2025",
        "kind": Meeting.Kind.EXPERT_GROUP_MEETING,
        "status": Publishable.Status.DRAFT,
        "start_date": "2025-03-04",
        "end_date": "2025-03-05",
        "start_precision": "day",
        "end_precision": "day",
        "city": "Tallinn",
        "country": country.pk,
        "summary": "The first meeting of the year.",
        "sessions-TOTAL_FORMS": "2",
        "sessions-INITIAL_FORMS": "0",
        "sessions-0-title": "National developments",
        "sessions-0-kind": "session",
        "sessions-0-position": "1",
        "sessions-1-title": "Joint workshop on online exploitation",
        "sessions-1-kind": "parallel_workshop",
        "sessions-1-position": "2",
        "documents-TOTAL_FORMS": "0",
        "documents-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_staff_create_a_meeting_with_its_programme_and_publish_it(admin_client, client):
    country = CountryFactory(code="ee", name="Estonia")
    add = reverse("admin:meetings_meeting_add")

    response = admin_client.post(add, meeting_form(country, _save_draft="Save as draft"))
    assert response.status_code == 302
    meeting = Meeting.objects.get(slug="tallinn-2025")
    assert meeting.status == Publishable.Status.DRAFT
    assert list(meeting.sessions.values_list("title", flat=True)) == [
        "National developments",
        "Joint workshop on online exploitation",
    ]
    assert client.get(meeting.get_absolute_url()).status_code == 404

    change = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    data = meeting_form(country, _publish="Save and publish")
    data.update({"sessions-TOTAL_FORMS": "2", "sessions-INITIAL_FORMS": "2"})
    for index, session in enumerate(meeting.sessions.all()):
        data[f"sessions-{index}-id"] = session.pk
        data[f"sessions-{index}-meeting"] = meeting.pk
    assert admin_client.post(change, data).status_code == 302

    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Joint workshop on online exploitation" in page
    assert (
        "Expert group meeting in Tallinn" in client.get(reverse("meetings:list")).content.decode()
    )


def test_bad_meeting_input_is_refused_with_a_message_and_nothing_saved(admin_client):
    country = CountryFactory()
    data = meeting_form(country, end_date="2025-03-01", _publish="Save and publish")

    response = admin_client.post(reverse("admin:meetings_meeting_add"), data)

    assert response.status_code == 200
    assert "end date must not be before the start date" in response.content.decode()
    assert response.context["adminform"].form["title"].value() == "Expert group meeting in Tallinn"
    assert not Meeting.objects.exists()


def test_unpublish_action_hides_a_meeting_from_the_public(admin_client, client):
    meeting = MeetingFactory(title="Visible meeting")
    assert "Visible meeting" in client.get(reverse("meetings:list")).content.decode()

    admin_client.post(
        reverse("admin:meetings_meeting_changelist"),
        {"action": "unpublish", "_selected_action": [meeting.pk]},
    )

    meeting.refresh_from_db()
    assert meeting.status == Publishable.Status.DRAFT
    assert "Visible meeting" not in client.get(reverse("meetings:list")).content.decode()
    assert client.get(meeting.get_absolute_url()).status_code == 404


def test_reference_data_cannot_be_deleted_only_retired(admin_client):
    country = CountryFactory()

    response = admin_client.get(reverse("admin:carportal_country_delete", args=[country.pk]))

    assert response.status_code == 403


def test_staff_set_how_precisely_a_meeting_date_is_known(admin_client, client):
    data = meeting_form(
        CountryFactory(),
        start_date="2026-06-01",
        start_precision="month",
        end_date="",
        _publish="Save and publish",
    )

    assert admin_client.post(reverse("admin:meetings_meeting_add"), data).status_code == 302

    page = client.get(Meeting.objects.get().get_absolute_url()).content.decode()
    assert "June 2026" in page
    assert "1 June 2026" not in page


def autocomplete(admin_client, model, field, term=""):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": model._meta.app_label,
            "model_name": model._meta.model_name,
            "field_name": field,
            "term": term,
        },
    )
    return [result["text"] for result in response.json()["results"]]


def test_retired_reference_data_is_not_offered_for_new_records(admin_client):
    TopicFactory(name="Current topic")
    retired = TopicFactory(name="Retired topic", is_active=False)
    OrganisationFactory(name="Current funder", funder=True)
    OrganisationFactory(name="Retired funder", funder=True, is_active=False)

    assert autocomplete(admin_client, Meeting, "topics") == ["Current topic"]
    assert autocomplete(admin_client, Project, "topics", "topic") == ["Current topic"]
    assert autocomplete(admin_client, ProjectFunding, "funder", "funder") == ["Current funder"]
    data = meeting_form(CountryFactory(), topics=[retired.pk], _save_draft="Save as draft")
    response = admin_client.post(reverse("admin:meetings_meeting_add"), data)
    assert response.status_code == 200
    assert "Select a valid choice" in str(response.context["adminform"].form.errors["topics"])
    assert not Meeting.objects.exists()


def test_a_record_keeps_its_retired_topic_when_edited(admin_client):
    country = CountryFactory()
    retired = TopicFactory(is_active=False)
    meeting = MeetingFactory(slug="tallinn-2025", country=country, topics=[retired])

    data = meeting_form(country, topics=[retired.pk], title="Renamed", _save_draft="Draft")
    response = admin_client.post(reverse("admin:meetings_meeting_change", args=[meeting.pk]), data)

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.title == "Renamed"
    assert list(meeting.topics.all()) == [retired]


def test_staff_open_a_draft_publications_file_and_the_public_cannot(admin_client, client):
    edition = EditionFactory(publication=PublicationFactory(draft=True))
    change = reverse("admin:publications_publication_change", args=[edition.publication.pk])

    assert edition.file.url in admin_client.get(change).content.decode()
    response = admin_client.get(edition.file.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 edition"
    assert client.get(edition.file.url).status_code == 302  # to the admin's sign-in
    assert admin_client.get(edition.file.url + "x").status_code == 404


def test_staff_without_permission_to_view_a_file_get_404(client, django_user_model):
    edition = EditionFactory()
    document = MeetingDocumentFactory()
    staff = django_user_model.objects.create_user("editor", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_meetingdocument"))
    client.force_login(staff)

    assert client.get(edition.file.url).status_code == 404
    assert client.get(document.file.url).status_code == 200
