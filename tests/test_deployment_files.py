"""No Docker engine runs in CI, so the stack's description is checked as data."""

import gc
import re
import runpy

import pytest
import yaml
from django.conf import settings

ROOT = settings.BASE_DIR


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_runs_the_whole_stack(compose):
    assert set(compose["services"]) == {
        "web",
        "worker",
        "worker-pdf",
        "beat",
        "postgres",
        "redis",
    }


def test_every_service_has_a_healthcheck(compose):
    for name, service in compose["services"].items():
        assert service["healthcheck"]["test"], name


@pytest.mark.parametrize(
    ("service", "command"),
    [
        ("web", "gunicorn carportal.wsgi"),
        ("worker", "celery --app carportal worker"),
        ("worker-pdf", "celery --app carportal worker"),
        ("beat", "celery --app carportal beat"),
    ],
)
def test_application_services_run_the_portal(compose, service, command):
    definition = compose["services"][service]

    assert command in definition["command"]
    assert definition["build"] == "."
    assert definition["environment"]["DJANGO_SETTINGS_MODULE"] == "carportal.settings.production"
    assert definition["environment"]["DATABASE_URL"].startswith("postgres://")
    assert definition["environment"]["REDIS_URL"].startswith("redis://redis:")
    assert definition["depends_on"] == {
        "postgres": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
    }


def test_large_pdfs_have_a_worker_of_their_own_that_recycles_its_process(compose):
    worker, pdf_worker = compose["services"]["worker"], compose["services"]["worker-pdf"]

    # carportal.tasks.build_pdf is routed to the pdf queue (tests/test_pdf_jobs.py).
    assert "--queues celery " in worker["command"]
    assert "--queues pdf " in pdf_worker["command"]
    assert "--concurrency 1 " in pdf_worker["command"]
    # weasyprint keeps the memory it took: a fresh process for every document.
    assert "--max-tasks-per-child 1 " in pdf_worker["command"]
    per_child_kib = int(re.search(r"--max-memory-per-child (\d+)", pdf_worker["command"])[1])
    assert 600_000 <= per_child_kib < 1024 * 1024
    assert pdf_worker["mem_limit"] == "1g"
    assert "media:/app/media" in pdf_worker["volumes"]  # where the web process reads the files


def test_the_database_keeps_its_data_in_a_volume(compose):
    assert "postgres-data:/var/lib/postgresql/data" in compose["services"]["postgres"]["volumes"]
    assert "postgres-data" in compose["volumes"]


def test_web_migrates_and_checks_its_health_endpoint(compose):
    web = compose["services"]["web"]

    assert "migrate --no-input" in web["command"]
    assert "/health/" in " ".join(web["healthcheck"]["test"])


def test_dockerfile_builds_from_the_pinned_dependencies():
    dockerfile = (ROOT / "Dockerfile").read_text()

    assert re.search(r"^FROM python:3\.11", dockerfile, re.M)
    assert "pip install --no-cache-dir --group run" in dockerfile
    assert "collectstatic" in dockerfile
    assert re.search(r"^USER (?!root)", dockerfile, re.M)


def test_uploads_go_to_a_volume_the_application_user_can_write(compose):
    dockerfile = (ROOT / "Dockerfile").read_text()
    web = compose["services"]["web"]
    media_root = web["environment"]["MEDIA_ROOT"]
    user = re.search(r"^USER (\S+)", dockerfile, re.M)

    assert f"media:{media_root}" in web["volumes"]
    # A named volume takes the owner of the image's directory on first use, so the
    # directory must exist, owned by the user the application runs as, before USER.
    created = re.search(
        rf"^RUN install -d -o {user.group(1)} -g {user.group(1)} {media_root}$", dockerfile, re.M
    )
    assert created and created.start() < user.start()


def test_env_example_names_every_variable_the_readme_documents():
    readme = (ROOT / "README.md").read_text()
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", readme, re.M))
    example = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))

    assert example <= documented
    assert {
        "DATABASE_URL",
        "REDIS_URL",
        "SECRET_KEY",
        "DEBUG",
        "ALLOWED_HOSTS",
        "EMAIL_URL",
    } <= documented


def test_each_gunicorn_worker_freezes_what_loading_the_portal_made():
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    gc.unfreeze()
    try:
        config["post_worker_init"](worker=None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
