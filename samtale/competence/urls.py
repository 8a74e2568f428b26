from django.urls import path

from samtale.competence import views

urlpatterns = [
    path("kompetanseplan/", views.competence_plan, name="competence_plan"),
]
