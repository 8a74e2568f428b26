from django.urls import path

from samtale.accessibility import views

urlpatterns = [
    path("tilgjengelighet/", views.accessibility_statement, name="accessibility_statement"),
]
