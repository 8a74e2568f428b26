from django.urls import path

from samtale.insight import views

urlpatterns = [
    path("innsikt/", views.status_analysis, name="status_analysis"),
    path("innsikt/svar/", views.likert_results, name="likert_results"),
]
