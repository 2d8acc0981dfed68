"""A developer's machine: the embedded defaults, debug on, a throwaway secret key."""

from pathlib import Path

from .base import *  # noqa: F403
from .base import SECRET_KEY, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# Local only: production.py refuses to start without a real SECRET_KEY.
SECRET_KEY = SECRET_KEY or "local-development-only-not-secret"  # noqa: S105
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# WhiteNoise expects the collected-static folder to exist, even when it serves from finders.
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # noqa: F405
