"""Staff preview a draft on its public page; nobody else learns that it exists."""

import pytest
from django.contrib.auth.models import Group

from tests.meetings.factories import MeetingFactory, PresidencyFactory
from tests.projects.factories import ProjectFactory
from tests.publications.factories import PublicationFactory

pytestmark = pytest.mark.django_db

BANNER = "Draft: only staff see this page."
DRAFTS = {
    "meeting": lambda: MeetingFactory(draft=True, title="Draft meeting on Barnahus"),
    "project": lambda: ProjectFactory(draft=True, title="Draft project on Barnahus"),
    "publication": lambda: PublicationFactory(draft=True, title="Draft publication on Barnahus"),
    "presidency": lambda: PresidencyFactory(draft=True, name="Draft presidency on Barnahus"),
}


@pytest.fixture
def editor(client, django_user_model):
    user = django_user_model.objects.create_user("editor", is_staff=True)
    user.groups.add(Group.objects.get(name="Content editor"))
    client.force_login(user)
    return client


@pytest.mark.parametrize("kind", DRAFTS)
def test_a_content_editor_previews_a_draft_under_a_banner_never_cached(editor, kind):
    draft = DRAFTS[kind]()

    response = editor.get(draft.get_absolute_url())

    assert response.status_code == 200
    page = response.content.decode()
    assert BANNER in page and "on Barnahus" in page
    opts = draft._meta
    assert f'href="/admin/{opts.app_label}/{opts.model_name}/{draft.pk}/change/"' in page
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"
    assert "(PDF)" not in page  # a draft has no PDF yet


@pytest.mark.parametrize("kind", DRAFTS)
def test_the_public_and_staff_without_the_right_get_404(client, django_user_model, kind):
    draft = DRAFTS[kind]()
    assert client.get(draft.get_absolute_url()).status_code == 404

    client.force_login(django_user_model.objects.create_user("clerk", is_staff=True))
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_a_published_page_seen_by_staff_has_no_banner(editor):
    meeting = MeetingFactory(title="Published meeting")

    response = editor.get(meeting.get_absolute_url())

    assert BANNER not in response.content.decode()
    assert "X-Robots-Tag" not in response


def test_the_preview_shows_only_published_links_as_the_public_will(editor):
    draft_project = ProjectFactory(draft=True, title="Unpublished project")
    meeting = MeetingFactory(draft=True)
    meeting.projects.add(draft_project, ProjectFactory(title="Published project"))

    page = editor.get(meeting.get_absolute_url()).content.decode()

    assert "Published project" in page
    assert "Unpublished project" not in page
