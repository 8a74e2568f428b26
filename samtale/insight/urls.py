from django.urls import path

from samtale.insight import views

urlpatterns = [
    path("innsikt/svar/", views.likert_results, name="likert_results"),
]
