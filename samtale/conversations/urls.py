from django.urls import path

from samtale.conversations import views

urlpatterns = [
    path("samtaler/", views.conversation_list, name="conversation_list"),
    path("samtaler/ny/", views.conversation_create, name="conversation_create"),
    path("samtaler/delt/", views.shared_conclusions, name="shared_conclusions"),
    path("samtaler/<int:pk>/", views.conversation_detail, name="conversation_detail"),
    path("samtaler/<int:pk>/tid/", views.conversation_schedule, name="conversation_schedule"),
    path("samtaler/<int:pk>/inviter/", views.conversation_invite, name="conversation_invite"),
    path("samtaler/<int:pk>/utsett/", views.conversation_postpone, name="conversation_postpone"),
    path("samtaler/<int:pk>/avlys/", views.conversation_cancel, name="conversation_cancel"),
    # Preparation
    path("samtaler/<int:pk>/forberedelse/", views.preparation, name="preparation"),
    path("samtaler/<int:pk>/notat/<slug:theme_key>/", views.note_save, name="note_save"),
    path("samtaler/<int:pk>/forberedelse/del/", views.preparation_share, name="preparation_share"),
    path("samtaler/<int:pk>/svar/", views.likert_save, name="likert_save"),
    path("samtaler/<int:pk>/sjekkliste/", views.leader_checklist, name="leader_checklist"),
    # The meeting
    path("samtaler/<int:pk>/mote/", views.meeting_screen, name="meeting"),
    path("samtaler/<int:pk>/mote/tema/", views.theme_cover, name="theme_cover"),
    path("samtaler/<int:pk>/mote/avslutning/", views.closing_step, name="closing_step"),
    path("samtaler/<int:pk>/mote/taletid/", views.talk_time, name="talk_time"),
    path("samtaler/<int:pk>/mote/avslutt/", views.meeting_close, name="meeting_close"),
    # The summary
    path("samtaler/<int:pk>/oppsummering/", views.summary_page, name="summary"),
    path("samtaler/<int:pk>/oppsummering/tekst/", views.summary_save, name="summary_save"),
    path(
        "samtaler/<int:pk>/oppsummering/konklusjon/",
        views.summary_conclusion,
        name="summary_conclusion",
    ),
    path("samtaler/<int:pk>/oppsummering/send/", views.summary_submit, name="summary_submit"),
    path(
        "samtaler/<int:pk>/oppsummering/kommentar/", views.summary_comment, name="summary_comment"
    ),
    path("samtaler/<int:pk>/oppsummering/godkjenn/", views.summary_approve, name="summary_approve"),
    path("samtaler/<int:pk>/oppsummering/gjenapne/", views.summary_reopen, name="summary_reopen"),
    path("samtaler/<int:pk>/signer/", views.conversation_sign, name="conversation_sign"),
    path("samtaler/<int:pk>/rettelse/", views.summary_revise, name="summary_revise"),
    path("samtaler/<int:pk>/tilbakemelding/", views.feedback_give, name="feedback_give"),
]
