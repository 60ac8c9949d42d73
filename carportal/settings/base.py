"""Settings shared by every environment, read from environment variables.

Without any variable set, the portal runs on its embedded default: SQLite, Celery in
eager mode, a local-memory cache and e-mail printed to the console.
"""

from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "axes",
    "django_filters",
    "import_export",
    "nested_admin",
    # Before carportal, whose admin replaces auditlog's list of entries.
    "carportal.apps.ChangeHistoryConfig",
    "carportal",
    "meetings",
    "projects",
    "publications",
    "network",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "carportal.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Inside the security headers, which cached pages get too; outside everything per-user.
    "django.middleware.http.ConditionalGetMiddleware",
    "carportal.cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: the change history records the request's user as the actor.
    "carportal.audit.ChangeHistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it turns a refused sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First, so a paused account or address is refused before its password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "carportal.urls"
WSGI_APPLICATION = "carportal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable server fails a request (and /health/) in seconds instead of minutes.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int(
        "DATABASE_CONNECT_TIMEOUT", default=5
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # Pages work without Redis: a hung server must cost a moment, not a worker.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Anonymous public pages come from the cache (carportal/cache.py, docs/adr/0004); any change
# to content makes them stale at once, and this bounds how long anything missed can last.
CACHE_PAGES = env.bool("CACHE_PAGES", default=True)
CACHE_PAGE_SECONDS = env.int("CACHE_PAGE_SECONDS", default=600)

# Celery: Redis as broker when configured; otherwise tasks run in-process at once.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
# A broker that stops answering (a frozen server, or one gone without closing the connection)
# must cost a request seconds, not hang it: kombu would wait on the socket forever. Each
# connect or read gives up after a second, as /health/ does, and a publish is retried once,
# at once; a signup's e-mail is then left to the periodic send (network/outbox.py). Three
# seconds at worst, measured in tests/network/test_broker_outage.py. The worker's BRPOP waits
# in its event loop, which this timeout does not cut short.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0}
CELERY_TASK_ACKS_LATE = True
# A task cut off by a lost broker connection may have handed its e-mail to the mail server
# without stamping the row, and would send it again; left to finish, it stamps the row and a
# redelivery finds it sent. Pinned: Celery 6 changes the default.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_TASK_TIME_LIMIT = 10 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 9 * 60
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Large PDFs go to their own queue, whose worker starts a fresh process for each document
# (weasyprint keeps the memory it took): docker-compose.yml's worker-pdf, README.
CELERY_TASK_ROUTES = {"carportal.tasks.build_pdf": {"queue": "pdf"}}
CELERY_TIMEZONE = "Europe/Stockholm"
CELERY_BEAT_SCHEDULE = {
    # E-mails a broker or mail server outage kept from going out (network/outbox.py).
    "network-send-pending-mail": {
        "task": "network.tasks.send_pending_mail",
        "schedule": timedelta(minutes=5),
    },
    # The yearly "do you want to stay listed?" e-mails and the drop-outs after them.
    "network-reconfirm-members": {
        "task": "network.tasks.reconfirm_members",
        "schedule": timedelta(hours=24),
    },
    # Drafts scheduled to go public today (Publication.publish_on): within 15 minutes of
    # midnight, Stockholm time (docs/adr/0009).
    "publications-publish-scheduled": {
        "task": "publications.tasks.publish_scheduled_publications",
        "schedule": timedelta(minutes=15),
    },
    # Stored PDFs of past content generations, which are never served again.
    "carportal-prune-pdf-exports": {
        "task": "carportal.tasks.prune_pdf_exports",
        "schedule": timedelta(hours=1),
    },
}

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="CBSS Children at Risk <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in throttling (django-axes; docs/adr/0003-login-throttling.md). Failures are counted
# in the database, so the throttle holds whether or not Redis is up.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOL_OFF_MINUTES", default=15))
# Each on its own: one account guessed at from many addresses, or one address guessing at
# many accounts, is paused.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "carportal.lockout.sign_in_paused"
# Log failures and pauses by what is throttled (account, address), without the user agent,
# and no banner at every start of a command.
AXES_VERBOSE = False
# Behind reverse proxies, each appending the address it saw to X-Forwarded-For, the
# client's address is the TRUSTED_PROXY_COUNT-th entry from the right; entries further
# left are the client's own claims. python-ipware counts only the proxies listed after the
# client (the nearest is REMOTE_ADDR) and, not strict, ignores what the client prepended.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT - 1
    IPWARE_STRICT = False

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English")]
TIME_ZONE = "Europe/Stockholm"
# Day-first and ISO dates, a 24-hour clock, Monday first (carportal/formats/en/formats.py).
FORMAT_MODULE_PATH = ["carportal.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files are served to signed-in staff only (carportal.views_admin.staff_file); the
# public downloads them through their published page.
MEDIA_URL = "/admin/files/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# The largest document staff may upload (a meeting document, a publication's edition).
DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_MB", default=50) * 1024 * 1024
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Security headers on every response, local runs included. HSTS and HTTPS-only
# cookies are switched on in production settings.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# The Django admin sets a few inline style attributes; scripts stay 'self' only.
CONTENT_SECURITY_POLICY_ADMIN = CONTENT_SECURITY_POLICY.replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # Replaces Django's own console handler, which would print every line a second time.
    "loggers": {"django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False}},
}

PAGINATE_BY = 20

# Spreadsheet imports (django-import-export, carportal/spreadsheets.py): a file over
# SPREADSHEET_IMPORT_MAX_BYTES is refused before it is read, and so is a workbook that would
# unpack to ten times as much (carportal/uploads.py, which also drops rows left empty).
SPREADSHEET_IMPORT_MAX_BYTES = env.int("SPREADSHEET_IMPORT_MAX_BYTES", default=10 * 1024 * 1024)
# A file of more rows than this (a thousand contact points take about a second to check) is
# checked and imported by a Celery task while staff wait on a progress page (import_jobs.py).
SPREADSHEET_IMPORT_TASK_ROWS = env.int("SPREADSHEET_IMPORT_TASK_ROWS", default=1000)

# A PDF of more rows than this (publications in a catalogue, each about 30 ms of work; a
# presidency report's meetings and sessions count half) takes over a second to make: a Celery
# task makes it, and the visitor waits on a progress page, not on the request (pdf_jobs.py).
PDF_TASK_ROWS = env.int("PDF_TASK_ROWS", default=30)

# PROTECT Network (network/): links in its e-mails start with NETWORK_SITE_URL; the
# secretariat's review requests go to a role address, never to a person's own.
NETWORK_SITE_URL = env("NETWORK_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
NETWORK_REVIEW_EMAIL = env("NETWORK_REVIEW_EMAIL", default="network-review@localhost")
NETWORK_CONFIRM_MAX_AGE = timedelta(days=7)
# Members' directory: an e-mailed sign-in link works once within NETWORK_SIGN_IN_MAX_AGE; the
# session ends after NETWORK_SESSION_IDLE without a request, and NETWORK_SESSION_MAX in all.
NETWORK_SIGN_IN_MAX_AGE = timedelta(minutes=15)
NETWORK_SESSION_IDLE = timedelta(minutes=30)
NETWORK_SESSION_MAX = timedelta(hours=12)
# Signups and sign-in requests per client address in each period: enough for a team
# sharing an office's address.
NETWORK_RATE_LIMIT = env.int("NETWORK_RATE_LIMIT", default=10)
NETWORK_RATE_PERIOD = timedelta(hours=1)
# A member's personal link (see, change or withdraw their entry) outlives the yearly
# re-confirmation, whose e-mail carries a fresh one.
NETWORK_PERSONAL_LINK_MAX_AGE = timedelta(days=400)
# Yearly re-confirmation: members last confirmed NETWORK_RECONFIRM_AFTER ago are asked whether
# they want to stay listed; without an answer in NETWORK_RECONFIRM_GRACE they drop out, and
# an entry that does not come back within NETWORK_LAPSED_KEEP is erased.
NETWORK_RECONFIRM_AFTER = timedelta(days=365)
NETWORK_RECONFIRM_GRACE = timedelta(days=30)
NETWORK_LAPSED_KEEP = timedelta(days=365)
