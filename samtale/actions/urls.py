from django.urls import path

from samtale.actions import views

urlpatterns = [
    path("samtaler/<int:pk>/mal/", views.goal_add, name="goal_add"),
    path("mal/<int:pk>/slett/", views.goal_delete, name="goal_delete"),
    path("mal/<int:pk>/tiltak/", views.action_add, name="action_add"),
    path("tiltak/<int:pk>/slett/", views.action_delete, name="action_delete"),
]
