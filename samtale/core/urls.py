from django.urls import path

from samtale.core import views

urlpatterns = [
    path("helse/", views.health, name="health"),
    path("velg/<slug:source>/", views.pick, name="pick"),
    path("tilgjengelighet/", views.accessibility_statement, name="accessibility_statement"),
]
