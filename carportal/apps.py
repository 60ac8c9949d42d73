import auditlog.apps
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from carportal.cache import watch_content


class CarportalConfig(AppConfig):
    name = "carportal"
    verbose_name = _("CAR Portal")

    def ready(self):
        from carportal import audit

        watch_content()
        audit.register()


# Not imported by name: Django would take it for this app's configuration too.
class ChangeHistoryConfig(auditlog.apps.AuditlogConfig):
    """django-auditlog, under the name staff know its records by in the admin."""

    default = False
    verbose_name = _("Change history")
