"""The access matrix's rows for what the organization runs (tests/test_access_matrix.py):
rounds, the needs register and insight, the signed form and its archiving, the audit log,
privacy, the laptop's mail, SCIM and the REST API. A row is as in work.py.
"""

from datetime import timedelta

from django.utils import timezone

from samtale.core.holidays import working_day
from tests.access_matrix.columns import (
    ADMIN_ONLY,
    ALL_200,
    HR_ADMIN,
    PARTIES_200,
    PARTIES_302,
    SIGNED_IN,
    C,
)

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
# A working day: the round refuses a window on a weekend or public holiday (core.holidays).
WINDOW_DAY = working_day(timezone.localdate() + timedelta(days=11)).strftime("%d.%m.%Y")
# A unit's competence plan for this year: the employee's unit.
PLAN = {"?year": str(timezone.localdate().year), "?enhet": "unit"}
ROWS = [
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
    # The workplace's goals (priorities): leaders and HR; a unit's goal, to whoever writes
    # that unit's (its people's leaders and HR).
    ("priority_list", {}, "get", (302, 403, 403, 200, 200, 200, 200, 403)),
    ("priority_edit", {"pk": "priority"}, "get", (302, 403, 403, 200, 404, 200, 200, 403)),
    (
        "priority_edit",
        {"pk": "priority"},
        "post",
        (302, 403, 403, 302, 404, 302, 302, 403),
        {"kind": "goal", "title": "Trygt læringsmiljø"},
    ),
    # The register: leaders and HR; a need, to those whose line raised it (and HR).
    ("need_list", {}, "get", (302, 403, 403, 200, 200, 200, 200, 403)),
    # The competence plans: leaders (their units') and HR (every unit's and the
    # organization's); a unit one may not read is not found; only its keepers save it.
    ("competence_plan", {}, "get", (302, 403, 403, 200, 200, 200, 200, 403)),
    (
        "competence_plan",
        PLAN,
        "get",
        (302, 403, 403, 200, 404, 200, 200, 403),
    ),
    (
        "competence_plan",
        PLAN,
        "post",
        (302, 403, 403, 302, 404, 302, 302, 403),
        {"action": "comment", "comment-text": "Kurs først"},
    ),
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
    ("round_remind", R, "get", ROUND_NOT_GET),
    ("round_remind", R, "post", ROUND_HR_302),
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
ROWS += [
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
# A union representative for the school (tillitsvalgt): what any other employee gets, and
# the school's competence plans and the published answers of its units. Nothing else.
UNION_REP = {
    ("competence_plan", "get"): 200,
    ("competence_plan", "post"): 302,
    ("likert_results", "get"): 200,
    ("api:competence_plan_api", "get"): 200,
    ("status_analysis", "get"): 302,  # on to the published answers
}
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
ROWS += [
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
ROWS += [
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
    # The copy of one's own data as a page: the employee's, theirs alone (HR included, not
    # found for anyone else).
    ("privacy_own_data", PERSON, "get", (302, 200, 404, 404, 404, 404, 404, 404)),
    ("privacy_own_data", PERSON, "post", (302, 405, 405, 405, 405, 405, 405, 405)),
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
ROWS += [
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
ROWS += [
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
ROWS += [
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
    # The workplace's goals (each sees those they read); the competence plans as on the page.
    ("api:priority_list_api", {}, "get", API_SIGNED_IN),
    ("api:competence_plan_api", {}, "get", (401, 403, 403, 200, 200, 200, 200, 403)),
    ("api:competence_plan_api", {"?unit": "unit"}, "get", (401, 403, 403, 200, 404, 200, 200, 403)),
]
