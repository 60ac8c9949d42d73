import re

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from carportal.admin import ActionCheckboxMixin
from carportal.models import Organisation as OrganisationModel
from carportal.models import Page, Publishable
from meetings.models import Meeting
from projects.models import Project, ProjectFunding
from publications.models import Publication
from tests.carportal.factories import CountryFactory, OrganisationFactory, TopicFactory
from tests.carportal.test_documents import pdf_bytes
from tests.meetings.factories import (
    MeetingDocumentFactory,
    MeetingFactory,
    MeetingSessionFactory,
    PresentationFactory,
    PresidencyFactory,
)
from tests.network.factories import ContactPointFactory
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
        # Each session's speakers, edited within it.
        **{
            f"sessions-{index}-presentations-{count}": "0"
            for index in (0, 1)
            for count in ("TOTAL_FORMS", "INITIAL_FORMS")
        },
    }
    data.update(overrides)
    return data


def test_each_rows_action_checkbox_is_the_one_django_would_write():
    rows = [
        PublicationFactory(title='Fish & "chips" <b>bold</b>'),
        ContactPointFactory(first_name="Zoë", last_name="O'Hara & <Sons>"),
    ]
    for row in rows:
        model_admin = admin.site._registry[type(row)]
        assert isinstance(model_admin, ActionCheckboxMixin)
        written = model_admin.action_checkbox(row)
        assert written == admin.ModelAdmin.action_checkbox(model_admin, row)
        assert "<b>" not in written and "<Sons>" not in written


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


def test_phase_of_offers_first_projects_and_other_fields_every_project(admin_client):
    first = ProjectFactory(acronym="PROTECT", title="Guidelines")
    ProjectFactory(acronym="PROTECT II", title="Training", parent=first)

    assert autocomplete(admin_client, Project, "parent", "protect") == ["PROTECT: Guidelines"]
    assert sorted(autocomplete(admin_client, Publication, "project", "protect")) == [
        "PROTECT II: Training",
        "PROTECT: Guidelines",
    ]


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


@pytest.mark.parametrize(
    "url",
    [
        "/admin/meetings/meeting/add/",
        "/admin/projects/project/add/",
        "/admin/publications/publication/add/",
        "/admin/meetings/presidency/add/",
    ],
)
def test_enter_saves_without_publishing_and_focus_starts_on_the_title(admin_client, url):
    page = admin_client.get(url).content.decode()

    start = re.search(r'<form[^>]* id="\w+_form"', page).start()
    form = page[start : page.index("</form>", start)]
    # Enter in a field presses the form's first submit button.
    first_submit = re.search(r'<input type="submit"[^>]*>', form).group()
    assert 'name="_save"' in first_submit
    assert form.index('name="_publish"') > form.index('name="_save"')
    [focused] = re.findall(r"<[^>]* autofocus[^>]*>", form)
    assert re.search(r'name="(title|name)"', focused)
    assert "admin/js/change_form.js" not in page  # it would move focus to the first button


def test_a_plain_save_of_a_draft_keeps_it_a_draft(admin_client):
    meeting = MeetingFactory(draft=True)
    url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    data = meeting_form(meeting.country, title="Renamed by Enter", slug=meeting.slug)

    admin_client.post(url, {**data, "status": "draft", "_save": "Save"})

    meeting.refresh_from_db()
    assert meeting.title == "Renamed by Enter"
    assert meeting.status == Publishable.Status.DRAFT


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("2027-03-10", "2027-03-10"), ("10.03.2027", "2027-03-10"), ("10/03/2027", "2027-03-10")],
)
def test_dates_are_read_day_first_or_iso(admin_client, typed, meant):
    country = CountryFactory()
    data = meeting_form(country, start_date=typed, end_date=typed, **{"sessions-0-date": typed})

    response = admin_client.post(reverse("admin:meetings_meeting_add"), data)

    assert response.status_code == 302, response.context["errors"]
    meeting = Meeting.objects.get(slug="tallinn-2025")
    assert str(meeting.start_date) == str(meeting.end_date) == meant
    assert str(meeting.sessions.get(position=1).date) == meant


def test_an_impossible_date_is_refused_with_the_expected_format(admin_client):
    data = meeting_form(CountryFactory(), start_date="31.02.2027")

    response = admin_client.post(reverse("admin:meetings_meeting_add"), data)

    assert response.status_code == 200
    assert not Meeting.objects.exists()
    assert "Enter a valid date." in str(response.context["errors"])


def test_date_and_time_fields_say_how_to_write_them(admin_client):
    page = admin_client.get(reverse("admin:meetings_meeting_add")).content.decode()

    assert "Write it as 2027-03-10 or 10.03.2027 (day first)." in page
    assert "On the 24-hour clock, such as 14:30." in page  # a session's start
    # The dates are the venue's, which no time zone converts: no offset warning.
    assert "css/admin.css" in page


def test_a_fake_pdf_edition_is_refused_at_its_field_and_nothing_is_saved(admin_client):
    data = {
        "title": "Guidelines on child trafficking",
        "slug": "guidelines-trafficking",
        "kind": "guidelines",
        "status": "published",
        "published_on": "2024-05-01",
        "published_precision": "day",
        "summary": "A summary.",
        "editions-TOTAL_FORMS": "1",
        "editions-INITIAL_FORMS": "0",
        "editions-0-language": "en",
        "editions-0-file": SimpleUploadedFile("guidelines-en.pdf", b"This is not a PDF file"),
        "_publish": "Save and publish",
    }

    response = admin_client.post(reverse("admin:publications_publication_add"), data)

    assert response.status_code == 200
    assert not Publication.objects.exists()
    page = response.content.decode()
    assert "“guidelines-en.pdf” is not a readable PDF file" in page


def test_deleting_an_organisation_in_use_explains_how_to_retire_it(admin_client):
    organisation = OrganisationFactory(name="Council of the Baltic Sea States")
    ProjectPartnerFactory(organisation=organisation)
    MeetingFactory().organisers.add(organisation)
    url = reverse("admin:carportal_organisation_delete", args=[organisation.pk])

    response = admin_client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "“Council of the Baltic Sea States” is not deleted" in page
    assert "1 project (partners)" in page and "1 meeting (organisers)" in page
    assert "untick “Active”" in page

    admin_client.post(url, {"post": "yes"})
    assert OrganisationModel.objects.filter(pk=organisation.pk).exists()


def test_an_unused_organisation_entered_by_mistake_can_be_deleted(admin_client):
    organisation = OrganisationFactory()
    url = reverse("admin:carportal_organisation_delete", args=[organisation.pk])

    assert "Are you sure" in admin_client.get(url).content.decode()
    admin_client.post(url, {"post": "yes"})
    assert not OrganisationModel.objects.filter(pk=organisation.pk).exists()


def test_a_content_editor_who_may_not_delete_is_told_why_not_forbidden(client, django_user_model):
    editor = django_user_model.objects.create_user("editor", is_staff=True)
    editor.groups.add(Group.objects.get(name="Content editor"))
    client.force_login(editor)
    topic = TopicFactory()

    response = client.get(reverse("admin:carportal_topic_delete", args=[topic.pk]))

    assert response.status_code == 200
    assert "retire it" in response.content.decode()
    assert "delete_selected" not in client.get("/admin/carportal/topic/").content.decode()


def test_a_long_title_is_refused_at_its_field_with_its_limit_not_cut_short(admin_client):
    page = admin_client.get(reverse("admin:meetings_meeting_add")).content.decode()
    title = re.search(r'<input type="text" name="title"[^>]*>', page).group()
    assert "maxlength" not in title  # the browser would cut a long paste silently
    assert "At most 255 characters." in page

    data = meeting_form(CountryFactory(), title="Expert meeting on Barnahus " * 12)
    response = admin_client.post(reverse("admin:meetings_meeting_add"), data)

    assert response.status_code == 200 and not Meeting.objects.exists()
    assert response.context["adminform"].form.errors["title"] == [
        "Ensure this value has at most 255 characters (it has 323)."
    ]


def test_the_slug_is_a_web_address_explained_in_words(admin_client):
    page = admin_client.get(reverse("admin:meetings_meeting_add")).content.decode()

    assert "Web address" in page
    assert "as in /meetings/this-part/" in page


def test_overlapping_presidencies_are_refused_at_the_start_date(admin_client):
    PresidencyFactory(name="Finnish Presidency", start_date="2023-07-01", end_date="2024-06-30")
    country = CountryFactory()
    data = {
        "name": "Overlapping presidency",
        "slug": "overlap",
        "country": country.pk,
        "status": "draft",
        "start_date": "2024-01-01",
        "end_date": "2024-12-31",
        "summary": "A summary.",
    }

    response = admin_client.post(reverse("admin:meetings_presidency_add"), data)

    errors = response.context["adminform"].form.errors
    assert "overlap the Finnish Presidency" in errors["start_date"][0]
    assert "__all__" not in errors


def test_long_texts_say_they_take_markdown(admin_client):
    page = admin_client.get(reverse("admin:projects_project_add")).content.decode()

    assert "Markdown: **bold**, *italic*" in page  # the description
    assert "Markdown within a line" in page  # the outcomes, one per line


def test_staff_add_speakers_within_the_meeting_form(admin_client):
    organisation = OrganisationFactory(name="Barnahus Iceland")
    data = meeting_form(
        CountryFactory(),
        **{
            "sessions-0-date": "2025-03-04",
            "sessions-1-date": "2025-03-05",
            "sessions-1-presentations-TOTAL_FORMS": "2",
            "sessions-1-presentations-0-speaker": "Bragi Guðbrandsson",
            "sessions-1-presentations-0-organisation": organisation.pk,
            "sessions-1-presentations-0-position": "1",
            "sessions-1-presentations-1-title": "Online grooming: what works",
            "sessions-1-presentations-1-speaker": "Kadri Näidis",
            "sessions-1-presentations-1-position": "2",
        },
    )

    response = admin_client.post(reverse("admin:meetings_meeting_add"), data)

    assert response.status_code == 302, response.context["errors"]
    workshop = Meeting.objects.get().sessions.get(position=2)
    assert [(p.speaker, p.organisation) for p in workshop.presentations.all()] == [
        ("Bragi Guðbrandsson", organisation),
        ("Kadri Näidis", None),
    ]


def test_a_session_outside_its_meeting_is_refused_at_its_date(admin_client):
    data = meeting_form(CountryFactory(), **{"sessions-1-date": "2025-03-07"})

    response = admin_client.post(reverse("admin:meetings_meeting_add"), data)

    assert response.status_code == 200 and not Meeting.objects.exists()
    page = response.content.decode()
    assert "This day is outside the meeting (4–5 March 2025)" in page


def test_moving_a_meeting_flags_the_sessions_it_leaves_behind(admin_client):
    country = CountryFactory()
    admin_client.post(
        reverse("admin:meetings_meeting_add"),
        meeting_form(country, **{"sessions-0-date": "2025-03-04", "sessions-1-date": "2025-03-05"}),
    )
    meeting = Meeting.objects.get()
    first, second = meeting.sessions.order_by("position")
    moved = meeting_form(
        country,
        start_date="2025-04-10",
        end_date="2025-04-11",
        **{
            "sessions-INITIAL_FORMS": "2",
            "sessions-0-id": first.pk,
            "sessions-0-meeting": meeting.pk,
            "sessions-0-date": "2025-03-04",
            "sessions-1-id": second.pk,
            "sessions-1-meeting": meeting.pk,
            "sessions-1-date": "2025-03-05",
        },
    )

    response = admin_client.post(reverse("admin:meetings_meeting_change", args=[meeting.pk]), moved)

    assert response.status_code == 200
    assert response.content.decode().count("This day is outside the meeting") == 2
    meeting.refresh_from_db()
    assert str(meeting.start_date) == "2025-03-04"  # nothing saved


def test_after_an_error_staff_are_told_which_files_to_choose_again(admin_client):
    data = {
        "title": "",  # forgotten: the page comes back with errors
        "slug": "guidelines-trafficking",
        "kind": "guidelines",
        "status": "draft",
        "summary": "A summary kept after the error.",
        "editions-TOTAL_FORMS": "1",
        "editions-INITIAL_FORMS": "0",
        "editions-0-language": "en",
        "editions-0-file": SimpleUploadedFile("guidelines-en.pdf", pdf_bytes()),
    }

    response = admin_client.post(reverse("admin:publications_publication_add"), data)

    page = response.content.decode()
    assert "Choose these files again before saving: guidelines-en.pdf." in page
    assert "A summary kept after the error." in page


def test_publishing_with_the_button_is_logged_as_a_change_of_status(admin_client):
    meeting = MeetingFactory(draft=True)
    url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    data = meeting_form(meeting.country, title=meeting.title, slug=meeting.slug)

    admin_client.post(url, {**data, "status": "draft", "_publish": "Save and publish"})

    logged = LogEntry.objects.get(object_id=str(meeting.pk)).get_change_message()
    assert "Status" in logged and "No fields changed" not in logged
