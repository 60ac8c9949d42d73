"""A draft publication scheduled to go public on a day (docs/adr/0009)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from carportal.models import Publishable
from publications.models import Publication, publish_scheduled
from publications.tasks import publish_scheduled_publications
from tests.publications.factories import PublicationFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 24)


def test_a_draft_goes_public_on_its_day_and_not_before(client):
    due = PublicationFactory(draft=True, title="Report launched today", publish_on=TODAY)
    later = PublicationFactory(
        draft=True, title="Report for next week", publish_on=TODAY + datetime.timedelta(days=7)
    )
    PublicationFactory(draft=True, title="Plain draft")

    assert publish_scheduled(today=TODAY) == [due]

    due.refresh_from_db()
    assert due.status == Publishable.Status.PUBLISHED and due.publish_on is None
    later.refresh_from_db()
    assert later.status == Publishable.Status.DRAFT
    page = client.get("/publications/").content.decode()
    assert "Report launched today" in page
    assert "Report for next week" not in page and "Plain draft" not in page


def test_the_task_publishes_what_is_due():
    due = PublicationFactory(draft=True, publish_on=timezone.localdate())

    publish_scheduled_publications.apply()  # as the beat would have it run, here

    due.refresh_from_db()
    assert due.status == Publishable.Status.PUBLISHED


def test_a_day_in_the_past_is_refused_and_publishing_now_clears_the_day():
    publication = PublicationFactory.build(draft=True, publish_on=datetime.date(2020, 1, 1))
    with pytest.raises(ValidationError) as error:
        publication.clean()
    assert error.value.message_dict["publish_on"] == [
        "That day has passed: choose a later one, or publish now."
    ]

    publication.status = Publishable.Status.PUBLISHED
    publication.clean()
    assert publication.publish_on is None


def test_staff_schedule_a_draft_in_the_admin(admin_client):
    draft = PublicationFactory(draft=True)
    url = reverse("admin:publications_publication_change", args=[draft.pk])
    page = admin_client.get(url).content.decode()
    assert "Go public on" in page

    changelist = admin_client.get("/admin/publications/publication/").content.decode()
    assert "column-publish_on" in changelist
    assert Publication.objects.get(pk=draft.pk).status == Publishable.Status.DRAFT


def test_the_preview_of_a_scheduled_draft_says_when_it_goes_public(admin_client):
    draft = PublicationFactory(draft=True, publish_on=datetime.date(2027, 3, 10))

    page = admin_client.get(draft.get_absolute_url()).content.decode()

    assert "It is scheduled to go public on 10 March 2027." in page
