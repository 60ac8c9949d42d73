from django.contrib.sitemaps import Sitemap
from django.urls import reverse

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
        ]

    def location(self, item):
        return reverse(item)


class PublishedSitemap(Sitemap):
    def __init__(self, model):
        self.model = model

    def items(self):
        return self.model.objects.published().order_by("slug")


sitemaps = {
    "pages": PageSitemap,
    "presidencies": PublishedSitemap(Presidency),
    "meetings": PublishedSitemap(Meeting),
    "projects": PublishedSitemap(Project),
    "publications": PublishedSitemap(Publication),
}
