from django.urls import path

from network import views

app_name = "network"

urlpatterns = [
    path("network/", views.NetworkView.as_view(), name="index"),
]
