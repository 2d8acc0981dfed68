"""The test suite: the embedded defaults, or PostgreSQL and Redis when DATABASE_URL and
REDIS_URL are set (CI runs both)."""

import os
from pathlib import Path

# Tests keep their files (broker folders, mail, private files) apart from a developer's var/.
os.environ.setdefault(
    "DSAR_VAR_DIR", str(Path(__file__).resolve().parent.parent.parent / "var" / "test")
)

from cases.filecrypt import embedded_key  # noqa: E402

from .base import *  # noqa: E402, F403

SECRET_KEY = "test-only-not-secret"  # noqa: S105
DEBUG = False
# Figures counted on every view, as the tests change the data between page loads; the
# caching itself is tested with the setting turned on (tests/reports/test_dashboard_page.py).
DSAR_DASHBOARD_CACHE_SECONDS = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The example organisation is a B.V.: with a KvK number, as its letters must show one
# (letters.W003; tests/letters/test_organisation_kvk_number.py tests it without).
DSAR_ORGANISATION = {**DSAR_ORGANISATION, "kvk": "12345678"}  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": STORAGES["private"],  # noqa: F405
}
# No DSAR_FILE_KEYS set: a key made once into DSAR_VAR_DIR/file-key (never committed).
DSAR_FILE_KEYS = DSAR_FILE_KEYS or [embedded_key(VAR_DIR)]  # noqa: F405

# WhiteNoise expects the collected-static folder to exist, even when it serves from finders.
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # noqa: F405

if DATABASES["default"]["ENGINE"] == "cases.sqlite":  # noqa: F405
    # A file, not memory: threads and worker processes started by tests share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}  # noqa: F405
