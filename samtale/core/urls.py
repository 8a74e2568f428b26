from django.urls import path

from samtale.core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("helse/", views.health, name="health"),
]
