"""The staff roles (README, "Roles"): groups, so that giving someone a job in the admin is
putting them in a group, not ticking permissions one by one.

The lists live here, not in app code, because a migration must keep doing what it did when
it was written; tests/carportal/test_roles.py checks the groups that result.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CRUD = ("view", "add", "change", "delete")


def each(app_label, *models, actions=CRUD):
    return [f"{app_label}.{action}_{model}" for model in models for action in actions]


CONTENT_EDITOR = [
    # Reference data is retired, never deleted.
    *each("carportal", "country", "topic", "organisation", actions=("view", "add", "change")),
    *each("meetings", "presidency", "meeting", "meetingsession", "presentation", "meetingdocument"),
    *each("projects", "project", "projectpartner", "projectfunding"),
    *each("publications", "publication", "edition"),
]
NETWORK_MANAGER = [
    # A contact point's languages and e-mails are inlines that go with these.
    *each("network", "contactpoint", actions=("view", "add", "change", "review", "export")),
    "network.view_departure",
    "network.view_outboxmessage",
    # The admin's search for a contact point's areas of expertise lists topics.
    "carportal.view_topic",
]
# None: every permission there is at this migration (users and groups included).
ROLES = {
    "Content editor": CONTENT_EDITOR,
    "Network manager": NETWORK_MANAGER,
    "Administrator": None,
}


def create_missing_permissions(apps, using):
    """Django makes permissions after migrate (post_migrate): on a new database that is too
    late for this migration, so make them now, for the models as they stand here."""
    for app_config in apps.get_app_configs():
        # create_permissions skips an app without a models module, and no app in a
        # migration's state has one (Django ticket #23422).
        app_config.models_module = True
        try:
            create_permissions(app_config, apps=apps, verbosity=0, using=using)
        finally:
            app_config.models_module = None


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    using = schema_editor.connection.alias
    create_missing_permissions(apps, using)
    permissions = Permission.objects.using(using).select_related("content_type")
    by_name = {f"{p.content_type.app_label}.{p.codename}": p for p in permissions}
    for name, codenames in ROLES.items():
        if codenames is None:
            granted = list(by_name.values())
        else:
            if missing := sorted(set(codenames) - set(by_name)):
                raise LookupError(f"{name}: no such permissions {missing}")
            granted = [by_name[codename] for codename in codenames]
        group, _ = Group.objects.using(using).get_or_create(name=name)
        group.permissions.set(granted)


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    # The latest migration of every app whose permissions a role holds.
    dependencies = [
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("axes", "0010_accessattemptexpiration"),
        ("carportal", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("meetings", "0003_period_precision"),
        ("network", "0004_export_permission"),
        ("projects", "0002_period_help_texts"),
        ("publications", "0001_initial"),
        ("sessions", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
