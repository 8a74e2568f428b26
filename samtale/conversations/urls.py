from django.urls import include, path

from samtale.conversations import views

# Every path under samtaler/: other pages pass the whole list with one comparison.
conversation_patterns = [
    path("", views.conversation_list, name="conversation_list"),
    path("ny/", views.conversation_create, name="conversation_create"),
    path("delt/", views.shared_conclusions, name="shared_conclusions"),
    path("<int:pk>/", views.conversation_detail, name="conversation_detail"),
    path("<int:pk>/tid/", views.conversation_schedule, name="conversation_schedule"),
    path("<int:pk>/inviter/", views.conversation_invite, name="conversation_invite"),
    path("<int:pk>/utsett/", views.conversation_postpone, name="conversation_postpone"),
    path("<int:pk>/avlys/", views.conversation_cancel, name="conversation_cancel"),
    # To the time a party proposed in their answer to the calendar invitation.
    path(
        "<int:pk>/foreslatt-tid/",
        views.conversation_move_to_proposal,
        name="conversation_move_to_proposal",
    ),
    # Another time, asked for in the app by either party; the other party's one click.
    path("<int:pk>/ny-tid/", views.time_propose, name="time_propose"),
    path("<int:pk>/ny-tid/godta/", views.time_proposal_accept, name="time_proposal_accept"),
    # Preparation
    path("<int:pk>/forberedelse/", views.preparation, name="preparation"),
    path("<int:pk>/notat/<slug:theme_key>/", views.note_save, name="note_save"),
    path("<int:pk>/notat/<slug:theme_key>/del/", views.note_share, name="note_share"),
    path("<int:pk>/notat/<slug:theme_key>/skjul/", views.note_unshare, name="note_unshare"),
    # Share all: GET lists what would be shared, POST shares it.
    path("<int:pk>/forberedelse/del/", views.preparation_share, name="preparation_share"),
    path("<int:pk>/svar/", views.likert_save, name="likert_save"),
    path("<int:pk>/svar/del/", views.answers_share, name="answers_share"),
    path("<int:pk>/svar/skjul/", views.answers_unshare, name="answers_unshare"),
    path("<int:pk>/sjekkliste/", views.leader_checklist, name="leader_checklist"),
    # The meeting
    path("<int:pk>/mote/", views.meeting_screen, name="meeting"),
    path("<int:pk>/mote/tema/", views.theme_cover, name="theme_cover"),
    path("<int:pk>/mote/avslutning/", views.closing_step, name="closing_step"),
    path("<int:pk>/mote/taletid/", views.talk_time, name="talk_time"),
    # Planned for a later day: "we hold the conversation now".
    path("<int:pk>/mote/na/", views.meeting_hold_now, name="meeting_hold_now"),
    path("<int:pk>/mote/avslutt/", views.meeting_close, name="meeting_close"),
    # The summary
    path("<int:pk>/oppsummering/", views.summary_page, name="summary"),
    path("<int:pk>/oppsummering/tekst/", views.summary_save, name="summary_save"),
    path(
        "<int:pk>/oppsummering/konklusjon/",
        views.summary_conclusion,
        name="summary_conclusion",
    ),
    path("<int:pk>/oppsummering/send/", views.summary_submit, name="summary_submit"),
    path("<int:pk>/oppsummering/kommentar/", views.summary_comment, name="summary_comment"),
    path(
        "<int:pk>/oppsummering/kommentar/send/",
        views.summary_comment_send,
        name="summary_comment_send",
    ),
    path("<int:pk>/oppsummering/send-tilbake/", views.summary_send_back, name="summary_send_back"),
    path("<int:pk>/oppsummering/godkjenn/", views.summary_approve, name="summary_approve"),
    path("<int:pk>/oppsummering/gjenapne/", views.summary_reopen, name="summary_reopen"),
    path("<int:pk>/rettelse/", views.summary_revise, name="summary_revise"),
    path("<int:pk>/rettelse/mal/", views.correction_goals, name="correction_goals"),
    path("<int:pk>/rettelse/trekk/", views.correction_withdraw, name="correction_withdraw"),
    # A signed summary its employee shared with their new line manager.
    path("<int:pk>/delt-oppsummering/", views.shared_summary, name="shared_summary"),
    path("<int:pk>/revisjoner/", views.summary_revisions, name="summary_revisions"),
    path("<int:pk>/tilbakemelding/", views.feedback_give, name="feedback_give"),
]

urlpatterns = [path("samtaler/", include(conversation_patterns))]
