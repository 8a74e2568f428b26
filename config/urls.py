from django.urls import include, path

urlpatterns = [
    path("", include("samtale.core.urls")),
    path("", include("samtale.accounts.urls")),
    path("", include("samtale.org.urls")),
    path("", include("samtale.guides.urls")),
    path("", include("samtale.conversations.urls")),
    path("", include("samtale.actions.urls")),
    path("", include("samtale.rounds.urls")),
]

handler400 = "samtale.core.views.error_400"
handler403 = "samtale.core.views.error_403"
handler404 = "samtale.core.views.error_404"
handler500 = "samtale.core.views.error_500"
