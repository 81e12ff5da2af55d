"""Zhengxie settings: one module, driven by the environment (twelve-factor).

Defaults are safe for the demo (SQLite, console email, no other server). Production is selected with
``ZHENGXIE_ENV=production`` and refuses to start with the demo secret key or DEBUG on.
"""

import ipaddress
import sys
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("ZHENGXIE_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()

ZHENGXIE_ENV = env.str("ZHENGXIE_ENV", default="test" if "pytest" in sys.modules else "demo")  # demo|test|production
PRODUCTION = ZHENGXIE_ENV == "production"

DEMO_SECRET_KEY = "zhengxie-demo-secret-key-not-for-production-use-0000000000"
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=DEMO_SECRET_KEY)
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[] if PRODUCTION else ["*"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# Field encryption (AES-GCM) for personal information. Keys: "id:base64key,id2:base64key"; the first encrypts,
# all decrypt, so keys can rotate. The hash key makes the keyed digests used for exact-value lookups.
DEMO_FIELD_KEYS = "demo1:ZGVtby1maWVsZC1rZXktMzItYnl0ZXMtbG9uZy0wMDA="
DEMO_HASH_KEY = "demo-hash-key-not-for-production"
FIELD_ENCRYPTION_KEYS = env.str("ZHENGXIE_FIELD_KEYS", default=DEMO_FIELD_KEYS)
FIELD_HASH_KEY = env.str("ZHENGXIE_HASH_KEY", default=DEMO_HASH_KEY)

if PRODUCTION:
    if SECRET_KEY == DEMO_SECRET_KEY or len(SECRET_KEY) < 40:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY to a long random value in production.")
    if DEBUG:
        raise ImproperlyConfigured("DJANGO_DEBUG must be off in production.")
    if FIELD_ENCRYPTION_KEYS == DEMO_FIELD_KEYS or FIELD_HASH_KEY == DEMO_HASH_KEY:
        raise ImproperlyConfigured("Set ZHENGXIE_FIELD_KEYS and ZHENGXIE_HASH_KEY in production.")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "huey.contrib.djhuey",
    "django_tasks",
    "zhengxie.core",
    "zhengxie.audit",
    "zhengxie.accounts",
    "zhengxie.people",
    "zhengxie.notifications",
    "zhengxie.workdays",
    "zhengxie.duty",
    "zhengxie.search",
    "zhengxie.followup",
    "zhengxie.similarity",
    "zhengxie.suggest",
    "zhengxie.proposals",
    "zhengxie.consultations",
    "zhengxie.supervision",
    "zhengxie.deliberations",
    "zhengxie.opinions",
    "zhengxie.training",
    "zhengxie.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check, which reads a form's fields and so the whole body: see zhengxie/core/request_size.py.
    "zhengxie.core.request_size.RequestSizeMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "zhengxie.core.middleware.RequestContextMiddleware",
    "zhengxie.accounts.middleware.StaffOtpMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "zhengxie.urls"
WSGI_APPLICATION = "zhengxie.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "zhengxie" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zhengxie.core.context_processors.shell",
            ],
        },
    },
]

# An empty DATABASE_URL (as a blank line in an env file or a CI variable leaves it) means "not set".
DATABASES = {
    "default": env.db_url_config(env.str("DATABASE_URL", default="") or f"sqlite:///{VAR_DIR / 'zhengxie.sqlite3'}")
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
SILENCED_SYSTEM_CHECKS: list[str] = []
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Covering indexes (INCLUDE) serve PostgreSQL's index-only reads; SQLite builds them without the extra columns,
    # which is all the district tier needs, so its warning about them is not shown on every command.
    SILENCED_SYSTEM_CHECKS.append("models.W040")
    # WAL lets the web server and the worker read while the other writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # PostgreSQL's JIT compiler fires on queries the planner thinks expensive and then spends longer compiling
    # than the query runs (measured at province scale: 64 ms of a 96 ms count). The platform's queries are short
    # and index-driven, so it is off for every connection unless DB_JIT=on.
    if not env.bool("DB_JIT", default=False):
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = (options.get("options", "") + " -c jit=off").strip()
    # The proposal statistics make half of their reads on a second connection of the same process (a worker thread
    # of proposals.statistics.counting._Reads): each web worker and task worker may hold two connections.
    STATISTICS_PARALLEL_READS = env.bool("STATISTICS_PARALLEL_READS", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background jobs: the django-tasks API on Huey (SQLite file by default, Redis when REDIS_URL is set).
# Tasks are enqueued only after the surrounding transaction commits.
HUEY_IMMEDIATE = env.bool("HUEY_IMMEDIATE", default=ZHENGXIE_ENV == "test")
if REDIS_URL:
    HUEY = {"name": "zhengxie", "huey_class": "huey.RedisHuey", "url": REDIS_URL, "immediate": HUEY_IMMEDIATE}
else:
    HUEY = {
        "name": "zhengxie",
        "huey_class": "huey.SqliteHuey",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": HUEY_IMMEDIATE,
    }
# Periodic jobs ("07:00") are meant in the committee's time zone, which Django sets as the process's local time.
HUEY["utc"] = False
HUEY["consumer"] = {"workers": 2, "worker_type": "thread"}
TASKS = {
    "default": {
        "BACKEND": "huey.contrib.djhuey.tasks_backend.HueyBackend",
        "OPTIONS": {"enqueue_on_commit": True},
    }
}

# Unit suggestion (智能交办): the model is retrained by a background job once this many new lead or sole
# assignments arrived since it learned; it learns from at most this many of the most recent proposals.
SUGGEST_RETRAIN_AFTER = env.int("SUGGEST_RETRAIN_AFTER", default=50)
SUGGEST_MAX_PROPOSALS = env.int("SUGGEST_MAX_PROPOSALS", default=60_000)

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "zhengxie.accounts.backends.UsernameOrMobileBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "zhengxie.accounts.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if ZHENGXIE_ENV == "test":
    # Fast hashing keeps the suite quick; production uses Django's default PBKDF2.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling: 5 failures for the same account from the same address lock it for 15 minutes. Failures are
# counted per account, whichever of its names (username, mobile in any spelling) was typed, on pages and API alike.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "zhengxie.accounts.backends.throttle_identifier"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "zhengxie.accounts.views.locked_out"
# Throttling counts per client address as the sign-in history and the audit trail record it.
AXES_CLIENT_IP_CALLABLE = "zhengxie.core.middleware.client_address"
AXES_VERBOSE = False
# Searches for a member by exact ID number or mobile (by roles that see them unmasked): at most this many a
# minute per user.
PEOPLE_PERSONAL_SEARCHES_PER_MINUTE = env.int("ZHENGXIE_PERSONAL_SEARCHES_PER_MINUTE", default=20)

# Reverse proxies (addresses or networks) whose X-Forwarded-For is believed; none by default, so the direct peer is
# the client (docs/operations.md, "Behind a reverse proxy"). A malformed entry stops the start.
TRUSTED_PROXIES = env.list("ZHENGXIE_TRUSTED_PROXIES", default=[])
try:
    [ipaddress.ip_network(p, strict=False) for p in TRUSTED_PROXIES]
except ValueError as exc:
    raise ImproperlyConfigured(f"ZHENGXIE_TRUSTED_PROXIES: {exc}") from exc

# Two-factor (TOTP) for staff roles: on in production, off in the demo unless asked for.
ZHENGXIE_REQUIRE_STAFF_OTP = env.bool("ZHENGXIE_REQUIRE_STAFF_OTP", default=PRODUCTION)
OTP_TOTP_ISSUER = "Zhengxie"

# API bearer tokens.
API_TOKEN_TTL_HOURS = env.int("ZHENGXIE_API_TOKEN_TTL_HOURS", default=24 * 7)

# Follow-up: an open recommendation without an answer or progress update for this many working days is stale.
ZHENGXIE_RECOMMENDATION_STALE_WORKING_DAYS = env.int("ZHENGXIE_RECOMMENDATION_STALE_WORKING_DAYS", default=20)

# With Redis, sessions are read from the cache and written through to the database (they survive a restart of the
# cache): a signed-in request reads its session without a query. The local-memory cache is each process's own, so a
# session ended in one worker (signing out) would live on in another's cache: without Redis they stay in the database.
SESSION_ENGINE = "django.contrib.sessions.backends." + ("cached_db" if REDIS_URL else "db")
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading commits the whole domain to HTTPS for months and cannot be undone quickly; it is the
        # operator's choice (DJANGO_HSTS_PRELOAD=1), so its absence is not a deployment error.
        SILENCED_SYSTEM_CHECKS.append("security.W021")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content Security Policy: nothing is loaded from another host.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "zhengxie" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "zhengxie" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env.str("ZHENGXIE_MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "media/"
WHITENOISE_USE_FINDERS = not PRODUCTION

EMAIL_BACKEND = env.str(
    "DJANGO_EMAIL_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="zhengxie@localhost")

# Import uploads.
IMPORT_MAX_BYTES = env.int("ZHENGXIE_IMPORT_MAX_BYTES", default=10 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("ZHENGXIE_IMPORT_MAX_ROWS", default=50000)
# The most any request may declare (Content-Length); views receiving a file accept their file's own limit instead
# (zhengxie/core/request_size.py).
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
    "loggers": {"huey": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}
