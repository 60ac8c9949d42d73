from django.utils.translation import gettext_lazy as _

from carportal.feeds import PortalFeed
from meetings.models import Meeting


class MeetingFeed(PortalFeed):
    title = _("Meetings · CAR Portal")
    subtitle = _("Meetings, conferences, workshops and trainings, the latest dates first.")
    list_url = "meetings:list"
    date_field = "start_date"

    def rows(self, obj):
        # The list's order (Meeting.Meta.ordering): the latest dates first, undated last.
        return Meeting.objects.published()
