from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from carportal.models import Page
from carportal.site import search, topics, views
from carportal.site.feeds import TopicFeed
from carportal.site.sitemaps import sitemaps

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("about/", views.PageView.as_view(), {"slug": Page.Slug.ABOUT}, name="about"),
    path("contact/", views.PageView.as_view(), {"slug": Page.Slug.CONTACT}, name="contact"),
    path("health/", views.health, name="health"),
    path("topics/", topics.TopicListView.as_view(), name="topic_list"),
    path("topics/<slugfield:slug>/", topics.TopicDetailView.as_view(), name="topic_detail"),
    path("topics/<slugfield:slug>/feed/", TopicFeed(), name="topic_feed"),
    path("search/", search.search_page, name="search"),
    # An index of the sections, each in pages (carportal/site/sitemaps.py).
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": sitemaps, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<slugfield:section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": sitemaps},
        name="sitemap_section",
    ),
]
