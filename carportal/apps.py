from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from carportal.cache import watch_content


class CarportalConfig(AppConfig):
    name = "carportal"
    verbose_name = _("CAR Portal")

    def ready(self):
        watch_content()
