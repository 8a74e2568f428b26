"""Calendars: the invitations and their answers, and busy times from people's own calendars."""

import os
from email.utils import parseaddr

from config.settings.env import envfloat, envint, envnetworks, envtenant, problem
from config.settings.operations import DEFAULT_FROM_EMAIL, SAMTALE_ACCESSIBILITY_CONTACT
from samtale.tenancy import configurable as c

# Calendar invitations come from Samtale's own calendar address, the ORGANIZER of every
# conversation's event (notifications.ics): the leader and the employee are both invited
# as attendees, and their mail programs send their answers (accept, decline, a new time
# proposed) back to it. Empty: the address of DEFAULT_FROM_EMAIL. The SMTP account must be
# allowed to send as this address (docs/integrating/calendar.md).
SAMTALE_CALENDAR_ADDRESS = envtenant(
    "SAMTALE_CALENDAR_ADDRESS",
    parseaddr(DEFAULT_FROM_EMAIL)[1],
    kind=c.ADDRESS,
    own=True,
    account=True,
    derived=lambda get: parseaddr(get("DEFAULT_FROM_EMAIL"))[1],
    code="samtale.E015",
)
if not c.address_valid(SAMTALE_CALENDAR_ADDRESS):
    problem(
        "samtale.E015",
        f"SAMTALE_CALENDAR_ADDRESS must be an e-mail address, not {SAMTALE_CALENDAR_ADDRESS!r}.",
        "Empty, it is the address of DEFAULT_FROM_EMAIL.",
    )
# The accessibility statement's contact for barriers is a person's or a team's mailbox, not
# one of these two (samtale.tenancy.configurable.contact_problems, as `tenants configure` says).
_contact = {
    "SAMTALE_ACCESSIBILITY_CONTACT": SAMTALE_ACCESSIBILITY_CONTACT,
    "DEFAULT_FROM_EMAIL": DEFAULT_FROM_EMAIL,
    "SAMTALE_CALENDAR_ADDRESS": SAMTALE_CALENDAR_ADDRESS,
}
for _problem in c.contact_problems(_contact.get):
    problem("samtale.E034", _problem)
# Where Samtale reads those answers (notifications.inbox), either or both: an IMAP mailbox
# that receives the mail to SAMTALE_CALENDAR_ADDRESS, read every minute and never changed
# (imaps://user:password@host:993/INBOX, the user and password URL-encoded; imap:// only
# on a network one trusts); and a webhook a mail server posts each message to as it
# arrives (POST /kalender/innboks/ with the raw message and the header
# "Authorization: Bearer <SAMTALE_CALENDAR_WEBHOOK_TOKEN>", a random value of at least 32
# characters). Empty: off.
SAMTALE_CALENDAR_IMAP_URL = envtenant(
    "SAMTALE_CALENDAR_IMAP_URL",
    "",
    kind=c.IMAP_URL,
    own=True,
    secret=True,
    account=True,
    code="samtale.E016",
)
SAMTALE_CALENDAR_WEBHOOK_TOKEN = envtenant(
    "SAMTALE_CALENDAR_WEBHOOK_TOKEN",
    "",
    kind=c.TOKEN,
    own=True,
    secret=True,
    account=True,
    code="samtale.E017",
)
# What one message to the calendar address may hold; anyone can send mail there, so a
# message over a limit is refused whole, before anything of it is applied, and set aside
# (logged with the limit, counted in /metrics: samtale_set_aside_messages). BYTES: its
# size, checked before the webhook reads the body (413) and before the mailbox fetches it;
# an answer is a few kB, Outlook's with HTML and the invitation attached a few hundred kB,
# so 1 MiB leaves room (the imports' 21 MB is far beyond it). PARTS: the calendars (a
# text/calendar part or an .ics attached) in it; a mail program sends one, or the same
# one twice. ANSWERS: the events in one of those calendars, counted before it is parsed;
# an answer to an invitation holds one. LINES: the lines of one of those calendars (after
# unfolding), counted before it is parsed: an answer has a few dozen, Outlook's with its
# time zones a hundred or two; a megabyte of short lines in one event took seconds to
# parse. ATTEMPTS: the mailbox's runs in a row whose
# handling of the same message failed on the database before it is set aside and passed
# by (the database down fails them all, and the next run tries again).
SAMTALE_CALENDAR_MAX_BYTES = envint("SAMTALE_CALENDAR_MAX_BYTES", 1024 * 1024, low=1)
SAMTALE_CALENDAR_MAX_PARTS = envint("SAMTALE_CALENDAR_MAX_PARTS", 5, low=1)
SAMTALE_CALENDAR_MAX_ANSWERS = envint("SAMTALE_CALENDAR_MAX_ANSWERS", 5, low=1)
SAMTALE_CALENDAR_MAX_LINES = envint("SAMTALE_CALENDAR_MAX_LINES", 1000, low=1)
SAMTALE_CALENDAR_MAX_ATTEMPTS = envint("SAMTALE_CALENDAR_MAX_ATTEMPTS", 3, low=1)

# Busy times from people's own calendars (samtale.calendars): the scheduling assistant
# proposes no time when a leader's connected calendar is busy, and planning by hand warns.
# What was read (free/busy only) is cached SAMTALE_BUSY_CACHE_SECONDS; a calendar server
# has SAMTALE_BUSY_TIMEOUT_SECONDS to connect and between two parts of its answer.
# SAMTALE_BUSY_CA_BUNDLE: a PEM file of the certificate authorities to trust for calendar
# servers instead of the system's (a server with the organization's own certificates).
SAMTALE_BUSY_CACHE_SECONDS = envint("SAMTALE_BUSY_CACHE_SECONDS", 300)
SAMTALE_BUSY_TIMEOUT_SECONDS = envfloat("SAMTALE_BUSY_TIMEOUT_SECONDS", 4.0)
SAMTALE_BUSY_CA_BUNDLE = os.environ.get("SAMTALE_BUSY_CA_BUNDLE", "")
# What one calendar may take of Samtale (samtale/calendars/readers/limits.py), whatever its
# server sends: SAMTALE_BUSY_DEADLINE_SECONDS for the whole read, after which its connections
# are closed and the page, which waits as long and no longer, plans without it; at most
# SAMTALE_BUSY_MAX_BYTES in any one answer (every kind of calendar: ICS, CalDAV, Microsoft
# 365); at most SAMTALE_BUSY_MAX_EVENTS events (VEVENTs in an answer, and occurrences of
# recurring ones in the weeks read), since parsing and expanding 10,000 take 2-3 seconds of
# a process. Over a limit, nothing of the calendar is used, and the log says which limit.
SAMTALE_BUSY_DEADLINE_SECONDS = envfloat(
    "SAMTALE_BUSY_DEADLINE_SECONDS", 2 * SAMTALE_BUSY_TIMEOUT_SECONDS
)
SAMTALE_BUSY_MAX_BYTES = envint("SAMTALE_BUSY_MAX_BYTES", 5 * 1024 * 1024)
SAMTALE_BUSY_MAX_EVENTS = envint("SAMTALE_BUSY_MAX_EVENTS", 10_000)
# A calendar's address is a person's to give, and Samtale's server fetches it, so by default
# it refuses any whose name resolves to its own network: loopback, private, link-local,
# multicast, reserved and other addresses not on the internet, IPv4 and IPv6 (so nobody can
# probe the internal network, or a cloud's 169.254.169.254, through the calendar page).
# SAMTALE_BUSY_ALLOWED_NETWORKS: networks where calendars may nonetheless be read, as
# addresses or CIDRs, e.g. 10.20.0.0/16,2001:db8:5::/48 (the organization's own CalDAV or
# Exchange servers); empty: none. Microsoft 365's addresses (below) are not checked.
SAMTALE_BUSY_ALLOWED_NETWORKS = envnetworks("SAMTALE_BUSY_ALLOWED_NETWORKS")
# The key that encrypts the saved calendar addresses and passwords (a Fernet key, made with
# `python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`);
# empty: derived from SECRET_KEY, and then changing SECRET_KEY asks everyone to enter their
# calendar again (samtale/calendars/keys.py).
SAMTALE_BUSY_KEY = envtenant(
    "SAMTALE_BUSY_KEY", "", kind=c.FERNET_KEY, own=True, secret=True, code="samtale.E030"
)
# Microsoft 365 calendars through Microsoft Graph's getSchedule: the app registration's
# directory (tenant) id, application (client) id and client secret in Entra ID
# (docs/integrating/calendar.md says what to register). All three empty: off. The two
# addresses are Microsoft's; only tests point them elsewhere.
SAMTALE_GRAPH_TENANT_ID = envtenant("SAMTALE_GRAPH_TENANT_ID", "", own=True)
SAMTALE_GRAPH_CLIENT_ID = envtenant("SAMTALE_GRAPH_CLIENT_ID", "", own=True)
SAMTALE_GRAPH_CLIENT_SECRET = envtenant("SAMTALE_GRAPH_CLIENT_SECRET", "", own=True, secret=True)
SAMTALE_GRAPH_URL = os.environ.get("SAMTALE_GRAPH_URL", "https://graph.microsoft.com")
SAMTALE_GRAPH_AUTHORITY_URL = os.environ.get(
    "SAMTALE_GRAPH_AUTHORITY_URL", "https://login.microsoftonline.com"
)
