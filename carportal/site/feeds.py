"""A topic's Atom feed: its published meetings, projects and publications together."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from carportal.feeds import PortalFeed, attach_dates
from carportal.models import Topic
from meetings.feeds import MeetingFeed
from projects.feeds import ProjectFeed
from publications.feeds import PublicationFeed

FEEDS = [MeetingFeed(), ProjectFeed(), PublicationFeed()]


class TopicFeed(PortalFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Topic.objects.active(), slug=slug)

    def title(self, obj):
        return _("%(topic)s · CAR Portal") % {"topic": obj.name}

    def subtitle(self, obj):
        return _("Meetings, projects and publications on this topic, newest first.")

    def link(self, obj):
        return obj.get_absolute_url()

    def items(self, obj):
        """The newest of each kind, merged by their own dates (undated last), then cut to
        the feed's size: one query per kind, whatever the topic holds."""
        rows = [row for feed in FEEDS for row in feed.newest(feed.rows(obj).filter(topics=obj))]
        dated = sorted(
            (row for row in rows if row.feed_date), key=lambda row: row.feed_date, reverse=True
        )
        undated = [row for row in rows if not row.feed_date]
        return attach_dates((dated + undated)[: self.limit])
