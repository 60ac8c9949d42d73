from django.utils.translation import gettext_lazy as _

from carportal.feeds import PortalFeed
from publications.models import Publication


class PublicationFeed(PortalFeed):
    title = _("New publications · CAR Portal")
    subtitle = _("Guidelines, handbooks, reports and training material, newest first.")
    list_url = "publications:list"
    date_field = "published_on"

    def rows(self, obj):
        # The list's order (Publication.Meta.ordering), which an index keeps: the latest
        # publication dates first, undated last.
        return Publication.objects.published()
