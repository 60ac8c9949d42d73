from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from carportal.models import Topic
from meetings.models import Meeting, Presidency
from projects.models import Project
from publications.models import Publication


class PageSitemap(Sitemap):
    def items(self):
        return [
            "home",
            "about",
            "contact",
            "meetings:presidency_list",
            "meetings:list",
            "projects:list",
            "publications:list",
            "network:index",
            "topic_list",
        ]

    def location(self, item):
        return reverse(item)


class PublishedSitemap(Sitemap):
    """A model's published pages, in pages of `limit` addresses (the sitemap index lists
    them, as /sitemap-<section>.xml?p=2): a page stays small and quick however many rows
    there are, where the protocol would allow 50,000."""

    limit = 1000

    def __init__(self, model):
        self.model = model

    def items(self):
        # Only what the address is made of: the rest of a row (summaries, descriptions)
        # would be read and thrown away a thousand times a page.
        return self.model.objects.published().order_by("slug").only("slug")


class TopicSitemap(Sitemap):
    def items(self):
        return Topic.objects.active().order_by("slug").only("slug")


sitemaps = {
    "pages": PageSitemap,
    "presidencies": PublishedSitemap(Presidency),
    "meetings": PublishedSitemap(Meeting),
    "projects": PublishedSitemap(Project),
    "publications": PublishedSitemap(Publication),
    "topics": TopicSitemap,
}
