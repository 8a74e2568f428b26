from django.urls import path

from samtale.actions import views

urlpatterns = [
    path("samtaler/<int:pk>/mal/", views.goal_add, name="goal_add"),
    # An open action of the previous conversation, carried over into this one.
    path(
        "samtaler/<int:pk>/ta-med/<int:action>/",
        views.action_carry_over,
        name="action_carry_over",
    ),
    path("mal/<int:pk>/slett/", views.goal_delete, name="goal_delete"),
    path("mal/<int:pk>/tjener/", views.goal_serves, name="goal_serves"),
    path("mal/<int:pk>/tiltak/", views.action_add, name="action_add"),
    path("tiltak/<int:pk>/slett/", views.action_delete, name="action_delete"),
    # Follow-up
    path("oppfolging/", views.overview, name="follow_up"),
    path("oppfolging/enhetsmal/", views.follow_up_goals, name="follow_up_goals"),
    path("oppfolging/<int:pk>/", views.overview_person, name="follow_up_person"),
    # After a change of line manager: the employee passes their follow-up on, or keeps it.
    path("oppfolging/ny-leder/<int:pk>/", views.follow_up_handover, name="follow_up_handover"),
    path("mine-tiltak/", views.my_actions, name="my_actions"),
    path("tiltak/<int:pk>/", views.action_detail, name="action_detail"),
    path("tiltak/<int:pk>/oppdater/", views.action_update, name="action_update"),
    # A competence need, and its estimated cost: what the unit's competence plan counts.
    path("tiltak/<int:pk>/kompetanse/", views.action_competence, name="action_competence"),
    # Acting on an action that falls behind: remind, a new deadline, drop it.
    path("tiltak/<int:pk>/minn-pa/", views.action_remind, name="action_remind"),
    path("tiltak/<int:pk>/ny-frist/", views.action_deadline, name="action_deadline"),
    path("tiltak/<int:pk>/legg-bort/", views.action_drop, name="action_drop"),
    path("mal/<int:pk>/resultat/", views.goal_review, name="goal_review"),
    # What a pitfall count counts: the leader's nudges, and HR's counts on the home page.
    path(
        "oppfolging/fallgruver/<slug:pitfall>/",
        views.follow_up_pitfall,
        name="follow_up_pitfall",
    ),
    path("fallgruver/<slug:pitfall>/", views.pitfall_list, name="pitfall_list"),
]
