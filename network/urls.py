from django.urls import path

from network import views

app_name = "network"

urlpatterns = [
    path("network/", views.NetworkView.as_view(), name="index"),
    path("network/join/", views.JoinView.as_view(), name="join"),
    path("network/join/thanks/", views.JoinThanksView.as_view(), name="join_thanks"),
    path("network/confirm/<str:token>/", views.ConfirmView.as_view(), name="confirm"),
    path("network/sign-in/", views.SignInView.as_view(), name="sign_in"),
    path("network/sign-in/sent/", views.SignInSentView.as_view(), name="sign_in_sent"),
    path("network/sign-in/<str:token>/", views.SignInLinkView.as_view(), name="sign_in_link"),
    path("network/sign-out/", views.SignOutView.as_view(), name="sign_out"),
    path("network/directory/", views.DirectoryView.as_view(), name="directory"),
    path("network/directory.csv", views.DirectoryCsvView.as_view(), name="directory_csv"),
    path("network/directory.pdf", views.DirectoryPdfView.as_view(), name="directory_pdf"),
    path("network/me/<str:token>/", views.PersonalView.as_view(), name="personal"),
    path("network/me/<str:token>/keep/", views.KeepView.as_view(), name="keep"),
    path("network/me/<str:token>/withdraw/", views.WithdrawView.as_view(), name="withdraw"),
    path("network/withdrawn/", views.WithdrawnView.as_view(), name="withdrawn"),
    path(
        "network/confirm-email/<str:token>/",
        views.NewEmailConfirmView.as_view(),
        name="confirm_email",
    ),
]
