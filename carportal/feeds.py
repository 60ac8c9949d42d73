"""What every Atom feed of the portal shares: its format, author, size and entry dates.

Each content app has its feed beside its pages (`publications/feeds.py`, …), naming only its
title, its list page, its published rows newest first and the date they are ordered by; a
topic's feed (carportal/site/feeds.py) mixes the three.
"""

import datetime
from collections import defaultdict

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.syndication.views import Feed
from django.db.models import Max, Min, Q
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from carportal.models import Publishable

# A feed reader polls often: a bounded feed stays small and quick however much there is.
FEED_LIMIT = 50
GROUP = _("CBSS Expert Group on Children at Risk")
# Atom needs a date on every entry; a row with no recorded history and no date of its own
# (written outside the portal) reads as old rather than as new at every poll.
NO_DATE = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def attach_dates(rows):
    """Give each row `feed_published` and `feed_updated` from the change history, in one
    query for all of them: when it first went public (saved as published) and when it was
    last changed. A row the history does not know takes its own date (`feed_date`).
    """
    keys = defaultdict(list)
    for row in rows:
        keys[ContentType.objects.get_for_model(row).pk].append(row.pk)
    history = {}
    if keys:
        went_public = Q(changes__status__1=Publishable.Status.PUBLISHED)
        entries = (
            LogEntry.objects.filter(
                Q.create(
                    [Q(content_type_id=kind, object_id__in=pks) for kind, pks in keys.items()],
                    connector=Q.OR,
                )
            )
            .order_by()
            .values("content_type_id", "object_id")
            .annotate(published=Min("timestamp", filter=went_public), updated=Max("timestamp"))
        )
        history = {(e["content_type_id"], e["object_id"]): e for e in entries}
    for row in rows:
        entry = history.get((ContentType.objects.get_for_model(row).pk, row.pk), {})
        own = row.feed_date
        own = own and datetime.datetime.combine(own, datetime.time(), tzinfo=datetime.UTC)
        row.feed_published = entry.get("published") or own or NO_DATE
        row.feed_updated = entry.get("updated") or row.feed_published
    return rows


class PortalFeed(Feed):
    """An Atom feed of published rows, newest first: subclasses give `title`, `list_url`
    (the page the feed follows), `date_field` and `rows(obj)`."""

    feed_type = Atom1Feed
    author_name = GROUP
    limit = FEED_LIMIT
    date_field = None
    list_url = None

    def rows(self, obj):
        """The published rows, newest first, as a queryset."""
        raise NotImplementedError

    def newest(self, rows):
        """The first `limit` of `rows`, each with `feed_date`, its own date to order by."""
        rows = list(rows[: self.limit])
        for row in rows:
            row.feed_date = getattr(row, self.date_field)
        return rows

    def items(self, obj):
        return attach_dates(self.newest(self.rows(obj)))

    def link(self, obj):
        return reverse(self.list_url)

    def item_title(self, item):
        return str(item)

    def item_description(self, item):
        return item.summary

    def item_author_name(self, item):
        return GROUP

    def item_pubdate(self, item):
        return item.feed_published

    def item_updateddate(self, item):
        return item.feed_updated

    def item_categories(self, item):
        return [item._meta.verbose_name.capitalize()]
