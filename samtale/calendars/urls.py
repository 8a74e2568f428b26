from django.urls import path

from samtale.calendars import views

urlpatterns = [
    path("profil/kalender/", views.calendar_own, name="calendar_own"),
    path("personer/<int:pk>/kalender/", views.calendar_person, name="calendar_person"),
    path("personer/<int:pk>/kalender/test/", views.calendar_test, name="calendar_test"),
    path("personer/<int:pk>/kalender/fjern/", views.calendar_delete, name="calendar_delete"),
]
