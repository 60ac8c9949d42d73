from django.urls import path

from meetings import views

app_name = "meetings"

urlpatterns = [
    path("presidencies/", views.PresidencyListView.as_view(), name="presidency_list"),
    path(
        "presidencies/<slug:slug>/",
        views.PresidencyDetailView.as_view(),
        name="presidency_detail",
    ),
    path(
        "presidencies/<slug:slug>/report.pdf",
        views.presidency_report_pdf,
        name="presidency_report_pdf",
    ),
    path("meetings/", views.MeetingListView.as_view(), name="list"),
    path("meetings/<slug:slug>/", views.MeetingDetailView.as_view(), name="detail"),
    path(
        "meetings/<slug:slug>/documents/<int:pk>/",
        views.meeting_document,
        name="document",
    ),
    path(
        "meetings/<slug:slug>/programme.pdf",
        views.meeting_programme_pdf,
        name="programme_pdf",
    ),
]
