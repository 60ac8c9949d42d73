from django.urls import path

from network import views

app_name = "network"

urlpatterns = [
    path("network/", views.NetworkView.as_view(), name="index"),
    path("network/join/", views.JoinView.as_view(), name="join"),
    path("network/join/thanks/", views.JoinThanksView.as_view(), name="join_thanks"),
    path("network/confirm/<str:token>/", views.ConfirmView.as_view(), name="confirm"),
]
