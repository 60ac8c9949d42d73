from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CarportalConfig(AppConfig):
    name = "carportal"
    verbose_name = _("CAR Portal")
