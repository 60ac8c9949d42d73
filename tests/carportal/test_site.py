import datetime
import json
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from meetings.models import Meeting
from tests.carportal.test_settings import run_python
from tests.meetings.factories import MeetingFactory, PresidencyFactory
from tests.projects.factories import ProjectFactory, ProjectPartnerFactory
from tests.publications.factories import EditionFactory, PublicationFactory
from tests.sitemap import sitemap_paths

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


@pytest.fixture
def content():
    presidency = PresidencyFactory(
        name="Current Presidency",
        start_date=TODAY - datetime.timedelta(days=100),
        end_date=TODAY + datetime.timedelta(days=200),
    )
    PresidencyFactory(
        name="Older Presidency",
        start_date=datetime.date(2019, 7, 1),
        end_date=datetime.date(2020, 6, 30),
    )
    meeting = MeetingFactory(
        title="Next meeting",
        start_date=TODAY + datetime.timedelta(days=5),
        end_date=None,
        presidency=presidency,
    )
    MeetingFactory(
        title="Last meeting", start_date=TODAY - datetime.timedelta(days=5), end_date=None
    )
    MeetingFactory(
        title="Draft meeting",
        start_date=TODAY + datetime.timedelta(days=6),
        end_date=None,
        draft=True,
    )
    project = ProjectFactory(
        title="Running project", start_date=TODAY, end_date=TODAY + datetime.timedelta(days=365)
    )
    ProjectPartnerFactory(project=project, organisation__name="CBSS Children at Risk Unit")
    publication = PublicationFactory(title="Newest guide")
    EditionFactory(publication=publication)
    return [presidency, meeting, project, publication]


def public_urls(objects):
    return [
        reverse("home"),
        reverse("meetings:presidency_list"),
        reverse("meetings:list"),
        reverse("projects:list"),
        reverse("publications:list"),
        reverse("network:index"),
        *(obj.get_absolute_url() for obj in objects),
    ]


def test_home_shows_presidency_meetings_publications_and_projects(client, content):
    response = client.get(reverse("home"))

    html = response.content.decode()
    assert response.context["presidency"].name == "Current Presidency"
    for text in (
        "Current Presidency",
        "Next meeting",
        "Last meeting",
        "Newest guide",
        "Running project",
        "CBSS Children at Risk Unit",
    ):
        assert text in html
    assert "Draft meeting" not in html


def test_home_with_no_content_still_renders(client):
    assert client.get(reverse("home")).status_code == 200


def test_every_public_page_has_one_h1_a_main_landmark_and_a_skip_link(client, content):
    for url in public_urls(content):
        html = client.get(url).content.decode()
        assert len(re.findall(r"<h1[\s>]", html)) == 1, url
        assert len(re.findall(r"<main[\s>]", html)) == 1, url
        assert re.search(r'<html lang="en"', html), url
        assert 'href="#main"' in html, url


def test_unknown_page_gets_the_portal_404_page(client, settings):
    settings.DEBUG = False

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "<h1" in response.content.decode()
    assert 'href="#main"' in response.content.decode()


def test_security_headers_on_every_response(client, content):
    for url in [*public_urls(content), reverse("admin:login"), "/no-such-page/"]:
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        script_src = re.search(r"script-src ([^;]*)", policy).group(1)
        assert "'unsafe-inline'" not in script_src, url
        assert "default-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"


def test_public_pages_have_no_inline_scripts_or_styles(client, content):
    for url in public_urls(content):
        html = client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert "<style" not in html and " style=" not in html, url


def test_sitemap_lists_published_pages_only(client, content):
    draft = Meeting.objects.get(title="Draft meeting")

    paths = sitemap_paths(lambda path: client.get(path).content.decode())

    for obj in content:
        assert obj.get_absolute_url() in paths
    assert reverse("network:index") in paths
    assert draft.get_absolute_url() not in paths


def test_health_reports_every_service(client, settings):
    response = client.get(reverse("health"))

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
        # Without REDIS_URL, Celery runs tasks in-process: no broker to be down.
        "broker": "eager" if settings.CELERY_TASK_ALWAYS_EAGER else "ok",
    }


def test_no_model_change_lacks_a_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.parametrize("rows", [5, 50])
def test_home_and_network_pages_run_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, rows
):
    PresidencyFactory(
        start_date=TODAY - datetime.timedelta(days=10),
        end_date=TODAY + datetime.timedelta(days=300),
    )
    for index in range(rows):
        MeetingFactory(start_date=TODAY + datetime.timedelta(days=index + 1), end_date=None)
        MeetingFactory(start_date=TODAY - datetime.timedelta(days=index + 1), end_date=None)
        project = ProjectFactory(end_date=TODAY + datetime.timedelta(days=30))
        ProjectPartnerFactory(project=project)
        EditionFactory(publication=PublicationFactory())

    # Eight reads, plus the savepoint pair of ATOMIC_REQUESTS in tests' transaction.
    with django_assert_max_num_queries(10):
        assert client.get(reverse("home")).status_code == 200
    with django_assert_max_num_queries(2):
        assert client.get(reverse("network:index")).status_code == 200


def test_health_says_degraded_but_serving_when_redis_is_down(client, settings, caplog):
    closed_port = "redis://127.0.0.1:1/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": closed_port,
        }
    }
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = closed_port

    response = client.get(reverse("health"))

    # Pages render without Redis, so the load balancer must keep sending traffic.
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "database": "ok",
        "cache": "error",
        "broker": "error",
    }
    assert "the cache does not answer" in caplog.text
    assert "the broker does not answer" in caplog.text


HEALTH_REQUEST = """
import django
django.setup()
from django.test import Client
response = Client().get("/health/")
print(response.status_code, response["Content-Type"])
print(response.content.decode())
"""


@pytest.mark.parametrize(
    "database_url",
    [
        "postgres://postgres@127.0.0.1:1/carportal",
        "sqlite:////nonexistent-directory/db.sqlite3",
    ],
    ids=["postgresql-closed-port", "sqlite-unopenable-file"],
)
def test_health_answers_503_json_when_the_database_is_unreachable(database_url):
    # A fresh interpreter whose only database really is unreachable: the suite's own
    # connection stays untouched.
    result = run_python(
        HEALTH_REQUEST,
        "carportal.settings.test",
        DATABASE_URL=database_url,
        ALLOWED_HOSTS="testserver",
    )

    assert result.returncode == 0, result.stderr
    status_line, body = result.stdout.splitlines()
    assert status_line == "503 application/json"
    assert json.loads(body) == {
        "status": "error",
        "database": "error",
        "cache": "ok",
        "broker": "eager",
    }
    assert "the database does not answer" in result.stderr
