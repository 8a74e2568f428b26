from django.urls import path

from samtale.needs import views

urlpatterns = [
    path("behov/", views.need_list, name="need_list"),
    path("behov/<int:pk>/", views.need_detail, name="need_detail"),
    path("samtaler/<int:pk>/behov/", views.need_raise, name="need_raise"),
    path(
        "samtaler/<int:pk>/behov/<int:raised_pk>/",
        views.need_raised_change,
        name="need_raised_change",
    ),
]
