from django.urls import path

from samtale.insight import views

urlpatterns = [
    path("innsikt/", views.status_analysis, name="status_analysis"),
    path("innsikt/svar/", views.likert_results, name="likert_results"),
    path("innsikt/vurderinger/", views.rating_fairness, name="rating_fairness"),
    path("innsikt/ledelse/", views.leadership_feedback, name="leadership_feedback"),
]
