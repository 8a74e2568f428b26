from django.urls import path

from samtale.home import views

urlpatterns = [
    path("", views.home, name="home"),
]
