# One image for the web server (default CMD), the Celery worker and Celery beat; see
# docker-compose.yml for how each is started. Settings come from the environment (README).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore

# WeasyPrint's runtime libraries and a font for the PDF letters; gettext's msgfmt for
# compilemessages.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 dsar \
    && useradd --system --uid 10001 --gid dsar --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin dsar

WORKDIR /app

# Dependencies first, so that a code change doesn't reinstall them. pyproject.toml installs
# no code of its own (packages = []); constraints.txt pins every package. No dev extras.
COPY pyproject.toml constraints.txt README.md ./
RUN pip install -c constraints.txt . \
    && rm -rf build ./*.egg-info

COPY . .

# Compiled translations (.mo files are build output, not in git).
RUN if find . -type d -name locale -not -path './var/*' | grep -q .; then \
        python manage.py compilemessages --ignore=var; \
    fi

# Static files into var/static (STATIC_ROOT), served by WhiteNoise. The production settings
# refuse to load without a SECRET_KEY and DSAR_FILE_KEYS: these dummies exist on this RUN
# line only (collectstatic encrypts nothing).
RUN SECRET_KEY=build-only-dummy-key-for-collectstatic-never-used-at-runtime-0000 \
    DSAR_FILE_KEYS=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= \
    DJANGO_SETTINGS_MODULE=dsar.settings.production \
    python manage.py collectstatic --noinput

# Writable places for the app user: the var/ working folders (the image's code stays
# read-only to it) and /var/lib/dsar, where docker-compose.yml mounts a named volume for the
# private files (uploaded identity documents, generated letters) and beat's schedule.
RUN mkdir -p var/mail var/broker/queue var/broker/processed var/private /var/lib/dsar/private \
    && chown dsar:dsar var \
    && chown -R dsar:dsar var/mail var/broker var/private /var/lib/dsar

ENV DJANGO_SETTINGS_MODULE=dsar.settings.production \
    PRIVATE_FILES_ROOT=/var/lib/dsar/private

USER dsar
EXPOSE 8000

# The access log shows /status/[token]/ instead of the secret in a data subject's link.
CMD ["gunicorn", "dsar.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-", "--logger-class", "dsar.gunicorn_logging.RedactingLogger"]
