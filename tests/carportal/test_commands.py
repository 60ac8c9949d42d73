import json
import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from carportal.models import Country
from meetings.models import Meeting, Presidency
from projects.models import Project
from publications.models import Edition, Publication

pytestmark = pytest.mark.django_db

SEED = settings.BASE_DIR / "fixtures" / "seed.json"


def seed(capsys):
    call_command("seed")
    return capsys.readouterr().out


def test_seed_loads_the_expert_groups_content_and_files(capsys):
    assert "Seed content loaded" in seed(capsys)

    assert Country.objects.filter(membership=Country.Membership.MEMBER).count() >= 10
    finnish = Presidency.objects.get(slug="finland-2023-2024")
    assert finnish.meetings.filter(kind=Meeting.Kind.EXPERT_GROUP_MEETING).count() == 3
    assert {m.city for m in finnish.meetings.all()} >= {"Rovaniemi", "Helsinki"}
    promise = Project.objects.get(slug="promise-trm")
    assert (promise.start_date.isoformat(), promise.end_date.isoformat()) == (
        "2022-04-18",
        "2024-09-17",
    )
    end_conference = promise.meetings.get(kind=Meeting.Kind.CONFERENCE)
    assert end_conference.sessions.filter(kind="parallel_workshop").count() == 4
    guide = Publication.objects.get(kind=Publication.Kind.PRACTICAL_GUIDE)
    assert sorted(guide.editions.values_list("language", flat=True)) == [
        "en",
        "et",
        "fi",
        "lt",
        "lv",
        "ru",
    ]
    assert Publication.objects.filter(kind=Publication.Kind.ADDENDUM, amends__isnull=False).exists()
    for edition in Edition.objects.all():
        assert default_storage.size(edition.file.name) == edition.file_size


def test_seed_twice_keeps_what_was_edited_in_between(capsys):
    seed(capsys)
    meeting = Meeting.objects.order_by("pk").first()
    meeting.title = "Edited by the secretariat"
    meeting.save()

    assert "already present" in seed(capsys)
    meeting.refresh_from_db()
    assert meeting.title == "Edited by the secretariat"


def test_seed_content_passes_model_validation(capsys):
    seed(capsys)
    for model in (Country, Presidency, Meeting, Project, Publication, Edition):
        for obj in model.objects.all():
            obj.full_clean()


def test_seed_contacts_are_roles_not_personal_numbers():
    text = SEED.read_text()
    assert not re.search(r"\+\d[\d ]{6,}", text)
    for row in json.loads(text):
        if row["model"] == "projects.project":
            assert "@" not in row["fields"].get("contact_role", "")


def test_local_admin_is_created_once_with_a_random_password(capsys, settings):
    settings.DEBUG = True

    call_command("ensure_local_admin")
    first = capsys.readouterr().out
    call_command("ensure_local_admin")
    second = capsys.readouterr().out

    password = re.search(r"password: (\S+)", first).group(1)
    assert len(password) >= 16
    assert get_user_model().objects.get(username="admin").check_password(password)
    assert "password" not in second
    assert get_user_model().objects.count() == 1


def test_local_admin_is_refused_outside_a_local_run():
    with pytest.raises(CommandError):
        call_command("ensure_local_admin")
