"""The access matrix's rows for a person's own work (tests/test_access_matrix.py): the home
page, signing in and the profile, the organization's people and units, the templates, the
conversations and their goals and actions. A row is (url name, kwargs, method, expected
per role[, the data it posts]); a kwarg's value names an object of the matrix's fixture.
"""

from tests.access_matrix.columns import (
    ADMIN_ONLY,
    ADMIN_ONLY_HIDDEN,
    ALL_200,
    ALL_404,
    EMPLOYEE_302_LEADER_403,
    EMPLOYEE_400_LEADER_403,
    HR_ADMIN,
    HR_ADMIN_REDIRECT,
    LEADER_302_EMPLOYEE_403,
    LEADER_ONLY_200,
    LEADER_ONLY_302,
    NOT_GET,
    PARTIES_200,
    PARTIES_302,
    PARTIES_400,
    PARTIES_403,
    SIGNED_IN,
    C,
)

ROWS = [
    # (url name, kwargs, method, expected per role)
    ("home", {}, "get", SIGNED_IN),
    # The organization's counts on HR's and the administrator's home, asked when scrolled to.
    ("home_organization", {}, "get", HR_ADMIN),
    ("home_organization", {}, "post", (302, 403, 403, 403, 403, 403, 405, 405)),
    # The health checks (core.health): the same answer for everyone, no one signed in needed.
    ("health", {}, "get", ALL_200),
    ("health_live", {}, "get", ALL_200),
    ("health_ready", {}, "get", ALL_200),
    ("health_ready", {}, "post", NOT_GET),
    # Prometheus's scrape (core.metrics): only to its token or networks, none set here.
    ("metrics", {}, "get", ALL_404),
    ("metrics", {}, "post", ALL_404),
    ("accessibility_statement", {}, "get", ALL_200),
    # The user guide (home.guide): to everyone, signed in or not (the login page links it).
    ("help", {}, "get", ALL_200),
    ("help", {}, "post", NOT_GET),
    ("help_page", {"page": "follow-up"}, "get", ALL_200),
    ("help_page", {"page": "nowhere"}, "get", ALL_404),
    # The pickers' searches (core.pickers): each source asks its own capability.
    ("pick", {"source": "plan-employee"}, "get", (302, 403, 403, 200, 200, 200, 200, 403)),
    ("pick", {"source": "plan-leader"}, "get", (302, 403, 403, 200, 200, 200, 200, 403)),
    ("pick", {"source": "round-holder"}, "get", (302, 403, 403, 200, 200, 200, 200, 403)),
    # Which round to add people to is a parameter; without it there is no such round.
    ("pick", {"source": "round-person"}, "get", (302, 403, 403, 404, 404, 404, 404, 403)),
    ("pick", {"source": "manager"}, "get", ADMIN_ONLY),
    ("pick", {"source": "units"}, "get", SIGNED_IN),
    ("pick", {"source": "audit-person"}, "get", HR_ADMIN),
    ("pick", {"source": "nothing"}, "get", (302, 404, 404, 404, 404, 404, 404, 404)),
    ("login", {}, "get", (200, 302, 302, 302, 302, 302, 302, 302)),
    ("logout", {}, "get", NOT_GET),
    ("logout", {}, "post", (302,) * 8),
    ("password_reset", {}, "get", ALL_200),
    # allauth's flows know the sign-in and sign-out by these names: the same pages.
    ("account_login", {}, "get", (200, 302, 302, 302, 302, 302, 302, 302)),
    ("account_logout", {}, "post", (302,) * 8),
    # Single sign-on (accounts.sso): no provider is set in the tests, so none is found.
    ("openid_connect_login", {"provider_id": "entra"}, "post", (404,) * 8),
    ("openid_connect_callback", {"provider_id": "entra"}, "get", (404,) * 8),
    # Where allauth sends someone it will not sign in: a refusal, for everyone.
    ("account_inactive", {}, "get", (403,) * 8),
    ("socialaccount_signup", {}, "get", (403,) * 8),
    ("socialaccount_login_cancelled", {}, "get", (403,) * 8),
    # Two-factor (allauth.mfa): your own authenticators only. Setting one up or changing
    # it first asks to confirm who you are (302 to account_reauthenticate); what you do
    # not have is not found; a page of the sign-in's second step without a sign-in under
    # way goes back to the sign-in.
    ("account_reauthenticate", {}, "get", SIGNED_IN),
    ("mfa_index", {}, "get", SIGNED_IN),
    ("mfa_activate_totp", {}, "get", (302,) * 8),
    ("mfa_activate_totp", {}, "post", (302,) * 8),
    ("mfa_deactivate_totp", {}, "post", (302, 404, 404, 404, 404, 404, 404, 404)),
    ("mfa_view_recovery_codes", {}, "get", (302, 404, 404, 404, 404, 404, 404, 404)),
    ("mfa_download_recovery_codes", {}, "get", (302, 404, 404, 404, 404, 404, 404, 404)),
    ("mfa_generate_recovery_codes", {}, "post", (302,) * 8),
    ("mfa_list_webauthn", {}, "get", SIGNED_IN),
    ("mfa_add_webauthn", {}, "get", (302,) * 8),
    ("mfa_edit_webauthn", {"pk": 1}, "post", (302,) * 8),
    ("mfa_remove_webauthn", {"pk": 1}, "post", (302,) * 8),
    ("mfa_authenticate", {}, "get", (302,) * 8),
    ("mfa_reauthenticate", {}, "get", (302,) * 8),
    ("mfa_reauthenticate_webauthn", {}, "get", (302,) * 8),
    ("password_reset_done", {}, "get", ALL_200),
    ("password_reset_confirm", {"uidb64": "MQ", "token": "bad-token"}, "get", ALL_200),
    ("password_reset_complete", {}, "get", ALL_200),
    # A link to the old address after an e-mail change; a bad one says so, to anyone.
    ("password_reset_old_address", {"token": "bad-token"}, "get", (400,) * 8),
    ("password_reset_old_address", {"token": "bad-token"}, "post", (400,) * 8),
    ("profile", {}, "get", SIGNED_IN),
    ("profile_notices", {}, "get", (302, 405, 405, 405, 405, 405, 405, 405)),
    ("profile_notices", {}, "post", (302,) * 8),
    ("password_change", {}, "get", SIGNED_IN),
    ("language_set", {}, "get", NOT_GET),
    ("language_set", {}, "post", (302,) * 8),
    # How long the session has left (session.js); signed out, it says so instead.
    ("session_status", {}, "get", ALL_200),
    ("session_status", {}, "post", ALL_200),
    ("person_list", {}, "get", (302, 403, 403, 200, 200, 200, 200, 200)),
    ("person_create", {}, "get", ADMIN_ONLY),
    ("person_detail", {"pk": "employee"}, "get", (302, 200, 404, 200, 404, 200, 200, 200)),
    ("person_edit", {"pk": "employee"}, "get", (302, 403, 404, 403, 404, 403, 403, 200)),
    # Calendar connections (samtale.calendars): your own from the profile; anyone's for an
    # administrator. Those who may see the employee but not their calendar are refused;
    # others not told. Testing or removing where none is connected: a message, and back.
    ("calendar_own", {}, "get", SIGNED_IN),
    ("calendar_own", {}, "post", SIGNED_IN, {"kind": "ics", "url": "ftp://x"}),
    ("calendar_person", {"pk": "employee"}, "get", (302, 200, 404, 403, 404, 403, 403, 200)),
    ("calendar_test", {"pk": "employee"}, "get", (302, 405, 405, 405, 405, 405, 405, 405)),
    ("calendar_test", {"pk": "employee"}, "post", (302, 302, 404, 403, 404, 403, 403, 302)),
    ("calendar_delete", {"pk": "employee"}, "post", (302, 302, 404, 403, 404, 403, 403, 302)),
    ("role_changes", {}, "get", HR_ADMIN),
    # HR releases the hold the administrator's change put on the employee's resets.
    (
        "email_change_release",
        {"pk": "email_change"},
        "get",
        (302, 403, 403, 403, 403, 403, 405, 405),
    ),
    (
        "email_change_release",
        {"pk": "email_change"},
        "post",
        (302, 403, 403, 403, 403, 403, 302, 403),
    ),
    ("unit_list", {}, "get", (302, 403, 403, 403, 403, 403, 200, 200)),
    ("unit_create", {}, "get", ADMIN_ONLY),
    ("unit_edit", {"pk": "unit"}, "get", ADMIN_ONLY),
    ("held_deactivations", {}, "get", ADMIN_ONLY),
    ("held_deactivations", {}, "post", (302, 403, 403, 403, 403, 403, 403, 302)),
    ("import_start", {}, "get", ADMIN_ONLY),
    ("import_detail", {"pk": "import"}, "get", ADMIN_ONLY_HIDDEN),
    ("import_apply", {"pk": "import"}, "get", (302, 405, 405, 405, 405, 405, 405, 405)),
    ("import_apply", {"pk": "import"}, "post", (302, 404, 404, 404, 404, 404, 404, 302)),
    ("import_undo", {"pk": "import"}, "get", (302, 405, 405, 405, 405, 405, 405, 405)),
    ("import_undo", {"pk": "import"}, "post", (302, 404, 404, 404, 404, 404, 404, 302)),
    ("import_template", {"kind": "people"}, "get", ADMIN_ONLY),
    # guides
    ("guide_list", {}, "get", HR_ADMIN),
    ("guide_create", {}, "get", HR_ADMIN),
    ("guide_create", {}, "post", HR_ADMIN),
    ("guide_detail", {"pk": "guide"}, "get", HR_ADMIN),
    ("guide_edit", {"pk": "guide"}, "get", HR_ADMIN),
    ("guide_edit", {"pk": "guide"}, "post", HR_ADMIN),
    ("guide_copy", {"pk": "guide"}, "get", (302, 405, 405, 405, 405, 405, 405, 405)),
    ("guide_copy", {"pk": "guide"}, "post", HR_ADMIN_REDIRECT),
    ("guide_retire", {"pk": "guide"}, "get", (302, 405, 405, 405, 405, 405, 405, 405)),
    ("guide_retire", {"pk": "guide"}, "post", HR_ADMIN_REDIRECT),
    ("guide_restore", {"pk": "guide"}, "get", (302, 405, 405, 405, 405, 405, 405, 405)),
    ("guide_restore", {"pk": "guide"}, "post", HR_ADMIN_REDIRECT),
    # conversations: the employee's, held by their leader, planned with a time ahead.
    # Content is the two parties' alone; everyone else is told it does not exist.
    ("conversation_list", {}, "get", SIGNED_IN),
    ("conversation_create", {}, "get", (302, 403, 403, 200, 200, 200, 200, 403)),
    ("conversation_detail", C, "get", PARTIES_200),
    ("shared_conclusions", {}, "get", (302, 403, 403, 403, 403, 403, 200, 403)),
    ("conversation_schedule", C, "get", LEADER_ONLY_200),
    ("conversation_invite", C, "get", (302, 405, 405, 405, 405, 405, 405, 405)),
    ("conversation_invite", C, "post", LEADER_ONLY_302),
    ("conversation_postpone", C, "get", LEADER_ONLY_200),
    ("conversation_postpone", C, "post", LEADER_ONLY_302, {"reason": "Sykdom"}),
    ("conversation_cancel", C, "get", LEADER_ONLY_200),
    ("conversation_cancel", C, "post", LEADER_ONLY_302, {"reason": "Sluttet"}),
    # To the time a party proposed in their answer to the calendar invitation: the leader's
    # click (with no proposal here, refused with a message on the conversation's page).
    ("conversation_move_to_proposal", C, "get", (302, 405, 405, 405, 405, 405, 405, 405)),
    ("conversation_move_to_proposal", C, "post", LEADER_ONLY_302, {"party": "employee"}),
    # Another time, asked for in the app: by either party once invited (this one is only
    # planned: refused); the other party's one click (nothing proposed here: a message).
    ("time_propose", C, "get", PARTIES_403),
    ("time_propose", C, "post", PARTIES_403, {"own_1": "2030-01-07T09:00"}),
    ("time_proposal_accept", C, "get", (302, 405, 405, 405, 405, 405, 405, 405)),
    ("time_proposal_accept", C, "post", PARTIES_302, {"proposal": "0", "start": "x"}),
    ("preparation", C, "get", PARTIES_200),
    (
        "note_save",
        {**C, "theme_key": "motivasjon"},
        "post",
        PARTIES_302,
        {"text": "x", "version": 0},
    ),
    # Share all: the page that lists what would be shared, and the confirmation.
    ("preparation_share", C, "get", PARTIES_200),
    ("preparation_share", C, "post", PARTIES_302),
    # One note, or the answers, shared or taken back: the party's own only (a message if
    # there is nothing to share); everyone else is told the conversation does not exist.
    ("note_share", {**C, "theme_key": "motivasjon"}, "post", PARTIES_302),
    ("note_unshare", {**C, "theme_key": "motivasjon"}, "post", PARTIES_302),
    ("answers_share", C, "post", PARTIES_302),
    ("answers_unshare", C, "post", PARTIES_302),
    ("likert_save", C, "post", PARTIES_302, {"statement": "x", "value": 3}),
    ("leader_checklist", C, "post", PARTIES_302, {"done": [1]}),
    ("meeting", C, "get", PARTIES_200),
    ("theme_cover", C, "post", PARTIES_302, {"key": "motivasjon", "done": "on"}),
    ("closing_step", C, "post", PARTIES_302, {"key": "1", "done": "on"}),
    ("talk_time", C, "post", PARTIES_200, {"leader_seconds": 60, "employee_seconds": 140}),
    ("meeting_hold_now", C, "post", LEADER_ONLY_302),
    ("meeting_close", C, "post", LEADER_ONLY_302),
    ("summary", C, "get", PARTIES_200),
    # The summary's steps before the meeting is held: the drafter (employee) and the
    # reviewer (leader) are told why not; the other party is refused.
    ("summary_save", C, "post", EMPLOYEE_302_LEADER_403, {"text": "x", "version": 0}),
    ("summary_conclusion", C, "post", EMPLOYEE_400_LEADER_403, {"conclusion": "no_actions"}),
    # Refused on the page, at the conclusion: none was chosen (nor is the meeting held).
    ("summary_submit", C, "post", EMPLOYEE_400_LEADER_403),
    ("summary_comment", C, "post", LEADER_302_EMPLOYEE_403, {"text": "x", "version": 0}),
    ("summary_approve", C, "post", LEADER_302_EMPLOYEE_403),
    ("summary_comment_send", C, "post", LEADER_302_EMPLOYEE_403),
    ("summary_send_back", C, "post", LEADER_302_EMPLOYEE_403),
    ("summary_reopen", C, "post", PARTIES_302),
    ("conversation_sign", C, "post", PARTIES_302),
    # A correction asks why on a page of its own; refused with a message on the page until
    # the summary is signed. Its goals are the drafter's; the revisions compared are the
    # parties' alone.
    ("summary_revise", C, "get", PARTIES_200),
    ("summary_revise", C, "post", PARTIES_400, {"reason": "Feil dato i oppsummeringen"}),
    ("correction_goals", C, "post", EMPLOYEE_400_LEADER_403, {"base": "x"}),
    # Either party withdraws a correction under way (refused on the page while there is none).
    ("correction_withdraw", C, "post", PARTIES_400, {"withdraw-reason": "Ikke nødvendig"}),
    ("summary_revisions", C, "get", PARTIES_200),
    # A summary its employee shared with a new line manager: nobody here has one shared with
    # them, the parties included (actions/tests/test_handover.py shares one).
    ("shared_summary", C, "get", (302, 404, 404, 404, 404, 404, 404, 404)),
    ("feedback_give", C, "post", PARTIES_403, {"rating": 4}),
    ("goal_add", C, "post", PARTIES_302, {"text": "Mål"}),
    ("goal_delete", {"pk": "goal"}, "post", PARTIES_302),
    ("goal_serves", {"pk": "goal"}, "post", PARTIES_302, {"serves": ""}),
    (
        "action_add",
        {"pk": "goal"},
        "post",
        PARTIES_302,
        {"action_text": "Tiltak", "responsible": "both"},
    ),
    ("action_delete", {"pk": "action"}, "post", PARTIES_302),
    # Carry an action of the previous conversation over (here the conversation's own: refused
    # with a message for its parties, not found for everyone else).
    (
        "action_carry_over",
        {"pk": "conversation", "action": "action"},
        "get",
        (302, 405, 405, 405, 405, 405, 405, 405),
    ),
    ("action_carry_over", {"pk": "conversation", "action": "action"}, "post", PARTIES_302),
    # follow-up: the leader's overview is for leaders and shows their own reports only;
    # an action and its history belong to the conversation's two parties.
    ("follow_up", {}, "get", (302, 403, 403, 200, 200, 200, 403, 403)),
    ("follow_up_goals", {}, "get", (302, 403, 403, 200, 200, 200, 403, 403)),
    ("follow_up_person", {"pk": "employee"}, "get", (302, 403, 403, 200, 404, 404, 403, 403)),
    ("my_actions", {}, "get", SIGNED_IN),
    # The employee's question after a change of line manager: theirs alone, and nobody here
    # has one (actions/tests/test_handover.py asks and answers it).
    ("follow_up_handover", C, "get", (302, 404, 404, 404, 404, 404, 404, 404)),
    ("follow_up_handover", C, "post", (302, 404, 404, 404, 404, 404, 404, 404)),
    ("action_detail", {"pk": "action"}, "get", PARTIES_200),
    ("action_update", {"pk": "action"}, "get", (302, 405, 405, 405, 405, 405, 405, 405)),
    (
        "action_update",
        {"pk": "action"},
        "post",
        PARTIES_400,
        {"status": "done", "comment": "Ferdig"},
    ),
    # Acting on an action that falls behind (the conversation is not signed here, so its
    # parties are told so): the leader reminds, never the employee; either gives it a new
    # deadline (the employee answers for this one) or drops it, saying why.
    ("action_remind", {"pk": "action"}, "get", (302, 405, 405, 405, 405, 405, 405, 405)),
    ("action_remind", {"pk": "action"}, "post", LEADER_302_EMPLOYEE_403),
    ("action_deadline", {"pk": "action"}, "get", (302, 405, 405, 405, 405, 405, 405, 405)),
    (
        "action_deadline",
        {"pk": "action"},
        "post",
        PARTIES_400,
        {"deadline-deadline": "01.01.2099", "deadline-reason": "Sykdom"},
    ),
    # Whether an action is a competence need: its parties, while the goals are written (as
    # here) or when they follow it up; not found for everyone else.
    ("action_competence", {"pk": "action"}, "get", (302, 405, 405, 405, 405, 405, 405, 405)),
    (
        "action_competence",
        {"pk": "action"},
        "post",
        PARTIES_302,
        {"competence-competence": "course", "competence-cost": "1000"},
    ),
    ("action_drop", {"pk": "action"}, "get", (302, 405, 405, 405, 405, 405, 405, 405)),
    ("action_drop", {"pk": "action"}, "post", PARTIES_400, {"drop-reason": "Ikke aktuelt"}),
    ("goal_review", {"pk": "goal"}, "post", PARTIES_302, {"result": "achieved"}),
    # What a pitfall count counts: a leader's own behind their nudges; HR's behind the
    # organization's counts (who and when, never content).
    ("follow_up_pitfall", {"pitfall": "forfalt"}, "get", (302, 403, 403, 200, 200, 200, 403, 403)),
    ("follow_up_pitfall", {"pitfall": "utsatt"}, "get", (302, 403, 403, 200, 200, 200, 403, 403)),
    ("pitfall_list", {"pitfall": "forfalt"}, "get", (302, 403, 403, 403, 403, 403, 200, 403)),
    ("pitfall_list", {"pitfall": "utsatt"}, "get", (302, 403, 403, 403, 403, 403, 200, 403)),
    ("pitfall_list", {"pitfall": "ukjent"}, "get", (302, 403, 403, 403, 403, 403, 404, 403)),
]
