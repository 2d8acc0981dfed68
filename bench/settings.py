"""Settings of every benchmark process: production settings, plus two overrides from the
environment that only a benchmark needs.

- ``ROOT_URLCONF`` (``bench.urls_floor`` in ``make bench``): the app's URLs plus the bare
  view the public form is compared with, so that both run on the same server and settings.
- ``BENCH_ALLOWED_HOSTS``: the in-process test client sends ``Host: testserver``.

Everything else, the 50-character ``SECRET_KEY`` included, comes from the environment exactly
as in production (``bench/run.py`` sets it; ``SECURE_SSL_REDIRECT=False`` because the load
generator speaks plain HTTP).
"""

import os

from dsar.settings.production import *  # noqa: F403
from dsar.settings.production import ALLOWED_HOSTS, env

ROOT_URLCONF = os.environ.get("ROOT_URLCONF", "dsar.urls")
ALLOWED_HOSTS = [*ALLOWED_HOSTS, *env.list("BENCH_ALLOWED_HOSTS", default=[])]
