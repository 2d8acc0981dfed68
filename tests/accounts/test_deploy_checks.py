"""Production settings pass Django's deployment checks with no warning, refuse to start without
a strong SECRET_KEY, and every page carries the security headers."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from cases import filecrypt

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, tmp_path, **env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "DJANGO_DEBUG")
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="dsar.settings.production",
        DSAR_VAR_DIR=str(tmp_path),
        ALLOWED_HOSTS="privacy.example.nl",
        DSAR_FILE_KEYS=filecrypt.generate_key(),
    )
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING",
        tmp_path=tmp_path, SECRET_KEY=secrets.token_urlsafe(64),
    )  # fmt: skip

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout and "ERROR" not in result.stderr


def test_with_hsts_preload_on_no_check_is_silenced(tmp_path):
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING",
        tmp_path=tmp_path, SECRET_KEY=secrets.token_urlsafe(64), SECURE_HSTS_PRELOAD="true",
    )  # fmt: skip

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (0 silenced)" in result.stdout


@pytest.mark.parametrize("key", ["", "short-and-weak"])
def test_production_refuses_to_start_without_a_strong_secret_key(tmp_path, key):
    result = run_manage("check", tmp_path=tmp_path, SECRET_KEY=key)

    assert result.returncode != 0
    assert "Set SECRET_KEY to a random string of at least 50 characters" in result.stderr


@pytest.mark.parametrize("keys", ["", "not-a-key"])
def test_production_refuses_to_start_without_file_keys(tmp_path, keys):
    result = run_manage(
        "check", tmp_path=tmp_path, SECRET_KEY=secrets.token_urlsafe(64), DSAR_FILE_KEYS=keys
    )

    assert result.returncode != 0
    assert "DSAR_FILE_KEYS" in result.stderr
    # No key was made up in its place.
    assert not (tmp_path / "file-key").exists()


def test_production_settings_values(monkeypatch, tmp_path):
    """The values the deployment checks cannot see: the proxy header, cookie flags, CSP."""
    result = run_manage(
        "shell", "-c",
        "from django.conf import settings as s; "
        "print(s.SECURE_PROXY_SSL_HEADER, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
        "s.X_FRAME_OPTIONS, s.SECURE_REFERRER_POLICY, s.DEBUG, "
        "s.CONTENT_SECURITY_POLICY['DIRECTIVES']['script-src'])",
        tmp_path=tmp_path, SECRET_KEY=secrets.token_urlsafe(64),
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[-2] == (
        "('HTTP_X_FORWARDED_PROTO', 'https') True 31536000 True True True DENY same-origin "
        "False [\"'self'\"]"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/admin/login/", "/api/docs/"])
def test_every_page_carries_the_security_headers(client, path):
    response = client.get(path)

    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
