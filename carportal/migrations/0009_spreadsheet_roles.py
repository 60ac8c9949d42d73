"""Gives the staff roles (0002_roles) the permissions to import and export spreadsheets: the
Content editor those of the content, the Network manager those of contact points (it holds
the export already), the Administrator all of them."""

import importlib

from django.db import migrations

roles = importlib.import_module("carportal.migrations.0002_roles")

CONTENT = [
    f"{app_label}.{action}_{model}"
    for app_label, model in [
        ("carportal", "organisation"),
        ("meetings", "meeting"),
        ("projects", "project"),
        ("publications", "publication"),
    ]
    for action in ("import", "export")
]
GRANTS = {
    "Content editor": CONTENT,
    "Network manager": ["network.import_contactpoint"],
    "Administrator": [*CONTENT, "network.import_contactpoint"],
}


def permissions(apps, using, codenames):
    Permission = apps.get_model("auth", "Permission")
    found = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.using(using).select_related("content_type")
    }
    if missing := sorted(set(codenames) - set(found)):
        raise LookupError(f"No such permissions {missing}")
    return [found[codename] for codename in codenames]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    using = schema_editor.connection.alias
    roles.create_missing_permissions(apps, using)
    for name, codenames in GRANTS.items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        group.permissions.add(*permissions(apps, using, codenames))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    using = schema_editor.connection.alias
    for name, codenames in GRANTS.items():
        for group in Group.objects.using(using).filter(name=name):
            group.permissions.remove(*permissions(apps, using, codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("carportal", "0008_spreadsheet_permissions"),
        ("meetings", "0008_spreadsheet_permissions"),
        ("network", "0007_spreadsheet_permissions"),
        ("projects", "0005_spreadsheet_permissions"),
        ("publications", "0006_spreadsheet_permissions"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
