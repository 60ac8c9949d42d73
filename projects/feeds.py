from django.utils.translation import gettext_lazy as _

from carportal.feeds import PortalFeed
from projects.models import Project


class ProjectFeed(PortalFeed):
    title = _("Projects · CAR Portal")
    subtitle = _("Projects of the Expert Group and its partners, the latest started first.")
    list_url = "projects:list"
    date_field = "start_date"

    def rows(self, obj):
        # The list's order (Project.Meta.ordering): the latest started first, undated last.
        return Project.objects.published()
