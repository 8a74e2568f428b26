"""What scripts/procurement.py needs said by hand: the Norwegian words for roles, kinds of
data and images, which settings and test files to look at, and the line each security
measure rests on. What is found there is read from the code each time; a pattern that finds
nothing stops the generator (or, for a measure, is shown as not found)."""

import re

# Settings that say how long something is kept (besides all of config/settings/retention.py).
KEEPING = re.compile(r"RETAIN|KEEP|HOLD_HOURS|SESSION_(IDLE|MAX)_|TOKEN_MAX_DAYS")
UNITS = {
    "DAYS": "dager",
    "MONTHS": "måneder",
    "YEARS": "år",
    "HOURS": "timer",
    "MINUTES": "minutter",
}
# Periods fixed in the code, not settings: name → (module, unit, what it governs).
FIXED_PERIODS = {
    "LINK_DAYS": (
        "samtale.privacy.services",
        "dager",
        "Hvor lenge en innsynskopi HR har bestilt, kan hentes med engangslenken.",
    ),
}

# A compose service's image → its role (the first key found in the image wins).
ROLES = (
    ("samtale", "Samtale selv: web, arbeidere, planlegger, migrering (samme image)"),
    ("pgbouncer", "Tilkoblingspool foran PostgreSQL (ingen lagring)"),
    ("postgres", "PostgreSQL: kontrolldatabasen og én database per kommune"),
    ("caddy", "Omvendt proxy: TLS (HTTPS) og statiske filer"),
    ("rabbitmq", "Meldingsmegler for bakgrunnsarbeid (og Fiks Arkiv-kanalen)"),
    ("postfix", "SMTP-relé for utgående e-post"),
)

# What may leave the installation: (recipient, what, settings pattern, default).
INTEGRATIONS = (
    (
        "E-posttjener (SMTP-relé)",
        "Varsler, invitasjoner med kalenderfil (ICS), påminnelser, innsynslenker; over TLS "
        "(STARTTLS) som standard, aldri i klartekst i drift uten `EMAIL_ALLOW_CLEAR`",
        r"EMAIL_\w+|DEFAULT_FROM_EMAIL",
        "på (`EMAIL_HOST`)",
    ),
    (
        "Identitetsleverandør (OpenID Connect, f.eks. Entra ID, Feide)",
        "Innloggingsforespørsel; Samtale mottar identitet og e-postadresse",
        r"SAMTALE_SSO|SSO_<KEY>_\w+",
        "av",
    ),
    (
        "KS Fiks IO / Fiks Arkiv",
        "Signert oppfølgingsskjema (PDF) og arkivmetadata til personalmappen, kryptert for "
        "arkivets sertifikat (sendt over HTTPS, svarene hentet over AMQP med TLS)",
        r"SAMTALE_ARCHIVE_CHANNEL|SAMTALE_FIKS_(?!MASKINPORTEN)\w+|AMQP_URL",
        "av (`download`: arkivet laster ned)",
    ),
    (
        "Digdirs Maskinporten",
        "Forespørsel om tilgangstoken til Fiks IO: klient-id, kommunens organisasjonsnummer "
        "(consumer_org), signert med virksomhetssertifikatet; ingen personopplysninger",
        r"SAMTALE_MASKINPORTEN_\w+|SAMTALE_FIKS_MASKINPORTEN_\w+",
        "av (bare med `SAMTALE_ARCHIVE_CHANNEL=fiks`)",
    ),
    (
        "Microsoft Graph (Microsoft 365)",
        "Spørring om opptatt-tid for lederes kalender (ingen hendelsestekster tas vare på)",
        r"SAMTALE_GRAPH_\w+",
        "av",
    ),
    (
        "CalDAV- eller ICS-kalender",
        "Spørring om opptatt-tid mot adressen personen selv har oppgitt",
        r"SAMTALE_BUSY_\w+",
        "av til en person oppgir en kalender",
    ),
    (
        "Postkasse for kalendersvar (IMAP)",
        "Samtale henter svar på invitasjoner fra kommunens egen postkasse",
        r"SAMTALE_CALENDAR_(IMAP_URL|WEBHOOK_TOKEN)",
        "av",
    ),
    (
        "Overvåking (Prometheus)",
        "Driftstall uten personopplysninger, bare til token eller nett som er oppgitt",
        r"SAMTALE_METRICS_\w+",
        "av",
    ),
)

# Each security measure, the file it is in, and what in that file shows it.
MEASURES = (
    (
        "Passord lagres som Argon2-hash",
        "config/settings/signin.py",
        r"Argon2PasswordHasher",
    ),
    (
        "Tofaktor (TOTP, gjenopprettingskoder, passnøkler) via allauth.mfa",
        "config/settings/signin.py",
        r'MFA_SUPPORTED_TYPES = \["totp", "recovery_codes", "webauthn"\]',
    ),
    (
        "Tofaktor kreves av alle som leser andres opplysninger (ledere, tillitsvalgte, HR, "
        "administratorer, arkiv) i produksjon, per kommune",
        "config/settings/signin.py",
        r'SAMTALE_REQUIRE_MFA = envtenant\("SAMTALE_REQUIRE_MFA", not DEBUG',
    ),
    (
        "Tofaktor kreves av ledere og den som leder en kollegas samtale",
        "samtale/accounts/mfa.py",
        r"or roles\.is_leader",
    ),
    (
        "Begrenset antall innloggingsforsøk",
        "config/settings/signin.py",
        r"LOGIN_HARD_STOP_FAILURES",
    ),
    (
        "Innholdssikkerhetspolicy (CSP): bare egne skript, med nonce",
        "config/settings/security.py",
        r'"script-src": \[CSP\.SELF, CSP\.NONCE\]',
    ),
    (
        "HTTPS påtvunget, HSTS i to år, sikre informasjonskapsler",
        "config/settings/security.py",
        r"SECURE_HSTS_SECONDS = envint\(\"SECURE_HSTS_SECONDS\", 0 if DEBUG else 63072000\)",
    ),
    (
        "TLS avsluttes i Caddy foran appen",
        "containers/Caddyfile",
        r"tls \{\$CADDY_TLS",
    ),
    (
        "Egen database og egen databaserolle per kommune",
        "samtale/operators/databases.py",
        r"CREATE ROLE .* LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE",
    ),
    (
        "Andre enn kommunens rolle kan ikke koble til dens database",
        "samtale/operators/databases.py",
        r"REVOKE CONNECT, TEMPORARY ON DATABASE",
    ),
    (
        "Revisjonsloggen kan bare utvides: databasen nekter UPDATE og DELETE",
        "samtale/core/migrations/0004_audit_append_only.py",
        r"BEFORE UPDATE OR DELETE ON core_auditentry",
    ),
    (
        "Revisjonsloggen er en hash-kjede som kan etterprøves",
        "samtale/core/migrations/0002_audit_chain_fields.py",
        r"prev_hash",
    ),
    (
        "Hemmeligheter per kommune krypteres (Fernet: AES-128-CBC med HMAC)",
        "samtale/tenancy/secrets.py",
        r"from cryptography\.fernet import Fernet",
    ),
    (
        "Klikkapring hindres (X-Frame-Options DENY, frame-ancestors none)",
        "config/settings/security.py",
        r'X_FRAME_OPTIONS = "DENY"',
    ),
)

# The access matrix's URL names → kinds of data: the first pattern that matches
# "<the view's module>|<the URL name>" decides.
KINDS = (
    (r"\|api:conversation|samtale\.conversations\.|samtale\.signing\.", "Samtalen"),
    (r"\|api:action|samtale\.actions\.", "Mål og tiltak"),
    (r"\|api:round|samtale\.rounds\.", "Samtalerunder og timeplan"),
    (r"samtale\.calendars\.", "Kalenderkobling"),
    (r"\|api:(person|unit|me)|samtale\.org\.|samtale\.scim\.|\|pick$", "Personer og enheter"),
    (r"samtale\.guides\.", "Samtalemaler"),
    (r"\|api:insight|samtale\.insight\.", "Tall fra svar og innsikt"),
    (
        r"\|api:(competence|priority)|samtale\.(needs|competence|priorities)\.",
        "Behov, mål for enheten, kompetanseplan",
    ),
    (r"samtale\.archive\.", "Signert skjema og arkivkø"),
    (r"samtale\.audit\.", "Revisjonslogg"),
    (r"samtale\.privacy\.", "Innsyn, kopier og sletting"),
    (
        r"^allauth\.|^django\.contrib\.auth|samtale\.accounts\.|samtale\.api\.views",
        "Egen konto, innlogging og API-nøkler",
    ),
    (r"\|home_organization$", "Organisasjonens nøkkeltall"),
    (
        r"samtale\.(home|core|notifications|accessibility)\.|\|api:(openapi|api-root)",
        "Åpne og tekniske sider",
    ),
)

ROLE_NAMES = {
    "anonymous": "Ikke innlogget",
    "employee": "Medarbeider",
    "other_employee": "Annen medarbeider",
    "leader": "Leder",
    "other_leader": "Annen leder",
    "leaders_leader": "Lederens leder",
    "hr": "HR",
    "admin": "Administrator",
    "archivist": "Arkiv",
    "union_rep": "Tillitsvalgt",
}

# The risk analysis' threats (docs/procurement/ros.md) → the test files that are evidence.
THREATS = {
    "T01": (
        "tests/test_access_matrix.py",
        "samtale/core/tests/test_access.py",
        "samtale/conversations/tests/test_access_object.py",
        "samtale/conversations/tests/test_note_sharing*.py",
    ),
    "T02": ("tests/test_unshared_note_never_leaks.py", "samtale/privacy/tests/test_export.py"),
    "T03": (
        "tests/test_admin_never_sees_content.py",
        "samtale/operators/tests/test_operators*.py",
        "samtale/accounts/tests/test_email_change.py",
        "samtale/operators/tests/test_home_exit.py",
    ),
    "T04": (
        "samtale/insight/tests/test_anonymity.py",
        "samtale/insight/tests/test_fetch.py",
        "samtale/insight/tests/test_publication.py",
        "samtale/insight/tests/test_published_groups.py",
    ),
    "T05": (
        "samtale/operators/tests/test_attack.py",
        "samtale/operators/tests/test_isolation.py",
        "samtale/operators/tests/test_entry_points.py",
        "samtale/operators/tests/test_integrations.py",
    ),
    "T06": (
        "tests/test_hostile_posts.py",
        "samtale/org/tests/test_import_safety.py",
        "samtale/calendars/tests/test_limits.py",
        "samtale/notifications/tests/test_inbox_limits.py",
        "samtale/conversations/tests/test_autosave_limits.py",
    ),
    "T07": (
        "samtale/archive/tests/test_fiks_forged.py",
        "samtale/archive/tests/test_fiks_io.py",
        "samtale/core/tests/test_setaside.py",
        "samtale/scim/tests/test_refusals.py",
    ),
    "T08": (
        "samtale/accounts/tests/test_login.py",
        "samtale/accounts/tests/test_mfa.py",
        "samtale/accounts/tests/test_sessions.py",
        "samtale/accounts/tests/test_session_expiry.py",
        "samtale/api/tests/test_tokens.py",
    ),
    "T09": ("samtale/core/tests/test_audit_chain.py",),
    "T10": (
        "samtale/notifications/tests/test_outbox*.py",
        "samtale/work/tests/test_engine_workers_side_by_side.py",
        "samtale/archive/tests/test_delivery_faults.py",
        "samtale/archive/tests/test_fiks_crashes.py",
        "samtale/archive/tests/test_fiks_io.py",
        "samtale/conversations/tests/test_nothing_lost.py",
    ),
    "T11": (
        "samtale/operators/tests/test_health_per_tenant.py",
        "samtale/operators/tests/test_connections_bounded.py",
        "samtale/archive/tests/test_health.py",
    ),
    "T12": ("samtale/privacy/tests/test_retention.py", "samtale/privacy/tests/test_settings.py"),
    "T13": (
        "samtale/core/tests/test_backup.py",
        "samtale/operators/tests/test_transfer.py",
        "samtale/operators/tests/test_home_exit.py",
    ),
    "T14": ("samtale/privacy/tests/test_copies.py", "samtale/privacy/tests/test_views.py"),
}

# What a threat's evidence must speak of (a regular expression, any case), in its module's
# docstring or a test's name: a file that names none of it is not evidence of that threat,
# whatever word in its path matched (T07 once cited a test of conversations planned
# "outside" a round). scripts/procurement.py refuses a citation that does not.
BACKS = {
    "T01": r"access|sees? only|reads? only|private",
    "T02": r"never reaches|shared|nothing of anyone else|nothing about anyone else",
    "T03": r"never (reads|sees)|never a tenant's content|operators?|e-mail change|sealed",
    "T04": r"isolate|anonymity|k.1 people|k minus one",
    "T05": r"tenants?|municipalit",
    "T06": r"hostile|bad input|limit|bounded|cannot wipe",
    "T07": r"forged|set aside|set_aside|refus|signed|certificate",
    "T08": r"sign-?in|session|two-factor|token|password",
    "T09": r"audit|chain|nobody can edit",
    "T10": r"kill|lost|lose|fault|restart|retr(y|ied)|arriv|files? the form once|both consume",
    "T11": r"health|bounded|load balancer",
    "T12": r"retention|kept|go \w+ months",
    "T13": r"backup|restore|export",
    "T14": r"cop(y|ies)|download",
}
