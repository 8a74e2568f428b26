from django.urls import path

from samtale.home import views, views_help

urlpatterns = [
    path("", views.home, name="home"),
    path("organisasjonen/", views.organization, name="home_organization"),
    path("hjelp/", views_help.help_page, name="help"),
    path("hjelp/<slug:page>/", views_help.help_page, name="help_page"),
]
