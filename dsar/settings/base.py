"""Settings shared by every environment.

Every value that differs between installations is read from the environment here, in one
place, through django-environ. The README lists each variable. With nothing configured the
app runs on the *embedded defaults*: SQLite, a Celery broker on the filesystem and e-mail
written to files, all under ``var/``.

The file is ordered by concern, and every list and dict is written out once, in full, as
Django sees it (local.py, test.py and production.py override a few values per environment).
The product's own ``DSAR_*`` settings come right after the core ones, because settings below
them use them (two-factor login, Celery beat, the REST API).
"""

import datetime
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

# --- Paths and environment ----------------------------------------------------------------

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Local state: SQLite database, filesystem broker, mail files, private files, static files,
# beat schedule, file cache.
VAR_DIR = Path(env.str("DSAR_VAR_DIR", default=str(BASE_DIR / "var")))

# --- Core ---------------------------------------------------------------------------------

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")  # production.py refuses to start without one
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# A form sent without a valid CSRF token gets a plain-language page instead of Django's.
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"
# Public address of the app, for links in e-mails and letters.
SITE_URL = env.str("SITE_URL", default="http://localhost:8000").rstrip("/")

ROOT_URLCONF = "dsar.urls"
WSGI_APPLICATION = "dsar.wsgi.application"

# --- The product: deadlines ---------------------------------------------------------------

# Which deadline rule new cases get: "four_weeks" (the promise in Dutch privacy statements,
# default) or "gdpr_month" (one calendar month, GDPR Art 12(3)). See docs/deadlines.md.
DSAR_DEADLINE_RULE = env.str("DSAR_DEADLINE_RULE", default="four_weeks")
# Extra non-working days decreed by the government, ISO dates: "2027-05-06,2027-12-24".
DSAR_EXTRA_NON_WORKING_DAYS = env.list("DSAR_EXTRA_NON_WORKING_DAYS", default=[])
# A case due within this many working days shows an orange badge.
DSAR_DUE_SOON_WORKING_DAYS = env.int("DSAR_DUE_SOON_WORKING_DAYS", default=5)

# --- The product: organisation ------------------------------------------------------------

# Who answers the requests: in letters, e-mails and the admin header.
DSAR_ORGANISATION = {
    "name": env.str("DSAR_ORG_NAME", default="Voorbeeld B.V."),
    "address": env.str("DSAR_ORG_ADDRESS", default="Voorbeeldstraat 1, 1234 AB Utrecht"),
    "email": env.str("DSAR_ORG_EMAIL", default="privacy@example.nl"),
    "phone": env.str("DSAR_ORG_PHONE", default=""),
    "kvk": env.str("DSAR_ORG_KVK", default=""),
    "dpo_email": env.str("DSAR_DPO_EMAIL", default="fg@example.nl"),
    "privacy_statement_url": env.str("DSAR_PRIVACY_STATEMENT_URL", default=""),
}
# Where "new request" and unassigned-case reminders go.
DSAR_PRIVACY_TEAM_EMAIL = env.str("DSAR_PRIVACY_TEAM_EMAIL", default=DSAR_ORGANISATION["email"])

# --- The product: public pages (request form, confirmation, status page; docs/public.md) --

# Days a confirmation link stays valid after it is e-mailed.
DSAR_CONFIRMATION_MAX_AGE_DAYS = env.int("DSAR_CONFIRMATION_MAX_AGE_DAYS", default=7)
# Uploads on the status page: PDF, JPEG or PNG, at most this many MB per file, this many files
# at a time.
DSAR_UPLOAD_MAX_MB = env.int("DSAR_UPLOAD_MAX_MB", default=10)
DSAR_UPLOAD_MAX_FILES = env.int("DSAR_UPLOAD_MAX_FILES", default=5)
# Rate limits as "<count>/<s|m|h|d>", counted per client IP address or per e-mail address.
# The counters live in the cache (CACHES below), shared by every web process.
DSAR_RATE_LIMITS = {
    "submit_ip": env.str("DSAR_RATE_LIMIT_SUBMIT_PER_IP", default="20/h"),
    "submit_email": env.str("DSAR_RATE_LIMIT_SUBMIT_PER_EMAIL", default="10/d"),
    # Unknown status tokens and invalid confirmation links.
    "bad_link_ip": env.str("DSAR_RATE_LIMIT_BAD_LINK_PER_IP", default="60/h"),
    "upload_ip": env.str("DSAR_RATE_LIMIT_UPLOAD_PER_IP", default="30/h"),
}
# Reverse proxies in front of the app that append to X-Forwarded-For. 0: the client address
# is REMOTE_ADDR (gunicorn or runserver facing the clients directly). The same client address
# serves the rate limits, the login lockout (axes) and the API's throttling.
DSAR_TRUSTED_PROXY_COUNT = env.int("DSAR_TRUSTED_PROXY_COUNT", default=0)

# --- The product: messages with the data subject (docs/correspondence.md) ------------------

# A question to the subject (identity or clarification) asks for an answer within this many
# calendar days; the subject is reminded once, this many days before that date, and the
# officer is told the day after it that the case can be closed for lack of a response.
DSAR_QUESTION_REPLY_DAYS = env.int("DSAR_QUESTION_REPLY_DAYS", default=14)
DSAR_QUESTION_REMINDER_DAYS_BEFORE = env.int("DSAR_QUESTION_REMINDER_DAYS_BEFORE", default=3)

# --- The product: reminders and e-mail delivery -------------------------------------------
# docs/notifications.md explains the policy and the delivery guarantee.

# Reminders to the assignee (or DSAR_PRIVACY_TEAM_EMAIL when nobody is assigned): this many
# calendar days before the due date, this many working days before, on the due day, and every
# working day while overdue. The DPO (DSAR_DPO_EMAIL) is told once when a case is overdue.
DSAR_REMINDER_DAYS_BEFORE = env.int("DSAR_REMINDER_DAYS_BEFORE", default=7)
DSAR_REMINDER_WORKING_DAYS_BEFORE = env.int("DSAR_REMINDER_WORKING_DAYS_BEFORE", default=2)
# Each officer's digest of their open requests, at this local time (TIME_ZONE), on working
# days only unless DSAR_DIGEST_WORKING_DAYS_ONLY is false.
DSAR_DIGEST_TIME = env.str("DSAR_DIGEST_TIME", default="08:00")
DSAR_DIGEST_WORKING_DAYS_ONLY = env.bool("DSAR_DIGEST_WORKING_DAYS_ONLY", default=True)
# How often Celery beat runs the sweep that plans reminders and re-enqueues lost e-mails.
DSAR_REMINDER_SWEEP_SECONDS = env.int("DSAR_REMINDER_SWEEP_SECONDS", default=60)
# Delivery: attempts before an e-mail is marked failed; retry after 60 s, 120 s, 240 s, …
# at most DSAR_EMAIL_RETRY_MAX_SECONDS, which stays far below the Redis visibility timeout
# (CELERY_BROKER_TRANSPORT_OPTIONS below; a system check warns otherwise).
DSAR_EMAIL_MAX_ATTEMPTS = env.int("DSAR_EMAIL_MAX_ATTEMPTS", default=8)
DSAR_EMAIL_RETRY_BASE_SECONDS = env.int("DSAR_EMAIL_RETRY_BASE_SECONDS", default=60)
DSAR_EMAIL_RETRY_MAX_SECONDS = env.int("DSAR_EMAIL_RETRY_MAX_SECONDS", default=900)
# A pending e-mail whose delivery message was handed to the broker this long ago without
# result is enqueued again by the sweep (the message was lost, e.g. Redis was down).
DSAR_EMAIL_REQUEUE_AFTER_SECONDS = env.int("DSAR_EMAIL_REQUEUE_AFTER_SECONDS", default=300)
# A worker that claimed an e-mail this long ago without finishing is taken to have died; the
# sweep hands the e-mail out again (the at-least-once guarantee).
DSAR_EMAIL_SENDING_LEASE_SECONDS = env.int("DSAR_EMAIL_SENDING_LEASE_SECONDS", default=600)
# How many due e-mails one sweep hands out at most, per kind of query: this many pending
# e-mails, and as many again of dead workers' claims. The rest wait for the next sweep.
DSAR_EMAIL_SWEEP_BATCH = env.int("DSAR_EMAIL_SWEEP_BATCH", default=5000)

# --- The product: reports and dashboard (docs/reports.md) ---------------------------------

# The dashboard's figures per month (received, answered, on time) are counted at most this
# often, in seconds, and kept in the cache meanwhile; 0 counts them on every page view. The
# tiles of open work are always counted afresh.
DSAR_DASHBOARD_CACHE_SECONDS = env.int("DSAR_DASHBOARD_CACHE_SECONDS", default=300)

# --- The product: API paging (docs/api.md) ------------------------------------------------

# Page size of the case list; a client may ask for up to DSAR_API_MAX_PAGE_SIZE.
DSAR_API_PAGE_SIZE = env.int("DSAR_API_PAGE_SIZE", default=50)
DSAR_API_MAX_PAGE_SIZE = env.int("DSAR_API_MAX_PAGE_SIZE", default=200)

# --- The product: retention (casework/retention.py, docs/retention.md) --------------------
# All three run together once a day (CELERY_BEAT_SCHEDULE, "casework-purge-expired").

# Web requests never confirmed are deleted this many days after they were made.
DSAR_UNCONFIRMED_RETENTION_DAYS = env.int("DSAR_UNCONFIRMED_RETENTION_DAYS", default=30)
# Files the subject uploaded (identity documents) are deleted once the identity is verified,
# and at the latest this many days after closing.
DSAR_IDENTITY_DOCUMENT_RETENTION_DAYS = env.int("DSAR_IDENTITY_DOCUMENT_RETENTION_DAYS", default=30)
# Closed requests are anonymised this many days after closing (two years by default).
DSAR_CASE_RETENTION_DAYS = env.int("DSAR_CASE_RETENTION_DAYS", default=730)

# --- Applications -------------------------------------------------------------------------

INSTALLED_APPS = [
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",  # before staticfiles: runserver serves through WhiteNoise
    "django.contrib.staticfiles",
    # Operator classes in index expressions (the search's trigram indexes, cases/0012);
    # its lookups and type handlers apply on PostgreSQL only.
    "django.contrib.postgres",
    # Third-party
    "rest_framework",
    "knox",  # API tokens (stored as digests, expiring), issued and revoked in the admin
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from our own static files
    "django_otp",  # two-factor login for staff
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",  # lockout after failed logins
    # Local
    "cases",
    "accounts",
    "notifications",
    "letters",  # reply letters as PDF, archived and sent to the subject
    "correspondence",  # messages with the data subject; questions that pause a case
    "casework",
    "portal",  # the data subject's pages: request form, confirmation, status page
    "api",
    "reports",  # the DPO's dashboard, the register of requests and its exports
    "officers",
]

# --- Middleware ---------------------------------------------------------------------------

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy on every response ("Security headers").
    "csp.middleware.CSPMiddleware",
    "accounts.middleware.PermissionsPolicyMiddleware",
    # Refuses a body larger than the upload form's before anything reads it (413).
    "dsar.middleware.RequestBodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Right after authentication: marks a session verified by its second factor, then sends
    # staff without one to enrolment or verification before they reach any case.
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.RequireStaffTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks.
    "axes.middleware.AxesMiddleware",
]

# --- Templates ----------------------------------------------------------------------------

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
# DATABASE_URL, e.g. postgres://user:password@host:5432/dsar. Default: SQLite under var/.

_database = env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
_on_postgresql = _database["ENGINE"] == "django.db.backends.postgresql"
DATABASES = {
    "default": (
        {
            "CONN_MAX_AGE": env.int("DATABASE_CONN_MAX_AGE", default=60),
            **_database,  # a conn_max_age in DATABASE_URL wins
            "CONN_HEALTH_CHECKS": True,
        }
        if _on_postgresql
        else {
            **_database,
            # Django's SQLite backend plus the search's accent folding (cases/search.py).
            "ENGINE": "cases.sqlite",
            # SQLite: wait for a lock instead of failing at once when web and worker write
            # together.
            "OPTIONS": {
                **_database.get("OPTIONS", {}),
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
            },
        }
    ),
}
# SQLite has no INCLUDE: the covering index case_type_idx is a plain index there, all the
# embedded defaults need; Django would say so (models.W040) on every command.
SILENCED_SYSTEM_CHECKS = [] if _on_postgresql else ["models.W040"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache --------------------------------------------------------------------------------
# REDIS_URL selects Redis, for the cache and (unless CELERY_BROKER_URL says otherwise) as
# Celery's broker. The cache holds the public pages' rate-limit counters and the dashboard's
# figures, shared by every web process: Redis when REDIS_URL is set, else files under
# var/cache/ (no server needed).

REDIS_URL = env.str("REDIS_URL", default="")
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "dsar",
        }
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    ),
}

# --- Authentication, two-factor login and lockout (docs/security.md) ----------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a blocked login before checking
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "admin:login"

# Two-factor login for staff (django-otp; MIDDLEWARE above). The name the authenticator app
# shows next to the code.
OTP_TOTP_ISSUER = env.str("DSAR_TOTP_ISSUER", default=f"{DSAR_ORGANISATION['name']} AVG")

# Failed logins are counted per user name *and* client address (django-axes): after
# DSAR_LOGIN_FAILURE_LIMIT failures that combination is blocked for DSAR_LOGIN_COOLOFF_MINUTES.
# The DPO unblocks it earlier in the admin (Axes › Access attempts) or with
# `manage.py axes_reset_username USERNAME`.
DSAR_LOGIN_FAILURE_LIMIT = env.int("DSAR_LOGIN_FAILURE_LIMIT", default=5)
DSAR_LOGIN_COOLOFF_MINUTES = env.int("DSAR_LOGIN_COOLOFF_MINUTES", default=30)
AXES_FAILURE_LIMIT = DSAR_LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = datetime.timedelta(minutes=DSAR_LOGIN_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
# The same client address as the public pages' rate limits (DSAR_TRUSTED_PROXY_COUNT).
AXES_CLIENT_IP_CALLABLE = "cases.ratelimit.client_ip"
# Staff user names and addresses are logged by axes at INFO; data subjects never log in.
AXES_VERBOSE = True

# --- Internationalisation and time --------------------------------------------------------

LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="nl")
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Amsterdam")
USE_I18N = True
USE_TZ = True

# --- Static and private files -------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Uploaded identity documents and generated letters are private: never under STATIC_ROOT and
# never served by the web server directly.
PRIVATE_FILES_ROOT = Path(env.str("PRIVATE_FILES_ROOT", default=str(VAR_DIR / "private")))
# Every file under PRIVATE_FILES_ROOT is encrypted at rest (cases/filecrypt.py,
# docs/security.md): with these keys, newest first, each 32 random bytes in URL-safe base64,
# comma-separated. New files use the first; a file is read with the key its header names.
# Empty: local.py and test.py make one key into DSAR_VAR_DIR/file-key; production.py refuses
# to start.
DSAR_FILE_KEYS = env.list("DSAR_FILE_KEYS", default=[])
# The private files as a Django storage, for any code that stores through one: it encrypts.
STORAGES["private"] = {"BACKEND": "cases.filecrypt_storage.EncryptedPrivateStorage"}

# --- E-mail -------------------------------------------------------------------------------
# EMAIL_URL, e.g. smtp://user:password@mail.example.nl:587/?tls=True. Default: one .eml file
# per message under var/mail/. The URL sets EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT,
# EMAIL_HOST_USER, EMAIL_HOST_PASSWORD and whatever options it carries.

vars().update(env.email_url("EMAIL_URL", default="filemail://"))
if EMAIL_BACKEND == "django.core.mail.backends.filebased.EmailBackend":  # noqa: F821 (set above)
    EMAIL_BACKEND = "dsar.mail.EmailBackend"  # one .eml file per message (dsar/mail.py)
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="privacy@example.nl")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery -------------------------------------------------------------------------------
# REDIS_URL (or CELERY_BROKER_URL) selects Redis. Default: message files in var/broker/,
# shared by web, worker and beat, needing no server: kombu's filesystem transport made safe
# for several processes (dsar/broker.py: whole-file writes, atomic takes, folders made on
# first use).

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
_embedded_broker = CELERY_BROKER_URL.startswith("filesystem://")
_broker_dir = VAR_DIR / "broker"
# The transport class (dsar/broker.py): the embedded one, or kombu's Redis transport with a
# guard against a worker crash after a Redis outage. None lets the URL's scheme choose.
CELERY_BROKER_TRANSPORT = (
    "dsar.broker:Transport"
    if _embedded_broker
    else "dsar.broker:RedisTransport"
    if CELERY_BROKER_URL.startswith("redis://")
    else None
)
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    if _embedded_broker
    # A message not acknowledged within this time is handed to another worker. Retry
    # countdowns stay far below it (DSAR_EMAIL_RETRY_MAX_SECONDS).
    else {"visibility_timeout": 3600}
)
# Time limits of every task: at the soft limit the task gets SoftTimeLimitExceeded (an e-mail
# being sent stays claimed, and the sweep hands it out again after
# DSAR_EMAIL_SENDING_LEASE_SECONDS); at the hard limit the pool process running it is
# replaced. A batch of deliveries (50 e-mails, each bounded by EMAIL_TIMEOUT) and a letter fit
# well within the defaults; both stay far below the Redis visibility timeout.
DSAR_TASK_SOFT_TIME_LIMIT_SECONDS = env.int("DSAR_TASK_SOFT_TIME_LIMIT_SECONDS", default=540)
DSAR_TASK_TIME_LIMIT_SECONDS = env.int("DSAR_TASK_TIME_LIMIT_SECONDS", default=600)
CELERY_TASK_SOFT_TIME_LIMIT = DSAR_TASK_SOFT_TIME_LIMIT_SECONDS
CELERY_TASK_TIME_LIMIT = DSAR_TASK_TIME_LIMIT_SECONDS
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# The worker and beat log through LOGGING below (its redaction filter included) instead of
# replacing the root logger's handlers with Celery's own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    # Plans reminders and digests, and hands out due and lost e-mails (docs/notifications.md).
    "notifications-sweep": {
        "task": "notifications.sweep",
        "schedule": DSAR_REMINDER_SWEEP_SECONDS,
        # A sweep nobody picked up in time is dropped: the next one does the same work.
        "options": {"expires": DSAR_REMINDER_SWEEP_SECONDS},
    },
    # Letters asked for in the admin whose task was lost (a broker outage, a worker killed
    # mid-render) are queued again (letters.LetterRequest; docs/letters.md).
    "letters-sweep": {
        "task": "letters.sweep",
        "schedule": DSAR_REMINDER_SWEEP_SECONDS,
        "options": {"expires": DSAR_REMINDER_SWEEP_SECONDS},
    },
    # Retention, once a day: deletes web requests never confirmed and identity documents,
    # anonymises closed requests (docs/retention.md).
    "casework-purge-expired": {
        "task": "casework.purge_expired",
        "schedule": 24 * 60 * 60,
    },
}

# --- Logging ------------------------------------------------------------------------------
# Log lines name cases by id or reference, never by the subject's name or e-mail address.

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Every line loses the tokens of subjects' links and the terms of searches
    # (dsar/log_redaction.py); all loggers write through this one handler.
    "filters": {"redact": {"()": "dsar.log_redaction.RedactingFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]}
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # runserver's request lines: through the redacting handler, not Django's own.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint (reply letters) logs every rendering step at INFO; keep its warnings
        # (refused or missing resources) and drop the step-by-step progress.
        "weasyprint.progress": {"level": "WARNING"},
    },
}

# --- REST framework (docs/api.md) ---------------------------------------------------------
# Officers and integrations authenticate with a per-user token (created and revoked in the
# admin) or, in the browsable API, with their admin session. Both refuse staff accounts
# without a second factor (accounts.authentication).

REST_FRAMEWORK = {
    # Token first: a request without credentials then gets 401 with "WWW-Authenticate: Token".
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.TwoFactorTokenAuthentication",
        "accounts.authentication.TwoFactorSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.IsOfficer"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.api_exception_handler",
    # Anonymous requests are throttled per client address; officers are not. The public
    # submission counts, besides, in the web form's own limits (DSAR_RATE_LIMITS).
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": env.str("DSAR_API_RATE_ANON", default="120/h")},
    # The client address for throttling: REMOTE_ADDR unless proxies are trusted
    # (DSAR_TRUSTED_PROXY_COUNT).
    "NUM_PROXIES": DSAR_TRUSTED_PROXY_COUNT,
}

# API tokens (django-rest-knox): the database keeps a digest of each token, never the token;
# a token stops working this many days after it was issued (docs/api.md).
DSAR_API_TOKEN_DAYS = env.int("DSAR_API_TOKEN_DAYS", default=90)
REST_KNOX = {
    "TOKEN_TTL": datetime.timedelta(days=DSAR_API_TOKEN_DAYS),
    "AUTH_HEADER_PREFIX": "Token",  # the header integrations sent before: "Token <token>"
}

# --- OpenAPI schema and docs page (drf-spectacular) ---------------------------------------

SPECTACULAR_SETTINGS = {
    "TITLE": "DSAR tracker API",
    "DESCRIPTION": (
        "Cases of data subject requests (GDPR/AVG): list, read, register and work them "
        "through the same rules as the officers' screens.\n\n"
        "**Authentication**: send `Authorization: Token <token>`. An administrator issues "
        "and revokes tokens in the admin (Accounts › API tokens); a token acts as its user, "
        "with that user's permissions, until it expires. In the browser, the admin session "
        "works too.\n\n"
        "**Errors** all look like "
        '`{"error": {"code": "...", "message": "...", "fields": {...}}}`: 400 invalid '
        "input, 401 no or a wrong token, 403 no permission, 404 not found, 409 not "
        "allowed in the case's current state, 429 too many requests.\n\n"
        "A guide with curl examples is in the project's docs/api.md."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and the docs page are public (they hold no data); every endpoint they
    # describe checks its own permissions.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name per choice set used by several fields (subject_language, language, ...).
    "ENUM_NAME_OVERRIDES": {"LanguageEnum": "cases.models.Language"},
}

# --- Security headers (docs/security.md) --------------------------------------------------

# Content-Security-Policy (django-csp 4) on every page, in every environment, so that a page
# that breaks it breaks in development and in the browser tests too: only our own scripts,
# styles, images and fonts; no inline script or style; no framing; forms post only to us.
# Swagger UI and its icons are served from our static files (drf-spectacular-sidecar); its
# icons are data: URIs, hence img-src data:.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Browser features the app never uses are switched off for every page (Permissions-Policy,
# sent by accounts.middleware.PermissionsPolicyMiddleware).
DSAR_PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), "
    "gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
)
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
