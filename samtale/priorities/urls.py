from django.urls import path

from samtale.priorities import views

urlpatterns = [
    path("enhetsmal/", views.priority_list, name="priority_list"),
    path("enhetsmal/<int:pk>/", views.priority_edit, name="priority_edit"),
]
