from django.urls import path

from samtale.rounds import views

urlpatterns = [
    path("runder/", views.round_list, name="round_list"),
    path("runder/ny/", views.round_create, name="round_create"),
    path("runder/krav/", views.round_coverage, name="round_coverage"),
    path("runder/<int:pk>/", views.round_detail, name="round_detail"),
    path("runder/<int:pk>/fremdrift/", views.round_progress, name="round_progress"),
    path("runder/<int:pk>/endre/", views.round_edit, name="round_edit"),
    path("runder/<int:pk>/minn-paa/", views.round_remind, name="round_remind"),
    path("runder/<int:pk>/avslutt/", views.round_close, name="round_close"),
    path("runder/<int:pk>/fordel/", views.round_share, name="round_share"),
    path("runder/<int:pk>/deltakere/ny/", views.participant_add, name="participant_add"),
    path("runder/deltakere/<int:pk>/fjern/", views.participant_remove, name="participant_remove"),
    path("runder/deltakere/<int:pk>/leder/", views.participant_holder, name="participant_holder"),
    path("runder/<int:pk>/timeplan/<int:leader_pk>/", views.round_schedule, name="round_schedule"),
    path("runder/<int:pk>/timeplan/<int:leader_pk>/tid/", views.window_add, name="window_add"),
    path(
        "runder/<int:pk>/timeplan/<int:leader_pk>/godta/",
        views.schedule_accept,
        name="schedule_accept",
    ),
    path("runder/tid/<int:pk>/slett/", views.window_delete, name="window_delete"),
]
