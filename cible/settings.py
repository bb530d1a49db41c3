"""Cible's settings: safe defaults for a laptop, everything else from CIBLE_* variables."""

import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP  # type: ignore[attr-defined]
from django.utils.translation import gettext_lazy as _

from cible.accounts.sso_config import join_domains, oidc_providers, provider_origins
from cible.lib.env import env_bool, env_int, env_list, env_secret, env_str
from cible.ops.logs import logging_config
from cible.sources.config import parse_databases

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("DATA_DIR", str(BASE_DIR.parent / "data")))


def _secret_key() -> str:
    """A key from the environment, or one generated once and kept in the data folder."""
    key = env_secret("SECRET_KEY")
    if key:
        return key
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
# Check-ins by e-mail (docs/mail-in.md): the address replies to the reminders go to, and the
# secret that inbound-mail services send to POST /mail-in/. Both unset: no reply by e-mail.
MAIL_IN_ADDRESS = env_str("MAIL_IN_ADDRESS")
MAIL_IN_TOKEN = env_secret("MAIL_IN_TOKEN")
# Slack's Web API, which opens the check-in form (a modal); another address for tests only.
SLACK_API_URL = env_str("SLACK_API_URL", "https://slack.com/api/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "django_htmx",
    "django_tasks_db",
    "ninja",
    "cible.accounts",
    "cible.orgs",
    "cible.okrs",
    "cible.kpis",
    "cible.checkins",
    "cible.notifications",
    "cible.inbound",
    "cible.insights",
    "cible.audit",
    "cible.api",
    "cible.webhooks",
    "cible.sources",
    "cible.collab",
    "cible.okrfiles",
    "cible.ops",
    "cible.front",
    "cible.samples",
]

MIDDLEWARE = [
    "cible.ops.middleware.RequestIdMiddleware",
    "cible.ops.metrics.MetricsMiddleware",  # only with CIBLE_METRICS
    "django.middleware.security.SecurityMiddleware",
    "cible.ops.static.StaticFilesMiddleware",
    # Below the static files (whitenoise sends them compressed at collectstatic): pages and
    # JSON, gzipped when the client accepts it. Django masks the CSRF token anew in each
    # response, so compression gives BREACH nothing to guess (docs/production.md).
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "cible.accounts.oidc_only.OidcOnlyMiddleware",  # only with CIBLE_OIDC_ONLY
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "cible.urls"
WSGI_APPLICATION = "cible.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cible.front.context.navigation",
            ],
        },
    },
]

# SQLite in the data folder by default; CIBLE_DATABASE_URL switches (postgres://...).
_default_db = f"sqlite:///{DATA_DIR / 'cible.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(env_str("DATABASE_URL", _default_db))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DB_PREPARE", True
):
    # PostgreSQL: parameters travel apart from the statement, and a statement run five
    # times on a connection is prepared there, planned once instead of at every request
    # (half of PostgreSQL's work in a check-in). A pooler that cannot keep prepared
    # statements (PgBouncer in transaction mode before 1.21) needs CIBLE_DB_PREPARE=false.
    # Cible's backend sends a statement with too many parameters for that (a whole cycle
    # at 100,000 people) the usual way.
    DATABASES["default"]["ENGINE"] = "cible.lib.postgresql"
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=5
    )
# Connections are kept between requests. A new SQLite connection costs more than a short
# request: it parses the schema again and runs the PRAGMAs, and closing the last one of a
# process checkpoints the WAL. A dropped PostgreSQL connection is noticed by the health
# check before a request uses it.
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: sign in by e-mail address, no username.
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = env_str("EMAIL_VERIFICATION", "optional")
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SIGNUP_FORM_CLASS = "cible.accounts.forms.SignupForm"
# A sign-up never says that an address is already registered (cible/accounts/signup.py).
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_FORMS = {"signup": "cible.accounts.signup.PrivateSignupForm"}
# The confirmation link of a sign-up signs in (in the browser that signed up).
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
ACCOUNT_ADAPTER = "cible.accounts.adapter.AccountAdapter"
# Failed sign-ins are slowed by cible/accounts/throttle.py, per account and address, instead
# of allauth's limit, which refuses the right password once an attacker has guessed enough.
ACCOUNT_RATE_LIMITS = {"login_failed": None}

# Single sign-on through an OpenID Connect provider, off unless CIBLE_OIDC_SERVER_URL is set
# (docs/sso.md). The provider's app is declared here, not in the database.
SOCIALACCOUNT_PROVIDERS = oidc_providers(
    env_str("OIDC_SERVER_URL"),
    env_str("OIDC_CLIENT_ID"),
    env_secret("OIDC_CLIENT_SECRET"),
    env_str("OIDC_NAME"),
)
SOCIALACCOUNT_ADAPTER = "cible.accounts.sso.SocialAccountAdapter"
# Sign-in through the provider only: no password sign-in, sign-up, reset or change
# (cible/accounts/oidc_only.py).
OIDC_ONLY = env_bool("OIDC_ONLY", False)
if OIDC_ONLY and not SOCIALACCOUNT_PROVIDERS:
    raise ImproperlyConfigured(
        "CIBLE_OIDC_ONLY is set but single sign-on is off: without CIBLE_OIDC_SERVER_URL "
        "nobody could sign in."
    )
# The sign-in button posts (with its CSRF token): a GET only shows a confirmation page.
SOCIALACCOUNT_LOGIN_ON_GET = False
# A verified address signs into the local account that has it (see oidc_providers) and
# links the two, so later sign-ins no longer depend on the address.
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_STORE_TOKENS = False
# {e-mail domain: organisation slug}: joined as a member at the first single sign-on.
SSO_JOIN_DOMAINS = join_domains(env_str("OIDC_JOIN"), SOCIALACCOUNT_PROVIDERS)

# Mail goes to the console unless an SMTP server is configured.
_email_host = env_str("EMAIL_HOST")
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": _email_host,
            "port": env_int("EMAIL_PORT", 587),
            "username": env_str("EMAIL_USER"),
            "password": env_secret("EMAIL_PASSWORD"),
            "use_tls": env_bool("EMAIL_USE_TLS", True),
        },
    }
    if _email_host
    else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
}
DEFAULT_FROM_EMAIL = env_str("EMAIL_FROM", "Cible <cible@localhost>")
# Mail on the console is a choice (no CIBLE_EMAIL_HOST), not a broken deployment: Django's
# error about it gives way to Cible's warning (cible/ops/checks.py).
SILENCED_SYSTEM_CHECKS = [] if _email_host else ["mail.E001"]

# Background work (reminders, digests) queues in the database; `cible worker` runs it.
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# Key result data sources (docs/data-sources.md): the databases SQL sources may read
# ("sales=postgres://reader@db/sales;crm=sqlite:////srv/crm.sqlite3"), the only folder CSV
# files are read from, and the seconds a source may take.
SOURCE_DATABASES = parse_databases(env_str("SOURCE_DATABASES"))
SOURCE_FILES_DIR = Path(env_str("SOURCE_FILES_DIR", str(DATA_DIR / "sources")))
SOURCE_TIMEOUT = env_int("SOURCE_TIMEOUT", 10)

# Requests the server makes (webhooks, chat, data sources, single sign-on) never go to a
# loopback, private or link-local address, save to the host names, addresses and networks
# listed here ("chat.internal,10.0.8.0/24"): cible/lib/outbound.py.
OUTBOUND_ALLOW = env_list("OUTBOUND_ALLOW", [])

LANGUAGE_CODE = env_str("LANGUAGE", "en")
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# Grouping is applied where numbers are shown (the `value` and `percent` filters), never to
# ids that end up in attributes and links.
USE_THOUSAND_SEPARATOR = False
# One way to write a date per language (cible/lib/formats).
FORMAT_MODULE_PATH = ["cible.lib.formats"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Paris")
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(DATA_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Production mode (`cible serve --prod` turns it on): static files collected into
# STATIC_ROOT under hashed names, compressed, cached for a year by browsers and proxies
# (cible.ops.static).
# Off, they are served straight from the apps' folders (the tests never collect them).
PRODUCTION = env_bool("PRODUCTION", False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# Several app servers share a Redis (CIBLE_REDIS_URL) for the cache, and the sessions go
# through it too, written to the database as well, so a restarted Redis loses nobody's
# session. Without it, each process keeps its own cache in memory.
REDIS_URL = env_secret("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "cible",
            # A Redis that is away fails a request in seconds, not at the proxy's timeout.
            "OPTIONS": {"socket_connect_timeout": 3, "socket_timeout": 3},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Operations: /healthz for load balancers, /metrics for Prometheus (docs/production.md).
METRICS = env_bool("METRICS", False)
METRICS_TOKEN = env_secret("METRICS_TOKEN")

# The organisation dashboard (docs/performance.md): computed for each reader while the cycle
# has at most this many objectives; above, stored for the whole organisation by the worker
# and recomputed when older than DASHBOARD_REFRESH seconds.
DASHBOARD_LIVE_LIMIT = env_int("DASHBOARD_LIVE_LIMIT", 300)
DASHBOARD_REFRESH = env_int("DASHBOARD_REFRESH", 600)

# The JSON API (/api/v1/, docs/api.md): requests a minute per token or person, and per
# address for calls without valid credentials.
API_RATE = env_str("API_RATE", "1200/min")
API_ANON_RATE = env_str("API_ANON_RATE", "60/min")
# How many days an Idempotency-Key is remembered (a day at least): `cible worker` forgets
# older ones, and a request with such a key records a new check-in.
API_IDEMPOTENCY_DAYS = max(env_int("API_IDEMPOTENCY_DAYS", 7), 1)

# Served over https (CIBLE_SITE_URL starts with https): secure cookies, HSTS and a redirect
# to https, with TLS ended at a reverse proxy that says so in X-Forwarded-Proto.
HTTPS = not DEBUG and SITE_URL.startswith("https")
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("SSL_REDIRECT", HTTPS)
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", HTTPS)
if env_bool("BEHIND_PROXY", HTTPS):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = env_bool("USE_X_FORWARDED_HOST", False)
# Health probes and scrapes often reach an app server directly, over plain http.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
if HTTPS and not CSRF_TRUSTED_ORIGINS:
    CSRF_TRUSTED_ORIGINS = [SITE_URL.rstrip("/")]
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    # Single sign-on: the sign-in button's post redirects to the provider.
    "form-action": [CSP.SELF, *provider_origins(SOCIALACCOUNT_PROVIDERS)],
    "frame-ancestors": [CSP.NONE],
}

# Plain text, or one JSON object a line for a log collector (CIBLE_LOG_FORMAT=json).
LOG_FORMAT = "json" if env_str("LOG_FORMAT").lower() == "json" else "text"
LOGGING = logging_config(LOG_FORMAT, env_str("LOG_LEVEL", "INFO"))
