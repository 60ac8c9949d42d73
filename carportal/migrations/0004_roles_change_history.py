"""The change history's permissions for the staff roles (README, "Change history").

Content editors and network managers read the history, each only that of the records they
may view (carportal/admin.py, ChangeHistoryAdmin); the Administrator holds every permission,
these included. Nobody adds, changes or deletes entries in the admin.
"""

import importlib

from django.db import migrations

roles = importlib.import_module("carportal.migrations.0002_roles")

READERS = ["Content editor", "Network manager"]


def change_history_permissions(apps, using):
    Permission = apps.get_model("auth", "Permission")
    roles.create_missing_permissions(apps, using)
    return Permission.objects.using(using).filter(content_type__app_label="auditlog")


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    using = schema_editor.connection.alias
    permissions = change_history_permissions(apps, using)
    for name in READERS:
        group, _ = Group.objects.using(using).get_or_create(name=name)
        group.permissions.add(permissions.get(codename="view_logentry"))
    administrator, _ = Group.objects.using(using).get_or_create(name="Administrator")
    administrator.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    using = schema_editor.connection.alias
    permissions = change_history_permissions(apps, using)
    for group in Group.objects.using(using).filter(name__in=[*READERS, "Administrator"]):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("auditlog", "0017_add_actor_email"),
        ("carportal", "0003_link_names"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
