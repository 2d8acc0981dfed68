"""A developer's machine: the embedded defaults, debug on, a throwaway secret key."""

from pathlib import Path

from cases.filecrypt import embedded_key

from .base import *  # noqa: F403
from .base import DSAR_ORGANISATION, SECRET_KEY, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# Local only: production.py refuses to start without a real SECRET_KEY.
SECRET_KEY = SECRET_KEY or "local-development-only-not-secret"  # noqa: S105
# The demo's example organisation is a B.V., whose letters must carry a KvK number
# (letters.W003): a made-up one unless DSAR_ORG_KVK says otherwise.
DSAR_ORGANISATION = {**DSAR_ORGANISATION, "kvk": DSAR_ORGANISATION["kvk"] or "12345678"}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": STORAGES["private"],  # noqa: F405
}
# No DSAR_FILE_KEYS set: a key made once into DSAR_VAR_DIR/file-key (never committed).
DSAR_FILE_KEYS = DSAR_FILE_KEYS or [embedded_key(VAR_DIR)]  # noqa: F405

# WhiteNoise expects the collected-static folder to exist, even when it serves from finders.
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # noqa: F405
