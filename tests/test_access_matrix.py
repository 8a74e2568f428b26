"""Every URL the app serves × every role → the expected status, from one table.

A URL added without a row here fails `test_every_url_is_in_the_matrix`.
Columns: anonymous, employee, other_employee, leader, other_leader,
leaders_leader, hr, admin. The objects are the employee's: their person
record, their unit, an import batch made by the administrator, a built-in
template, and a planned conversation with their leader (with a goal and an action).
A row may carry the data it posts. The REST API's rows (names "api:…") are called signed in
through the browser session, its JSON for PATCH; the API answers 401, never a redirect.
samtale/api/tests/ calls them with tokens.
"""

import json
from datetime import datetime, time, timedelta

import pytest
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from samtale.actions.models import Action, Goal
from samtale.api import tokens
from samtale.conversations.services.lifecycle import conversation_plan
from samtale.demo.testing import ROLES, make_archivist, school_round
from samtale.guides.builtin import builtin_ensure
from samtale.guides.models import Guide, GuideVersion
from samtale.needs.models import Need, RaisedNeed
from samtale.needs.services import need_raise
from samtale.org.models import EmailChange, ImportBatch
from samtale.privacy import links
from samtale.privacy import services as privacy_services
from samtale.privacy.models import AccessCopy
from samtale.rounds.models import Participant, Window

#            anon emp  oemp lead olead ll   hr   admin
ALL_200 = (200, 200, 200, 200, 200, 200, 200, 200)
SIGNED_IN = (302, 200, 200, 200, 200, 200, 200, 200)
ADMIN_ONLY = (302, 403, 403, 403, 403, 403, 403, 200)
ADMIN_ONLY_HIDDEN = (302, 404, 404, 404, 404, 404, 404, 200)
NOT_GET = (405,) * 8
ALL_404 = (404,) * 8
HR_ADMIN = (302, 403, 403, 403, 403, 403, 200, 200)
HR_ADMIN_REDIRECT = (302, 403, 403, 403, 403, 403, 302, 302)
# A conversation's two parties are the employee and the leader.
C = {"pk": "conversation"}
PARTIES_200 = (302, 200, 404, 200, 404, 404, 404, 404)
PARTIES_302 = (302, 302, 404, 302, 404, 404, 404, 404)
PARTIES_403 = (302, 403, 404, 403, 404, 404, 404, 404)
# Refused with a message on the page (the conversation is not at that step yet).
PARTIES_400 = (302, 400, 404, 400, 404, 404, 404, 404)
EMPLOYEE_400_LEADER_403 = (302, 400, 404, 403, 404, 404, 404, 404)
LEADER_ONLY_200 = (302, 403, 404, 200, 404, 404, 404, 404)
LEADER_ONLY_302 = (302, 403, 404, 302, 404, 404, 404, 404)
EMPLOYEE_302_LEADER_403 = (302, 302, 404, 403, 404, 404, 404, 404)
LEADER_302_EMPLOYEE_403 = (302, 403, 404, 302, 404, 404, 404, 404)

MATRIX = [
    # (url name, kwargs, method, expected per role)
    ("home", {}, "get", SIGNED_IN),
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

# Rounds: HR's round over the school. The leaders hold conversations in it: the leader
# holds the employee's, the leader's leader holds the two department leaders'.
R = {"pk": "round"}
P = {"pk": "participant"}
SCHEDULE = {"pk": "round", "leader_pk": "leader"}
ROUND_OBJECTS = {"round", "participant", "window", "leader"}
ROUND_LEADERS_200 = (302, 403, 403, 200, 200, 200, 200, 403)
ROUND_HR_200 = (302, 403, 403, 403, 403, 403, 200, 403)
ROUND_HR_302 = (302, 403, 403, 403, 403, 403, 302, 403)
ROUND_NOT_GET = (302, 403, 403, 405, 405, 405, 405, 403)
PARTICIPANT_HR_200 = (302, 403, 403, 403, 404, 404, 200, 403)
SCHEDULE_200 = (302, 403, 403, 200, 403, 403, 200, 403)
SCHEDULE_302 = (302, 403, 403, 302, 403, 403, 302, 403)
WINDOW_DAY = (timezone.localdate() + timedelta(days=11)).strftime("%d.%m.%Y")
MATRIX += [
    ("round_list", {}, "get", ROUND_LEADERS_200),
    ("round_create", {}, "get", ROUND_LEADERS_200),
    ("round_create", {}, "post", ROUND_LEADERS_200, {"name": ""}),
    ("round_coverage", {}, "get", ROUND_HR_200),
    ("likert_results", {}, "get", ROUND_HR_200),
    # The leaders here lead fewer than k: they are sent on to the feedback on leadership.
    ("status_analysis", {}, "get", (302, 403, 403, 302, 302, 302, 200, 403)),
    ("rating_fairness", {}, "get", ROUND_HR_200),
    # A leader's own, and their leaders'; HR's neither.
    ("leadership_feedback", {}, "get", (302, 403, 403, 200, 200, 200, 403, 403)),
    # The register: leaders and HR; a need, to those whose line raised it (and HR).
    ("need_list", {}, "get", (302, 403, 403, 200, 200, 200, 200, 403)),
    ("need_detail", {"pk": "need"}, "get", (302, 403, 403, 200, 404, 200, 200, 403)),
    (
        "need_detail",
        {"pk": "need"},
        "post",
        (302, 403, 403, 302, 404, 302, 302, 403),
        {"status": "considering", "comment": "Tas med i budsjettet"},
    ),
    ("need_raise", {"pk": "conversation"}, "get", (302, 405, 405, 405, 405, 405, 405, 405)),
    (
        "need_raise",
        {"pk": "conversation"},
        "post",
        PARTIES_302,
        {"category": "equipment", "text": "Nye PC-er", "unit": "unit"},
    ),
    (
        "need_raised_change",
        {"pk": "conversation", "raised_pk": "raised_need"},
        "post",
        PARTIES_302,
        {"action": "share"},
    ),
    ("round_detail", R, "get", ROUND_LEADERS_200),
    ("round_progress", R, "get", ROUND_LEADERS_200),
    ("round_edit", R, "get", ROUND_HR_200),
    ("round_edit", R, "post", ROUND_HR_200, {"name": ""}),
    ("round_close", R, "get", ROUND_NOT_GET),
    ("round_close", R, "post", ROUND_HR_302),
    ("round_share", R, "get", ROUND_HR_200),
    ("round_share", R, "post", ROUND_HR_200, {"holder": ""}),
    ("participant_add", R, "get", ROUND_NOT_GET),
    ("participant_add", R, "post", ROUND_HR_302, {"person": ""}),
    ("participant_remove", P, "get", PARTICIPANT_HR_200),
    # The employee's conversation planned for the period counts in the round (rounds.
    # selectors.outside_conversations): HR is told the leader cancels it first, on the form.
    ("participant_remove", P, "post", PARTICIPANT_HR_200, {"reason": "Permisjon"}),
    ("participant_holder", P, "get", PARTICIPANT_HR_200),
    ("participant_holder", P, "post", PARTICIPANT_HR_200, {"holder": ""}),
    ("round_schedule", SCHEDULE, "get", SCHEDULE_200),
    ("window_add", SCHEDULE, "get", ROUND_NOT_GET),
    (
        "window_add",
        SCHEDULE,
        "post",
        SCHEDULE_302,
        {"date": WINDOW_DAY, "start": "09:00", "end": "12:00", "place": "Møterom 2"},
    ),
    ("window_delete", {"pk": "window"}, "get", ROUND_NOT_GET),
    ("window_delete", {"pk": "window"}, "post", SCHEDULE_302),
    ("schedule_accept", SCHEDULE, "get", ROUND_NOT_GET),
    ("schedule_accept", SCHEDULE, "post", SCHEDULE_302),
]

# The signed follow-up form: its two parties, and the archive staff (their own column below);
# never HR, the leader's leader or an administrator, whatever the conclusion shares.
FORM = {"pk": "signed_form"}
DELIVERY = {"pk": "delivery"}
ARCHIVE_OBJECTS = {"signed_form", "delivery"}
NO_ONE_SIGNED_IN = (302, 403, 403, 403, 403, 403, 403, 403)
MATRIX += [
    ("form_pdf", FORM, "get", PARTIES_200),
    ("form_pdf", FORM, "post", (302, 405, 405, 405, 405, 405, 405, 405)),
    ("archive_queue", {}, "get", NO_ONE_SIGNED_IN),
    ("archive_package", DELIVERY, "get", NO_ONE_SIGNED_IN),
    ("archive_confirm", DELIVERY, "get", NO_ONE_SIGNED_IN),
    ("archive_confirm", DELIVERY, "post", NO_ONE_SIGNED_IN),
    ("archive_retry", DELIVERY, "post", NO_ONE_SIGNED_IN),
    ("archive_confirm_undo", DELIVERY, "get", NO_ONE_SIGNED_IN),
    ("archive_confirm_undo", DELIVERY, "post", NO_ONE_SIGNED_IN),
]
# The archive staff: what any other employee gets, and these.
ARCHIVIST = {
    ("form_pdf", "get"): 200,
    ("form_pdf", "post"): 405,
    ("archive_queue", "get"): 200,
    ("archive_package", "get"): 200,
    ("archive_confirm", "get"): 405,
    ("archive_confirm", "post"): 302,
    # Not failed: refused with a message, and back to the queue.
    ("archive_retry", "post"): 302,
    ("archive_confirm_undo", "get"): 405,
    # Not registered (by hand, today): refused with a message, and back to the queue.
    ("archive_confirm_undo", "post"): 302,
}
# The audit log: HR and administrators search it; everyone sees who outside their
# conversations has read them (their own reads only).
MATRIX += [
    ("audit_search", {}, "get", HR_ADMIN),
    ("audit_search", {}, "post", (302, 403, 403, 403, 403, 403, 405, 405)),
    ("my_reads", {}, "get", SIGNED_IN),
    ("my_reads", {}, "post", (302, 405, 405, 405, 405, 405, 405, 405)),
]

# Privacy: everyone's own copy of their data from the profile; HR's legal holds and requests
# for a person's copy, on the person's page (never of themselves: their profile), and the
# retention runs. Those who may see the person but not this are refused; others not told.
# A copy HR asks for goes to the person only: HR is sent back to the person's page (302),
# the copy waiting in the employee's account is the employee's alone (not found for anyone
# else, HR who asked for it included), and a one-time link opens its page to anyone who has
# it (no sign-in: a person who has left cannot) and asks for the code: a post without one
# is refused with a message (400), and an unknown link is not found.
PERSON = {"pk": "employee"}
HR_ON_PERSON_200 = (302, 403, 404, 403, 404, 403, 200, 403)
HR_ON_PERSON_302 = (302, 403, 404, 403, 404, 403, 302, 403)
COPY = {"pk": "access_copy"}
COPY_LINK = {"token": "copy_token"}
MATRIX += [
    ("privacy_export_own", {}, "get", SIGNED_IN),
    ("privacy_export_own", {}, "post", (302, 405, 405, 405, 405, 405, 405, 405)),
    ("privacy_export_for", PERSON, "get", HR_ON_PERSON_200),
    (
        "privacy_export_for",
        PERSON,
        "post",
        HR_ON_PERSON_302,
        {"reason": "written", "note": "Bedt om i brev"},
    ),
    # Without a reason and a note: refused with a message, nothing asked for.
    ("privacy_export_for", PERSON, "post", HR_ON_PERSON_200[:6] + (400, 403)),
    ("privacy_copy_download", COPY, "get", (302, 200, 404, 404, 404, 404, 404, 404)),
    ("privacy_copy_download", COPY, "post", (302, 405, 405, 405, 405, 405, 405, 405)),
    ("privacy_copy_link", COPY_LINK, "get", ALL_200),
    ("privacy_copy_link", COPY_LINK, "post", (400,) * 8),
    ("privacy_copy_link", {"token": "bad-token"}, "get", (404,) * 8),
    ("privacy_copy_link", {"token": "bad-token"}, "post", (404,) * 8, {"code": "12345678"}),
    ("legal_hold_set", PERSON, "get", HR_ON_PERSON_200),
    ("legal_hold_set", PERSON, "post", HR_ON_PERSON_302, {"reason": "Tvist"}),
    ("legal_hold_release", PERSON, "get", (302, 405, 405, 405, 405, 405, 405, 405)),
    # No hold in force: HR is told so on the person's page.
    ("legal_hold_release", PERSON, "post", HR_ON_PERSON_302),
    ("retention_overview", {}, "get", (302, 403, 403, 403, 403, 403, 200, 403)),
]

# The e-mails a laptop wrote to var/mail/: only under DEBUG, so not found for anyone here.
# With DEBUG on (samtale/notifications/tests/test_dev_mail.py) the administrator reads them.
DEV_MAIL = "20261122-101500-000000-abc123.eml"
MATRIX += [
    ("dev_mail_list", {}, "get", (404,) * 8),
    ("dev_mail_list", {}, "post", (404,) * 8),
    ("dev_mail_detail", {"name": DEV_MAIL}, "get", (404,) * 8),
    # Mail to the calendar address, posted by a mail server with the webhook's token: off (not
    # found) while SAMTALE_CALENDAR_WEBHOOK_TOKEN is unset, as here; a browser session is no
    # credential with it set (samtale/conversations/tests/test_invitation_replies.py).
    ("calendar_inbound", {}, "get", (405,) * 8),
    ("calendar_inbound", {}, "post", (404,) * 8),
]

# SCIM provisioning (samtale.scim) takes a bearer token only: a browser session, even an
# administrator's, is no credential there (samtale/scim/tests cover the tokens).
NO_BEARER = (401,) * 8
SCIM_USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
MATRIX += [
    ("scim_root", {}, "get", NO_BEARER),
    ("scim_not_found", {}, "get", NO_BEARER),
    ("scim_service_provider_config", {}, "get", NO_BEARER),
    ("scim_resource_types", {}, "get", NO_BEARER),
    ("scim_resource_type", {"type_id": "User"}, "get", NO_BEARER),
    ("scim_schemas", {}, "get", NO_BEARER),
    ("scim_schema", {"schema_id": SCIM_USER_SCHEMA}, "get", NO_BEARER),
    ("scim_users", {}, "get", NO_BEARER),
    ("scim_users", {}, "post", NO_BEARER),
    ("scim_users_search", {}, "post", NO_BEARER),
    ("scim_search", {}, "post", NO_BEARER),
    ("scim_user", PERSON, "get", NO_BEARER),
    ("scim_user", PERSON, "post", NO_BEARER),
]


# The REST API and its keys. Anonymous is 401 (JSON), not a redirect to the login page.
API_SIGNED_IN = (401, 200, 200, 200, 200, 200, 200, 200)
API_PARTIES_200 = (401, 200, 404, 200, 404, 404, 404, 404)
API_NOT_ALLOWED = (405,) * 8
TOKEN = {"pk": "token"}
NEW_TOKEN = {"name": "Skript", "scopes": ["read"], "days": 30}
MATRIX += [
    # Keys of one's own: HR and administrators (the default; SAMTALE_API_KEYS_FOR_EVERYONE).
    ("api_tokens", {}, "get", HR_ADMIN),
    ("api_tokens", {}, "post", HR_ADMIN, NEW_TOKEN),
    # The employee's own token: theirs to revoke; not found for anyone else.
    ("api_token_revoke", TOKEN, "get", (302, 405, 405, 405, 405, 405, 405, 405)),
    ("api_token_revoke", TOKEN, "post", (302, 302, 404, 404, 404, 404, 404, 404)),
    ("api_service_tokens", {}, "get", ADMIN_ONLY),
    ("api_service_tokens", {}, "post", ADMIN_ONLY, NEW_TOKEN),
    # The API's root is no page of its own (ninja needs it to know where the API starts).
    ("api:api-root", {}, "get", (404,) * 8),
    ("api:openapi-json", {}, "get", ALL_200),
    ("api:openapi-view", {}, "get", ALL_200),
    ("api:me", {}, "get", API_SIGNED_IN),
    ("api:me", {}, "post", API_NOT_ALLOWED),
    ("api:conversation_list", {}, "get", API_SIGNED_IN),
    ("api:conversation", C, "get", API_PARTIES_200),
    ("api:action_list", {}, "get", API_SIGNED_IN),
    ("api:action", {"pk": "action"}, "get", API_PARTIES_200),
    ("api:action", {"pk": "action"}, "post", API_NOT_ALLOWED),
    # The conversation is not signed yet: its parties are told so (400), with nothing changed.
    (
        "api:action_update",
        {"pk": "action"},
        "patch",
        (401, 400, 404, 400, 404, 404, 404, 404),
        {"status": "done", "comment": "Ferdig"},
    ),
    ("api:round_list", {}, "get", (401, 403, 403, 200, 200, 200, 200, 403)),
    ("api:round_progress", R, "get", (401, 403, 403, 200, 200, 200, 200, 403)),
    ("api:unit_list", {}, "get", (401, 403, 403, 403, 403, 403, 200, 200)),
    ("api:person_list", {}, "get", (401, 403, 403, 200, 200, 200, 200, 200)),
    ("api:person", PERSON, "get", (401, 200, 404, 200, 404, 200, 200, 200)),
    ("api:insight_status", {}, "get", (401, 403, 403, 403, 403, 403, 200, 403)),
]


@pytest.fixture
def objects(people):
    batch = ImportBatch.objects.create(
        kind=ImportBatch.Kind.UNITS, filename="enheter.csv", content=b"x", uploaded_by=people.admin
    )
    # A browser test's flush may have removed the built-ins the migration made.
    builtin_ensure(Guide=Guide, GuideVersion=GuideVersion)
    conversation = conversation_plan(
        actor=people.leader,
        employee=people.employee,
        leader=people.leader,
        guide_version=Guide.objects.get(key="skjema-8-tema").versions.get(),
        scheduled_at=timezone.now() + timedelta(days=10),
    )
    raised = need_raise(
        actor=people.employee,
        conversation=conversation,
        category="equipment",
        text="Nye PC-er",
        cost=None,
        unit=people.employee.unit,
    )
    need = Need.objects.create(
        unit=people.employee.unit, category="equipment", text="Nye PC-er", year=2026
    )
    RaisedNeed.objects.filter(pk=raised.pk).update(need=need)
    goal = Goal.objects.create(conversation=conversation, text="Mål")
    action = Action.objects.create(
        goal=goal, text="Tiltak", employee=people.employee, leader=people.leader
    )
    change = EmailChange.objects.create(
        person=people.employee,
        old_email="emma.old@test.example",
        new_email=people.employee.email,
        changed_by=people.admin,
    )
    # A key the employee made while the organization let everyone use the API: theirs to
    # revoke still.
    with override_settings(SAMTALE_API_KEYS_FOR_EVERYONE=True):
        token = tokens.issue(person=people.employee, name="Skript", scopes=["read"], days=30)
    # A copy of the employee's data HR asked for: waiting in their account; and one sent by
    # a one-time link (as to a person who has left), still unused.
    waiting = privacy_services.access_copy_request(
        actor=people.hr, person=people.employee, reason="written", note="Bedt om i brev"
    )
    by_link = AccessCopy.objects.create(
        person=people.employee,
        made_by=people.hr,
        reason="leaver",
        note="Brev",
        channel=AccessCopy.Channel.LINK,
        address="emma.privat@example.no",
        expires_at=timezone.now() + timedelta(days=7),
    )
    AccessCopy.objects.filter(pk=by_link.pk).update(
        token_hash=links.token_digest(links.token_for(by_link)),
        code_hash=links.code_digest(by_link, links.code_for(by_link)),
    )
    return {
        "employee": people.employee.pk,
        "token": token.token.pk,
        "email_change": change.pk,
        "unit": people.employee.unit_id,
        "import": batch.pk,
        "guide": Guide.objects.get(key="skjema-8-tema").pk,
        "conversation": conversation.pk,
        "need": need.pk,
        "raised_need": raised.pk,
        "goal": goal.pk,
        "action": action.pk,
        "access_copy": waiting.pk,
        "copy_token": links.token_for(by_link),
    }


def _round_objects(people) -> dict:
    """HR's round over the school, the employee's place in it, and a window of the leader."""
    today = timezone.localdate()
    round_ = school_round(people)
    day = timezone.make_aware(datetime.combine(today + timedelta(days=10), time(9, 0)))
    window = Window.objects.create(
        round=round_,
        leader=people.leader,
        starts_at=day,
        ends_at=day + timedelta(hours=6),
        place="Møterom 2",
    )
    return {
        "round": round_.pk,
        "participant": Participant.objects.get(round=round_, person=people.employee).pk,
        "window": window.pk,
        "leader": people.leader.pk,
    }


def _archive_objects(people) -> dict:
    """A conversation of the employee with their leader, signed by both, on its way to the
    personnel file (its PDF is made when first asked for)."""
    from samtale.archive.services import signed_form_record
    from samtale.conversations.models import SummaryRevision
    from samtale.demo.testing import goals_version, signed_conversation

    conversation = signed_conversation(people.employee, people.leader, version=goals_version())
    now = timezone.now()
    revision = SummaryRevision.objects.create(
        conversation=conversation,
        conclusion="no_actions",
        shared_outside="Kan deles med HR",
        approved_at=now,
        employee_signed_at=now,
        leader_signed_at=now,
    )
    form = signed_form_record(revision=revision)
    return {"signed_form": form.pk, "delivery": form.deliveries.get().pk}


def _with_objects(objects, people, kwargs) -> dict:
    """Only the rows that need them pay for a round or a signed form."""
    wanted = set(kwargs.values())
    if ROUND_OBJECTS & wanted:
        objects = {**objects, **_round_objects(people)}
    if ARCHIVE_OBJECTS & wanted:
        objects = {**objects, **_archive_objects(people)}
    return objects


def _cells():
    for name, kwargs, method, expected, *data in MATRIX:
        for role, status in zip(ROLES, expected, strict=True):
            yield pytest.param(
                name,
                kwargs,
                method,
                data[0] if data else {},
                role,
                status,
                id=f"{name}-{method}-{role}",
            )


@pytest.mark.parametrize(("name", "kwargs", "method", "data", "role", "status"), list(_cells()))
def test_access(client_for, objects, people, name, kwargs, method, data, role, status):
    objects = _with_objects(objects, people, kwargs)
    url = reverse(name, kwargs={k: objects.get(v, v) for k, v in kwargs.items()})
    response = _send(client_for(role), method, url, data)
    assert response.status_code == status, f"{method.upper()} {url} as {role}"


def _send(client, method, url, data):
    if method == "patch":
        return client.patch(url, json.dumps(data), content_type="application/json")
    return client.post(url, data) if method == "post" else client.get(url)


def _named_patterns(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _named_patterns(p.url_patterns, prefix + str(p.pattern), inner)
        elif isinstance(p, URLPattern):
            yield (namespace + p.name if p.name else None), prefix + str(p.pattern)


def test_every_url_is_in_the_matrix():
    covered = {row[0] for row in MATRIX}
    served = list(_named_patterns(get_resolver().url_patterns))
    unnamed = [route for name, route in served if not name]
    missing = sorted({name for name, _ in served if name and name not in covered})
    assert not unnamed, f"name these URL patterns: {unnamed}"
    assert not missing, f"add these URLs to the access matrix: {missing}"


def test_the_matrix_has_a_cell_for_every_role():
    assert all(len(row[3]) == len(ROLES) for row in MATRIX)
    print(
        f"access matrix: {len(MATRIX)} URL rows x {len(ROLES)} roles = {len(MATRIX) * len(ROLES)} cells"
    )


def _archivist_cells():
    other = ROLES.index("other_employee")
    for name, kwargs, method, expected, *data in MATRIX:
        status = ARCHIVIST.get((name, method), expected[other])
        yield pytest.param(
            name, kwargs, method, data[0] if data else {}, status, id=f"{name}-{method}-archivist"
        )


@pytest.mark.parametrize(("name", "kwargs", "method", "data", "status"), list(_archivist_cells()))
def test_access_of_the_archive_staff(client, objects, people, name, kwargs, method, data, status):
    """The archive staff are employees like any other (this one in Avdeling 2, as the other
    employee is), with the queue of signed forms besides: nothing else opens to them."""
    archivist = make_archivist(people)
    objects = _with_objects(objects, people, kwargs)
    url = reverse(name, kwargs={k: objects.get(v, v) for k, v in kwargs.items()})
    client.force_login(archivist)
    response = _send(client, method, url, data)
    assert response.status_code == status, f"{method.upper()} {url} as the archive staff"
