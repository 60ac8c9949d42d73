"""Pages stay quick as content grows: fixed query counts over demo data, a sitemap in pages,
and admin forms that never list a growing table. Speed itself is measured in bench/scale.py."""

import io
import math
from urllib.parse import urlsplit

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

from carportal.models import Country, Topic
from carportal.site.sitemaps import PublishedSitemap
from publications.models import Publication
from tests.sitemap import sitemap_paths

pytestmark = pytest.mark.django_db

# Tables that grow with the portal's content: an admin form must never offer all their rows.
SMALL_TABLES = {Country, Topic}
CONTENT_APPS = {"carportal", "meetings", "projects", "publications", "network"}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The seed content and demo data at scale 1 (200 publications, 30 meetings with
    programmes, 10 projects, 100 organisations and contact points); rolled back after."""
    with django_db_blocker.unblock(), transaction.atomic(), override_settings(DEBUG=True):
        call_command("seed", verbosity=0)
        call_command("seed_demo", "--scale", "1", stdout=io.StringIO())
        yield get_user_model().objects.create_superuser("scale-admin")
        transaction.set_rollback(True)


def last_page():
    count = Publication.objects.published().count()
    return math.ceil(count / 20)


PUBLIC = [
    "/publications/",
    "/publications/?language=fi",
    "/publications/?kind=report&topic=child-trafficking&year=2020",
    "/meetings/",
    "/meetings/?when=past&kind=training",
    "/projects/",
    "/projects/?status=concluded",
    "/presidencies/",
    "/sitemap.xml",
    "/sitemap-publications.xml",
    "/sitemap-meetings.xml",
]


@pytest.mark.parametrize("url", PUBLIC)
def test_public_lists_and_the_sitemap_run_a_fixed_number_of_queries(
    demo, client, django_assert_max_num_queries, url
):
    # The same bounds as with 5 and 50 rows (tests/*/test_views.py): no query per row.
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


def test_the_last_page_of_a_long_list_reads_its_rows_by_key(
    demo, client, django_assert_max_num_queries
):
    last = last_page()
    response = client.get(f"/publications/?page={last}")

    shown = [publication.pk for publication in response.context["publications"]]
    ordered = list(Publication.objects.published().values_list("pk", flat=True))
    assert shown == ordered[(last - 1) * 20 :]
    with django_assert_max_num_queries(12):
        client.get(f"/publications/?page={last}")


ADMIN_LISTS = [
    m for m in admin.site._registry if m._meta.app_label in CONTENT_APPS - {"carportal"}
] + [m for m in admin.site._registry if m._meta.app_label == "carportal"]


@pytest.mark.parametrize("model", ADMIN_LISTS, ids=lambda m: m.__name__)
def test_admin_lists_run_a_fixed_number_of_queries(demo, django_assert_max_num_queries, model):
    client = Client()
    client.force_login(demo)
    url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"

    # A page of 100 rows: a query per row would be a hundred.
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(f"{url}?q=a").status_code == 200


def test_the_sitemap_comes_in_pages_that_list_every_published_page(demo, client, monkeypatch):
    monkeypatch.setattr(PublishedSitemap, "limit", 60)

    index = client.get("/sitemap.xml").content.decode()
    paths = sitemap_paths(lambda path: client.get(path).content.decode())

    pages = math.ceil(Publication.objects.published().count() / 60)
    assert pages > 2
    for page in range(2, pages + 1):
        assert f"/sitemap-publications.xml?p={page}" in index
    assert client.get(f"/sitemap-publications.xml?p={pages + 1}").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404
    published = Publication.objects.published()
    assert {p.get_absolute_url() for p in published} <= set(paths)
    assert not {p.get_absolute_url() for p in Publication.objects.exclude(pk__in=published)} & set(
        paths
    )
    assert all(urlsplit(path).path == path for path in paths)


def form_relations(model_admin):
    """The relations a change form edits: (admin, field) for the admin and its inlines."""
    for each in [
        model_admin,
        *(inline(model_admin.model, admin.site) for inline in model_admin.inlines),
    ]:
        for field in each.model._meta.get_fields():
            # Through models with fields of their own (partners, funders) are inlines.
            through = getattr(field.remote_field, "through", None)
            if through and not through._meta.auto_created:
                continue
            if (field.many_to_one or field.many_to_many) and field.concrete and field.editable:
                yield each, field


@pytest.mark.parametrize(
    "model_admin",
    [a for m, a in admin.site._registry.items() if m._meta.app_label in CONTENT_APPS],
    ids=lambda a: type(a).__name__,
)
def test_no_admin_form_offers_every_row_of_a_growing_table(model_admin):
    for each, field in form_relations(model_admin):
        grows = field.related_model not in SMALL_TABLES
        parent = field.many_to_one and field.related_model is model_admin.model
        if not grows or parent or field.name in each.readonly_fields:
            continue
        assert field.name in (*each.autocomplete_fields, *each.raw_id_fields), (
            f"{type(each).__name__}.{field.name} would list every {field.related_model.__name__}"
        )
