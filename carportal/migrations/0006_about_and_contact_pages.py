"""The about and contact pages, with their first text, and the roles' rights to edit them.

The text is the group's own story in the portal's words (issue #13); staff keep it up to date
in the admin from then on. The contact page names no mailbox: the group's pages hide theirs,
so staff add it in the admin.
"""

import importlib

from django.db import migrations

roles = importlib.import_module("carportal.migrations.0002_roles")

ABOUT = {
    "title": "About the Expert Group on Children at Risk",
    "lead": (
        "The Expert Group on Children at Risk (EG CAR) is where the member states of the "
        "Council of the Baltic Sea States (CBSS) cooperate to support children at risk in the "
        "region."
    ),
    "sections": [
        (
            "Who the members are",
            "Each member state is represented by a senior official, named by the ministry in "
            "charge of children's matters. The members keep each other informed of what is "
            "changing at home and look together for ways to close gaps in services, know-how "
            "and capacity. The group carries out its activities and programmes with national "
            "authorities and with international and national organisations.\n\n"
            "The member states are:",
            "members",
        ),
        (
            "Mandate and priorities",
            "The group's mandate says how it helps the member states strengthen their systems "
            "for protecting children and for their welfare. The mandate for the period from "
            "July 2017 to 2020 named these priority areas:",
            "priorities",
        ),
        (
            "Built on children's rights",
            "The UN Convention on the Rights of the Child and other international standards "
            "give every child rights to dignity, integrity, safety and security. On that "
            "basis, the member states take legal, political and administrative measures "
            "against violence towards children, so that children grow up safe, healthy, "
            "educated and motivated, which also makes societies more sustainable and "
            "prosperous. The United Nations, the Council of Europe, the European Union and "
            "other regional bodies set the standards that keep guiding this work.",
            "",
        ),
        (
            "The Children at Risk Unit",
            "The Children at Risk Unit at the CBSS Secretariat, called the Children's Unit in "
            "earlier years, supports the Expert Group. Together they carry out research, develop "
            "training and keep networks of professionals going. Consultations with experts "
            "bring good practice to light and lead to shared recommendations. Ministries, "
            "researchers, business, civil society and children themselves are encouraged to "
            "work together, in each country and across the region, so that what is agreed "
            "takes hold locally.",
            "",
        ),
        (
            "A flagship of the EU Strategy for the Baltic Sea Region",
            "The EU Strategy for the Baltic Sea Region (EUSBSR) counts “Comprehensive and "
            "sustainable child protection” among its flagships, under its policy area Secure. "
            "The flagship is a series of activities that follow the priorities and the "
            "activity plan of the Expert Group.\n\n"
            "People who cross borders are safe only when authorities and other actors work "
            "together across sectors, within each country and between countries. The "
            "flagship's activities promote that cooperation, aiming to end every form of "
            "violence against children: abuse, exploitation, trafficking and torture "
            "included. They regularly yield training modules, guidelines, research and shared "
            "lessons, which people working in child protection use in the region and far "
            "beyond it.",
            "",
        ),
    ],
}

CONTACT = {
    "title": "Contact",
    "lead": (
        "Questions about the Expert Group on Children at Risk, its meetings, projects and "
        "publications go to the Children at Risk Unit at the CBSS Secretariat, which supports "
        "the group."
    ),
    "sections": [
        (
            "Writing to the secretariat",
            "The Children at Risk Unit is headed by a Senior Adviser of the CBSS Secretariat. "
            "A question about a particular project can also go to the contact named on the "
            "project's page, where there is one.",
            "",
        ),
        (
            "Questions about the PROTECT Network",
            "The PROTECT Network of contact points grew out of the CBSS project PROTECT "
            "Children on the Move. The secretariat checks every request to join before anyone "
            "is listed, and answers questions about the network and about your own entry. "
            "Members can also change or withdraw their entry themselves, on the network's "
            "pages.",
            "",
        ),
    ],
}

CONTENT_EDITOR = [
    *roles.each("carportal", "page", actions=("view", "add", "change")),
    *roles.each("carportal", "pagesection"),
]


def create_pages(apps, schema_editor):
    Page = apps.get_model("carportal", "Page")
    PageSection = apps.get_model("carportal", "PageSection")
    using = schema_editor.connection.alias
    for slug, content in (("about", ABOUT), ("contact", CONTACT)):
        page = Page.objects.using(using).create(
            slug=slug, title=content["title"], lead=content["lead"]
        )
        PageSection.objects.using(using).bulk_create(
            PageSection(page=page, heading=heading, text=text, shows=shows, position=position)
            for position, (heading, text, shows) in enumerate(content["sections"], start=1)
        )


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    using = schema_editor.connection.alias
    roles.create_missing_permissions(apps, using)
    new = Permission.objects.using(using).filter(
        content_type__app_label="carportal", content_type__model__in=["page", "pagesection"]
    )
    by_name = {f"carportal.{p.codename}": p for p in new}
    editor = Group.objects.using(using).filter(name="Content editor").first()
    if editor:
        editor.permissions.add(*(by_name[name] for name in CONTENT_EDITOR))
    administrator = Group.objects.using(using).filter(name="Administrator").first()
    if administrator:
        administrator.permissions.add(*new)


class Migration(migrations.Migration):
    dependencies = [("carportal", "0005_site_pages")]

    operations = [
        migrations.RunPython(create_pages, migrations.RunPython.noop),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
