"""Who gets what from every URL: the whole URLconf, asked as each kind of visitor.

The test walks ``carportal.urls`` and asks every URL as each of ROLES; EXPECTED says what
each role must get. A URL missing from EXPECTED fails, so no page is added unguarded.

To add a URL: give it a row in EXPECTED (the group helpers cover the usual cases), say in
SAMPLES how to fill its arguments if it takes any, and, if it carries a signed link, say in
TOKENS which role holds which link. A row ``"name [variant]"`` asks the same URL once more:
``[POST]`` posts instead of getting, ``[draft]`` fills it from the draft samples, and any other
variant has its own SAMPLES or QUERIES entry.
"""

import io
import re
import time
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from types import SimpleNamespace
from urllib.parse import quote

import pypdf
import pytest
from auditlog.models import LogEntry
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLResolver, get_resolver, resolve

from carportal.cache import current_generation
from carportal.import_jobs import ImportJob
from carportal.models import Page
from carportal.pdf_jobs import PDFJob
from network import links, services
from network.models import ContactPoint, Departure
from tests.carportal.factories import OrganisationFactory, TopicFactory
from tests.meetings.factories import (
    MeetingDocumentFactory,
    MeetingSessionFactory,
    PresidencyFactory,
)
from tests.network.factories import (
    ApprovedContactPointFactory,
    ContactPointFactory,
    RejectedContactPointFactory,
)
from tests.projects.factories import ProjectFactory
from tests.publications.factories import EditionFactory, PublicationFactory

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "unvetted", "member", "withdrawn", "content_staff", "network_staff")


@dataclass(frozen=True)
class Redirect:
    """A 302 to ``to``, in which {url} is the URL asked, {next} the same quoted for a query,
    and {o} the sample objects."""

    to: str

    def location(self, url, objects):
        return self.to.format(url=url, next=quote(url), o=objects)

    def __repr__(self):
        return f"302 to {self.to}"


SIGN_IN = Redirect("/network/sign-in/")
DIRECTORY = Redirect("/network/directory/")
ADMIN_LOGIN = Redirect("/admin/login/?next={next}")
ADMIN_INDEX = Redirect("/admin/")
CHANGE_PAGE = Redirect("{url}change/")
ON_SITE = Redirect("http://testserver/meetings/{o.meeting.slug}/")


def everyone(answer):
    return (answer,) * len(ROLES)


# A draft's page: content staff preview it (carportal.views.DraftPreviewMixin); to anyone
# else it does not exist.
PREVIEW = (404,) * 4 + (200, 404)


def staff(content, network, others=ADMIN_LOGIN):
    """An admin page: what content staff and network staff get; anyone else goes to the
    admin's sign-in page (a member's directory session is no staff account)."""
    return (others,) * 4 + (content, network)


CONTENT_ADMIN = staff(200, 403)
NETWORK_ADMIN = staff(403, 200)
SUPERUSERS_ONLY = staff(403, 403)


def admin_model(label, answers, **views):
    """Rows for the admin pages of one model (``app.model``): its list, add, change, delete
    and history pages answer ``answers`` unless ``views`` says otherwise for one of them, and
    its bare object URL sends staff on to the change page."""
    name = label.replace(".", "_")
    rows = {
        f"admin:{name}_{view}": views.get(view, answers)
        for view in ("changelist", "add", "change", "delete", "history")
    }
    rows[f"admin/{label.replace('.', '/')}/<path:object_id>/"] = staff(CHANGE_PAGE, CHANGE_PAGE)
    return rows


def spreadsheets(label, answers):
    """Rows for the import and export pages of one model's admin list: the confirmation of an
    import takes a POST (carportal/spreadsheets.py); a large import's page is its owner's
    only (carportal/import_jobs.py), and a POST there sends them back to it."""
    name = label.replace(".", "_")
    return {
        f"admin:{name}_import": answers,
        f"admin:{name}_process_import": staff(405, 405),
        f"admin:{name}_process_import [POST]": answers,
        f"admin:{name}_export": answers,
        f"admin:{name}_import_job": answers,
        f"admin:{name}_import_job [POST]": tuple(
            Redirect("{url}") if answer == 200 else answer for answer in answers
        ),
    }


# The lists with spreadsheet import and export, and who may use them.
SPREADSHEET_LISTS = {
    "carportal.organisation": CONTENT_ADMIN,
    "meetings.meeting": CONTENT_ADMIN,
    "projects.project": CONTENT_ADMIN,
    "publications.publication": CONTENT_ADMIN,
    "network.contactpoint": NETWORK_ADMIN,
}


# What each of ROLES gets, in that order: a status code, or a Redirect whose target is
# checked too. Nothing follows redirects.
# fmt: off
EXPECTED = {
    # Public content, the same for everyone; drafts are nobody's but content staff's.
    "home":                                     everyone(200),
    "about":                                    everyone(200),
    "contact":                                  everyone(200),
    "sitemap":                                  everyone(200),
    "sitemap_section":                          everyone(200),
    "health":                                   everyone(200),
    "search":                                   everyone(200),
    "search [found]":                           everyone(200),
    "meetings:presidency_list":                 everyone(200),
    "meetings:presidency_detail":               everyone(200),
    "meetings:presidency_detail [draft]":       PREVIEW,
    "meetings:presidency_report_pdf":           everyone(200),
    "meetings:presidency_report_pdf [draft]":   everyone(404),
    "meetings:list":                            everyone(200),
    "meetings:calendar":                        everyone(200),
    "meetings:calendar [bad filter]":           everyone(400),
    "meetings:detail":                          everyone(200),
    "meetings:detail [draft]":                  PREVIEW,
    "meetings:document":                        everyone(200),
    "meetings:document [draft]":                everyone(404),
    "meetings:programme_pdf":                   everyone(200),
    "meetings:programme_pdf [draft]":           everyone(404),
    "meetings:meeting_calendar":                everyone(200),
    "meetings:meeting_calendar [draft]":        everyone(404),
    "projects:list":                            everyone(200),
    "projects:detail":                          everyone(200),
    "projects:detail [draft]":                  PREVIEW,
    "projects:factsheet_pdf":                   everyone(200),
    "projects:factsheet_pdf [draft]":           everyone(404),
    "publications:list":                        everyone(200),
    "publications:catalogue_pdf":               everyone(200),
    "publications:languages":                   everyone(200),
    "publications:languages_csv":               everyone(200),
    "publications:detail":                      everyone(200),
    "publications:detail [draft]":              PREVIEW,
    "publications:edition":                     everyone(200),
    "publications:edition [draft]":             everyone(404),
    # Topics are reference data: a retired one has no page and no feed.
    "topic_list":                               everyone(200),
    "topic_detail":                             everyone(200),
    "topic_detail [retired]":                   everyone(404),
    # Atom feeds of published content (carportal/feeds.py).
    "meetings:feed":                            everyone(200),
    "projects:feed":                            everyone(200),
    "publications:feed":                        everyone(200),
    "topic_feed":                               everyone(200),
    "topic_feed [retired]":                     everyone(404),
    # A long PDF's progress page and download (carportal/pdf_jobs.py): public documents, named
    # by a signed token that anyone given the link may use.
    "pdf_job":                                  everyone(200),
    "pdf_job [POST]":                           everyone(Redirect("{url}")),
    "pdf_job_download":                         everyone(200),

    # The network. A signed link is asked with the link the role holds (TOKENS); 400 is the
    # page saying that a link is not valid.
    "network:index":                            everyone(200),
    "network:join":                             everyone(200),
    "network:join_thanks":                      everyone(200),
    "network:sign_in":                          everyone(200),
    "network:sign_in_sent":                     everyone(200),
    "network:sign_out":                         everyone(405),
    "network:sign_out [POST]":                  everyone(200),
    #                                anonymous unvetted  member     withdrawn content   network
    "network:confirm":              (400,      200,      200,       404,      400,      400),
    "network:confirm [POST]":       (400,      200,      200,       404,      400,      400),
    "network:sign_in_link":         (400,      400,      200,       200,      400,      400),
    "network:sign_in_link [POST]":  (400,      400,      DIRECTORY, 200,      400,      400),
    "network:directory":            (SIGN_IN,  SIGN_IN,  200,       SIGN_IN,  SIGN_IN,  200),
    "network:directory_csv":        (SIGN_IN,  SIGN_IN,  200,       SIGN_IN,  SIGN_IN,  200),
    "network:directory_pdf":        (SIGN_IN,  SIGN_IN,  200,       SIGN_IN,  SIGN_IN,  200),
    # A member's own pages: any link but their own current one is the same 404.
    "network:personal":             (404,      200,      200,       404,      404,      404),
    "network:withdraw":             (404,      200,      200,       404,      404,      404),
    "network:keep":                 (404,      405,      405,       404,      404,      404),
    "network:confirm_email":        (400,      400,      200,       400,      400,      400),
    "network:withdrawn":                        everyone(200),

    # The admin: content staff edit the content, network staff vet contact points.
    "admin:index":                              staff(200, 200),
    "admin:login":                              staff(ADMIN_INDEX, ADMIN_INDEX, others=200),
    # Signing out takes a POST; whoever is not signed in is sent to the index, and on to sign in.
    "admin:logout":                             staff(405, 405, others=ADMIN_INDEX),
    "admin:password_change":                    staff(200, 200),
    "admin:password_change_done":               staff(200, 200),
    "admin:jsi18n":                             staff(200, 200),
    "admin:app_list":                           staff(200, 404),
    "admin:app_list [network]":                 staff(404, 200),
    "admin:app_list [auth]":                    staff(404, 404),
    # Searching topics needs carportal.view_topic, which the Network manager role holds so
    # that a contact point's areas of expertise can be searched; the search answers the same
    # whichever record asks, and topics are public anyway.
    "admin:autocomplete":                       staff(200, 200),
    "admin:autocomplete [network]":             staff(200, 200),
    "admin:view_on_site":                       staff(ON_SITE, ON_SITE),
    "admin:view_on_site [network]":             staff(404, 404),
    "admin/(?P<url>.*)$":                       staff(404, 404),
    # Uploaded files, drafts' included, for staff allowed to view their record.
    "staff_file":                               staff(200, 404),
    "staff_file [draft]":                       staff(200, 404),
    **admin_model("auth.group",                 SUPERUSERS_ONLY),
    **admin_model("auth.user",                  SUPERUSERS_ONLY),
    "admin:auth_user_password_change":          SUPERUSERS_ONLY,
    **admin_model("axes.accessattempt",         SUPERUSERS_ONLY),
    **admin_model("axes.accesslog",             SUPERUSERS_ONLY),
    **admin_model("axes.accessfailurelog",      SUPERUSERS_ONLY),
    # Reference data is retired, not deleted: its delete page explains how to retire it to
    # anyone who may see the row (carportal.admin.ReferenceDataAdmin).
    **admin_model("carportal.country",          CONTENT_ADMIN),
    # Network staff may look topics up (see admin:autocomplete), not edit them.
    **admin_model("carportal.topic",            staff(200, 200), add=staff(200, 403)),
    **admin_model("carportal.organisation",     CONTENT_ADMIN),
    # The about and contact pages are edited, never added or deleted, by anyone.
    **admin_model("carportal.page",             CONTENT_ADMIN, add=staff(403, 403),
                                                delete=staff(403, 403)),
    **admin_model("meetings.presidency",        CONTENT_ADMIN),
    **admin_model("meetings.meeting",           CONTENT_ADMIN),
    **admin_model("meetings.meetingsession",    CONTENT_ADMIN),
    **admin_model("projects.project",           CONTENT_ADMIN),
    **admin_model("publications.publication",   CONTENT_ADMIN),
    # Network staff may view, add, correct and vet entries, not delete them (withdrawal and
    # lapsing erase an entry, and count the departure).
    **admin_model("network.contactpoint",       NETWORK_ADMIN, delete=SUPERUSERS_ONLY),
    # Spreadsheets: import and export each need a permission of their own (besides adding and
    # changing, or viewing), which the roles hold for their lists.
    **{row: answers for label, who in SPREADSHEET_LISTS.items()
       for row, answers in spreadsheets(label, who).items()},
    # The anonymous count of departures is written by withdrawals only: nobody adds or deletes.
    **admin_model("network.departure",          NETWORK_ADMIN, add=SUPERUSERS_ONLY,
                                                delete=SUPERUSERS_ONLY),
    # The change history (carportal/audit.py) is read-only, and each role reads the changes of
    # the records it may view: network staff no meeting's, content staff no contact point's
    # (an entry nobody may read is "not found", and the admin sends them to its index).
    "admin:app_list [auditlog]":                staff(200, 200),
    **admin_model("auditlog.logentry",          staff(200, 200), add=SUPERUSERS_ONLY,
                                                change=staff(200, ADMIN_INDEX),
                                                history=staff(200, ADMIN_INDEX),
                                                delete=SUPERUSERS_ONLY),
    "admin:auditlog_logentry_change [network]": staff(ADMIN_INDEX, 200),
    "admin:auditlog_logentry_history [network]": staff(ADMIN_INDEX, 200),
}
# fmt: on

# Pages that list members, for those allowed to see them; no other page may name a member.
MEMBER_LISTS = {"network:directory", "network:directory_csv", "network:directory_pdf"}


# Each URL's arguments, from the sample objects (published ones; drafts for a [draft] row).
# An admin page's object_id needs no entry: it is the sample of the model the URL names.
def import_job_of(label):
    return lambda objects: {"job_id": import_job(objects, label).id}


SAMPLES = {
    **{
        f"admin:{label.replace('.', '_')}_import_job": import_job_of(label)
        for label in SPREADSHEET_LISTS
    },
    "sitemap_section": lambda o: {"section": "publications"},
    "meetings:presidency_detail": lambda o: {"slug": o.presidency.slug},
    "meetings:presidency_report_pdf": lambda o: {"slug": o.presidency.slug},
    "meetings:detail": lambda o: {"slug": o.meeting.slug},
    "meetings:document": lambda o: {"slug": o.meeting.slug, "pk": o.document.pk},
    "meetings:programme_pdf": lambda o: {"slug": o.meeting.slug},
    "meetings:meeting_calendar": lambda o: {"slug": o.meeting.slug},
    "projects:detail": lambda o: {"slug": o.project.slug},
    "projects:factsheet_pdf": lambda o: {"slug": o.project.slug},
    "publications:detail": lambda o: {"slug": o.publication.slug},
    "publications:edition": lambda o: {"slug": o.publication.slug, "language": "en"},
    "topic_detail": lambda o: {"slug": o.topic.slug},
    "topic_detail [retired]": lambda o: {"slug": o.retired_topic.slug},
    "topic_feed": lambda o: {"slug": o.topic.slug},
    "topic_feed [retired]": lambda o: {"slug": o.retired_topic.slug},
    "pdf_job": lambda o: {"token": report_job(o).token},
    "pdf_job_download": lambda o: {"token": made(report_job(o)).token},
    "staff_file": lambda o: {"name": o.edition.file.name},
    "admin:app_list": lambda o: {"app_label": "meetings"},
    "admin:app_list [network]": lambda o: {"app_label": "network"},
    "admin:app_list [auth]": lambda o: {"app_label": "auth"},
    "admin:app_list [auditlog]": lambda o: {"app_label": "auditlog"},
    "admin:auditlog_logentry_change [network]": lambda o: contact_point_entry(o),
    "admin:auditlog_logentry_history [network]": lambda o: contact_point_entry(o),
    "admin:view_on_site": lambda o: on_site(o.meeting),
    "admin:view_on_site [network]": lambda o: on_site(o.admin["network.contactpoint"]),
    "admin:auth_user_password_change": lambda o: {"id": o.admin["auth.user"].pk},
    "admin/(?P<url>.*)$": lambda o: {"url": "no-such-page/"},
}
QUERIES = {
    "meetings:calendar [bad filter]": "?topic=no-such-topic",
    "search [found]": "?q=publication or meeting or project or presidency",
    "admin:autocomplete": "?app_label=meetings&model_name=meeting&field_name=topics",
    "admin:autocomplete [network]": "?app_label=network&model_name=contactpoint"
    "&field_name=expertise",
}


def history_entry(obj):
    """The change history's entry of ``obj``'s creation."""
    return LogEntry.objects.get_for_object(obj).earliest()


def contact_point_entry(objects):
    return {"object_id": history_entry(objects.admin["network.contactpoint"]).pk}


def report_job(objects):
    """The job of the sample presidency's report, under the content generation of the test
    (each test starts with an empty cache, so with a new one)."""
    query = f"slug={objects.presidency.slug}"
    return PDFJob("reports", query, current_generation(), "http://testserver/", "en")


def import_job(objects, label):
    """A large import into the list ``label`` by the staff who import it, waiting for its
    check (each test starts with an empty cache, so the job is made anew)."""
    job = ImportJob(
        "sample-job",
        {
            "user": objects.importers[label].pk,
            "model": apps.get_model(label)._meta.label,
            "file_name": "contact-points.csv",
            "total": 2000,
            "step": "check",
            "state": "waiting",
            "since": time.time(),
            "done": 0,
        },
    )
    job.save()
    return job


def made(job):
    job.build()
    return job


def on_site(obj):
    return {"content_type_id": ContentType.objects.get_for_model(obj).pk, "object_id": obj.pk}


@dataclass(frozen=True)
class SignedLink:
    """A URL that carries a signed link (its ``token``): ``make`` signs one for an entry, the
    ``held_by`` roles were e-mailed theirs, and anyone else can only make one up. A made-up,
    altered or (if it ``expires``) expired link gets ``refused`` for each of ``methods``;
    ``factory`` makes an entry whose link works, to show that the bad ones fail for being bad."""

    make: object
    held_by: tuple
    refused: int
    factory: object
    expires: bool = True
    methods: tuple = ("get", "post")


TOKENS = {
    "network:confirm": SignedLink(
        links.confirmation_token,
        held_by=("unvetted", "member", "withdrawn"),
        refused=400,
        factory=ContactPointFactory,
    ),
    "network:sign_in_link": SignedLink(
        links.sign_in_token,
        held_by=("member", "withdrawn"),
        refused=400,
        factory=ApprovedContactPointFactory,
    ),
    # Personal links outlive the year a bad link is dated back here; tests/network/
    # test_self_service.py shows that they expire.
    **{
        name: SignedLink(
            links.personal_token,
            held_by=("unvetted", "member", "withdrawn"),
            refused=404,
            factory=ApprovedContactPointFactory,
            expires=False,
        )
        for name in ("network:personal", "network:withdraw", "network:keep")
    },
    "network:confirm_email": SignedLink(
        links.new_email_token,
        held_by=("member",),
        refused=400,
        factory=partial(ApprovedContactPointFactory, pending_email="new.address@example.org"),
    ),
}


def walk(patterns, prefix="", namespace=""):
    """(key, route) of every URL pattern: its name, or its route when it has none."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern).removeprefix("^")
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from walk(pattern.url_patterns, route, inner)
        elif pattern.name:
            yield ":".join(filter(None, [namespace, pattern.name])), route
        else:
            yield route, route


URLCONF = dict(walk(get_resolver().url_patterns))
ROWS = sorted(set(EXPECTED) | set(URLCONF))
ARGUMENT = re.compile(r"<(?:\w+:)?(?P<name>\w+)>|\(\?P<(?P<group>\w+)>[^)]*\)")
ADMIN_OBJECT = re.compile(r"admin/(\w+)/(\w+)/<path:object_id>/")


def split(row):
    key, _, variant = row.partition(" [")
    return key, variant.removesuffix("]")


def objects_for(world, row):
    return world.draft if split(row)[1] == "draft" else world.published


def request_for(world, row, role):
    """The method and URL with which ``role`` asks for ``row``."""
    key, variant = split(row)
    route = URLCONF[key]
    objects = objects_for(world, row)
    sample = SAMPLES.get(row) or SAMPLES.get(key)
    kwargs = sample(objects) if sample else {}
    if key in TOKENS:
        kwargs["token"] = world.tokens[key][role]
    if admin := ADMIN_OBJECT.match(route):
        kwargs.setdefault("object_id", objects.admin[".".join(admin.groups())].pk)

    def fill(match):
        name = match["name"] or match["group"]
        if name not in kwargs:
            pytest.fail(f"{route} needs a {name}: add it to SAMPLES[{row!r}]")
        return str(kwargs[name])

    path = "/" + ARGUMENT.sub(fill, route).removesuffix("$")
    assert resolve(path).route == route, f"{path} is not the URL of {route}"
    return ("post" if variant == "POST" else "get"), path + QUERIES.get(row, "")


def withdraw(entry):
    """Withdrawal erases a member's personal data at once (issue 8, item 5)."""
    services.member_withdraw(contact_point=entry)


def sign_in(entry):
    """A session opened as a member opens it: by posting an e-mailed sign-in link."""
    client = Client()
    response = client.post(f"/network/sign-in/{links.sign_in_token(entry)}/")
    assert response["Location"] == "/network/directory/"
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def staff_session(user):
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def forged(make, entry):
    """A link in the right shape naming ``entry``, signed without the site's secret key:
    the best that someone without the e-mail can do."""
    with override_settings(SECRET_KEY="a guess at the secret key, wrong"):
        return make(entry)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Sample content, the six roles' sessions and links, and the people in the network;
    made once for the module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


def build_world():
    published, draft = SimpleNamespace(), SimpleNamespace()
    for objects, is_draft in ((published, False), (draft, True)):
        objects.presidency = PresidencyFactory(draft=is_draft)
        objects.session = MeetingSessionFactory(
            meeting__draft=is_draft, meeting__presidency=objects.presidency
        )
        objects.meeting = objects.session.meeting
        objects.document = MeetingDocumentFactory(meeting=objects.meeting)
        objects.project = ProjectFactory(draft=is_draft)
        objects.publication = PublicationFactory(draft=is_draft, project=objects.project)
        objects.edition = EditionFactory(publication=objects.publication)
    published.topic = TopicFactory(slug="sample-topic")
    published.retired_topic = TopicFactory(slug="retired-topic", is_active=False)
    for content in (published.meeting, published.project, published.publication):
        content.topics.add(published.topic, published.retired_topic)

    # Distinctive names, so that a page naming any of them is caught (see assert_no_leak).
    unvetted = ContactPointFactory(last_name="Waitingsen", email="ulla.w@example.org")
    # Both have asked to change their address: the member holds the link sent to the new one.
    member = ApprovedContactPointFactory(
        last_name="Membersen", email="maija.m@example.org", pending_email="maija.n@example.org"
    )
    leaving = ApprovedContactPointFactory(last_name="Leftsen", email="wilho.l@example.org")
    other = ApprovedContactPointFactory(
        last_name="Othersen", email="olli.o@example.org", pending_email="olli.n@example.org"
    )
    unconfirmed = ContactPointFactory(last_name="Unconfirmedsen", email="usko.u@example.org")
    rejected = RejectedContactPointFactory(last_name="Rejectedsen", email="raili.r@example.org")
    people = {"unvetted": unvetted, "member": member, "withdrawn": leaving}
    # Their personal data, taken before anyone withdraws; the member lists show approved members.
    private = {
        entry.pk: (entry.email, entry.last_name)
        for entry in (unvetted, member, leaving, other, unconfirmed, rejected)
    }
    listed = {member.pk, other.pk}

    Client().post(f"/network/confirm/{links.confirmation_token(unvetted)}/")
    unvetted.refresh_from_db()
    assert unvetted.status == ContactPoint.Status.AWAITING_REVIEW
    sessions = {"member": sign_in(member), "withdrawn": sign_in(leaving)}
    for entry in people.values():
        entry.refresh_from_db()
    tokens = {
        name: {
            role: link.make(people[role]) if role in link.held_by else forged(link.make, other)
            for role in ROLES
        }
        for name, link in TOKENS.items()
    }
    withdraw(leaving)

    # The real roles (carportal/migrations/0002_roles.py), as the secretariat hands them out.
    content_staff = get_user_model().objects.create_user("content-editor", is_staff=True)
    content_staff.groups.add(Group.objects.get(name="Content editor"))
    network_staff = get_user_model().objects.create_user("network-manager", is_staff=True)
    network_staff.groups.add(Group.objects.get(name="Network manager"))
    sessions["content_staff"] = staff_session(content_staff)
    sessions["network_staff"] = staff_session(network_staff)
    published.importers = {
        "carportal.organisation": content_staff,
        "meetings.meeting": content_staff,
        "projects.project": content_staff,
        "publications.publication": content_staff,
        "network.contactpoint": network_staff,
    }

    attempt = {"user_agent": "test", "ip_address": "192.0.2.1", "username": "someone"}
    published.admin = {
        "auth.group": Group.objects.get(name="Content editor"),
        "auth.user": content_staff,
        "axes.accessattempt": AccessAttempt.objects.create(**attempt, failures_since_start=1),
        "axes.accesslog": AccessLog.objects.create(**attempt),
        "axes.accessfailurelog": AccessFailureLog.objects.create(**attempt),
        "carportal.country": published.presidency.country,
        "carportal.topic": TopicFactory(),
        "carportal.organisation": OrganisationFactory(),
        "carportal.page": Page.objects.get(slug=Page.Slug.ABOUT),
        "meetings.presidency": published.presidency,
        "meetings.meeting": published.meeting,
        "meetings.meetingsession": published.session,
        "projects.project": published.project,
        "publications.publication": published.publication,
        "network.contactpoint": other,
        "network.departure": Departure.objects.get(),
    }
    published.admin["auditlog.logentry"] = history_entry(published.meeting)
    draft.admin = published.admin
    return SimpleNamespace(
        published=published,
        draft=draft,
        people=people,
        private=private,
        listed=listed,
        sessions=sessions,
        tokens=tokens,
    )


def client_of(world, role):
    """A client with the role's session cookie, fresh for each test: a request that ends
    the session (the withdrawn member's) must not end it for the next test."""
    client = Client()
    if role in world.sessions:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    return client


def test_every_url_has_a_row_and_every_row_a_url():
    missing = sorted(key for key in URLCONF if key not in EXPECTED)
    assert not missing, (
        f"No row in EXPECTED for {missing}: add one saying what each role gets "
        "(and its arguments to SAMPLES)."
    )
    unknown = sorted(row for row in EXPECTED if split(row)[0] not in URLCONF)
    assert not unknown, f"Rows in EXPECTED for URLs that do not exist: {unknown}"


def describe(response):
    if response.status_code in (301, 302):
        return f"{response.status_code} to {response['Location']}"
    return str(response.status_code)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", ROWS)
def test_each_role_gets_what_the_table_says(world, row, role):
    method, url = request_for(world, row, role)
    response = getattr(client_of(world, role), method)(url)

    asked = f"{role} asking {method.upper()} {url} got {describe(response)}"
    assert row in EXPECTED, f"{asked}; add a row for {row!r} to EXPECTED"
    expected = EXPECTED[row][ROLES.index(role)]
    if isinstance(expected, Redirect):
        assert describe(response) == f"302 to {expected.location(url, objects_for(world, row))}", (
            f"{asked}, not {expected}"
        )
    else:
        assert response.status_code == expected, f"{asked}, not {expected}"
    if response.status_code == 200:
        assert_no_leak(world, row, role, response)


TEXT = re.compile(r"text/|application/(json|javascript|xml|atom\+xml)")
# Uploaded files, which staff wrote and no member's details fill in.
UPLOADED_FILES = {"meetings:document", "publications:edition", "staff_file"}


def text_of(row, response):
    """What a reader of the answer sees: the text of a page or of a PDF made by the portal;
    None for an uploaded file."""
    content = b"".join(response)
    if TEXT.match(response["Content-Type"]):
        return content.decode()
    if split(row)[0] in UPLOADED_FILES or response.get("Content-Disposition", "").startswith(
        "attachment"
    ):
        return None
    assert response["Content-Type"] == "application/pdf"
    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def assert_no_leak(world, row, role, response):
    """No answer names a person in the network, but for the member lists shown to those who
    may see them, the admin shown to network staff, and a person's own details shown to them."""
    key = split(row)[0]
    text = text_of(row, response)
    if text is None or (role == "network_staff" and URLCONF[key].startswith("admin/")):
        return
    own = world.people.get(role)
    shown = {own.pk} if own else set()
    if key in MEMBER_LISTS:
        shown |= world.listed
    for pk, details in world.private.items():
        if pk not in shown:
            leaked = [detail for detail in details if detail in text]
            assert not leaked, f"{role} sees {leaked} on {row}"


def bad_link(case, link, mine, other):
    token = link.make(mine)
    if case == "altered":
        return token[:-1] + ("A" if token[-1] != "A" else "B")
    if case == "another's id":
        # Another entry's payload under this entry's signature.
        return ":".join([link.make(other).split(":")[0], *token.split(":")[1:]])
    if case == "made up":
        return forged(link.make, other)
    assert case == "expired"
    ago = time.time() - timedelta(days=365).total_seconds()
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(time, "time", lambda: ago)
        return link.make(mine)


@pytest.mark.parametrize(
    ("name", "case"),
    [
        (name, case)
        for name, link in TOKENS.items()
        for case in ("altered", "another's id", "made up", "expired")
        if case != "expired" or link.expires
    ],
)
def test_a_bad_link_is_refused_and_changes_nothing(name, case):
    link = TOKENS[name]
    mine, other = link.factory(), link.factory()
    route = URLCONF[name]

    def url(token):
        return "/" + ARGUMENT.sub(lambda _: token, route)

    bad = url(bad_link(case, link, mine, other))
    before = list(ContactPoint.objects.values())
    for method in link.methods:
        client = Client()
        response = getattr(client, method)(bad)
        assert response.status_code == link.refused, f"{method.upper()} {bad}"
        assert not client.session.keys(), "a session was opened"
    assert list(ContactPoint.objects.values()) == before

    good = getattr(Client(), link.methods[0])(url(link.make(mine)))
    assert good.status_code != link.refused, "the same link, unaltered, works"
