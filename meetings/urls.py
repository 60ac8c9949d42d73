from django.urls import path

import carportal.converters  # noqa: F401 - registers the converters the routes name
from meetings import views
from meetings.feeds import MeetingFeed

app_name = "meetings"

urlpatterns = [
    path("presidencies/", views.PresidencyListView.as_view(), name="presidency_list"),
    path(
        "presidencies/<slugfield:slug>/",
        views.PresidencyDetailView.as_view(),
        name="presidency_detail",
    ),
    path(
        "presidencies/<slugfield:slug>/report.pdf",
        views.presidency_report_pdf,
        name="presidency_report_pdf",
    ),
    path("meetings/", views.MeetingListView.as_view(), name="list"),
    # The list's calendar feed: the list's query string chooses its meetings.
    path("meetings/calendar.ics", views.meetings_calendar, name="calendar"),
    # Before the slug route, which would take "feed" for a slug.
    path("meetings/feed/", MeetingFeed(), name="feed"),
    path("meetings/<slugfield:slug>/", views.MeetingDetailView.as_view(), name="detail"),
    path(
        "meetings/<slugfield:slug>/documents/<pk:pk>/",
        views.meeting_document,
        name="document",
    ),
    path(
        "meetings/<slugfield:slug>/calendar.ics",
        views.meeting_calendar,
        name="meeting_calendar",
    ),
    path(
        "meetings/<slugfield:slug>/programme.pdf",
        views.meeting_programme_pdf,
        name="programme_pdf",
    ),
]
