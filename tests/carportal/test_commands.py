import json
import re

import pypdf
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


def test_seed_holds_the_meetings_the_groups_pages_name_each_with_its_project(capsys):
    seed(capsys)

    protect = Meeting.objects.filter(kind=Meeting.Kind.EXPERT_MEETING, projects__slug="protect")
    assert protect.count() == 5
    # The pages give the series' years, not each meeting's date or place.
    assert not protect.exclude(start_date=None, city="").exists()
    stockholm = Meeting.objects.get(city="Stockholm")
    assert (stockholm.period_label, stockholm.projects.get().slug) == ("2016", "protect-ii")
    assert stockholm.publications.get().slug == "protect-guidelines-addendum"
    assert Meeting.objects.get(city="Tallinn").projects.get().slug == "protect-ii"
    st_petersburg = Meeting.objects.get(city="St Petersburg")
    assert st_petersburg.projects.get().slug == "protect-iii"
    assert st_petersburg.country.membership == Country.Membership.FORMER_MEMBER
    roundtable = Meeting.objects.get(projects__slug="begging-criminality")
    assert roundtable.participants == 60
    case_management = Meeting.objects.get(slug="protect-expert-meeting-case-management")
    assert "Lithuanian Ombudsperson for Child Rights" in case_management.summary
    assert (
        not Meeting.objects.published().filter(projects=None).exclude(kind="expert_group_meeting")
    )


def test_seed_states_no_lead_partner_or_organiser_the_pages_do_not_give(capsys):
    seed(capsys)

    leads = dict(
        Project.objects.filter(partnerships__role="lead").values_list(
            "slug", "partnerships__organisation__name"
        )
    )
    assert leads == {
        "protect-ii": "CBSS Secretariat",
        "audtrain-ii": "CBSS Children at Risk Unit",
        "robert": "CBSS Expert Group on Children at Risk",
        "promise-trm": "CBSS Children at Risk Unit",
    }
    conference = Meeting.objects.get(slug="youth-criminality-trafficking-conference")
    assert not conference.organisers.exists() and not conference.co_organisers.exists()


def test_seed_pages_link_what_they_name_and_mark_their_files_as_samples(client, capsys):
    seed(capsys)

    guide = client.get("/publications/transnational-child-protection-practical-guide/")
    cycle = client.get("/publications/creating-a-cycle-of-protection/")
    helsinki = client.get("/meetings/eg-car-helsinki-2024-05/").content.decode()

    assert 'href="/publications/protect-guidelines/"' in guide.content.decode()
    assert 'href="/publications/in-need-of-targeted-support/"' in cycle.content.decode()
    assert helsinki.count("Finnish National Rapporteur on Trafficking in Human Beings") == 1
    assert "Sample file" in cycle.content.decode()
    assert not Edition.objects.filter(is_sample=False).exists()
    for edition in Edition.objects.all():
        with default_storage.open(edition.file.name) as handle:
            first_page = pypdf.PdfReader(handle).pages[0].extract_text()
        assert first_page.startswith("Placeholder document")
