"""Production: everything from the environment, no default for any secret."""

from django.core.exceptions import ImproperlyConfigured

from cases.filecrypt import BadFileKey, file_keys

from .base import *  # noqa: F403
from .base import DSAR_FILE_KEYS, SECRET_KEY, SILENCED_SYSTEM_CHECKS, env

if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "Set SECRET_KEY to a random string of at least 50 characters, e.g. the output of "
        "python -c 'import secrets; print(secrets.token_urlsafe(64))'."
    )

try:
    file_keys(DSAR_FILE_KEYS)
except BadFileKey as exc:
    raise ImproperlyConfigured(
        f"DSAR_FILE_KEYS: {exc} Set DSAR_FILE_KEYS to the keys the private files are encrypted "
        "with, newest first, comma-separated; a new one from: python manage.py "
        "rotate_file_keys --new-key (docs/security.md, 'Files encrypted at rest')."
    ) from None

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"

# --- Security (issue 7): docs/security.md, "Production checklist" -----------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Staff sessions end after a working day, and when the browser closes.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=10 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
if not SECURE_HSTS_PRELOAD:
    # Preloading is the domain owner's decision, taken outside this app (submitting the apex
    # domain to the browsers' preload list) and hard to undo: months. Until an operator sets
    # SECURE_HSTS_PRELOAD=true, the check that asks for it is silenced on purpose.
    SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "security.W021"]
