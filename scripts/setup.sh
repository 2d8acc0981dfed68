#!/usr/bin/env bash
# Sets up everything the app and its tests need on a Debian 12 machine, from a fresh clone:
#   1. Debian packages (WeasyPrint's libraries, poppler-utils, gettext, chromium), only the
#      missing ones; sudo is used only when not root. DSAR_SKIP_BROWSER=1 skips chromium;
#      DSAR_BENCH_TOOLS=1 (make bench) adds wrk, the load generator of the benchmarks.
#   2. .venv with `pip install -c constraints.txt '.[dev]'`, re-run only when pyproject.toml
#      or constraints.txt changed since the last successful install (stamp file in .venv).
#   3. compiled translations (.mo files, git-ignored build output) when a locale/ dir exists.
#   4. the working folders under var/ (or $DSAR_VAR_DIR).
# Idempotent; a second run with nothing missing takes a few seconds.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYTHON=${PYTHON:-python3}
VENV=.venv
STAMP=$VENV/.dsar-install-stamp

say() { printf 'setup: %s\n' "$*"; }

# --- 1. Debian packages -------------------------------------------------------------------

apt_packages=(
    libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-dejavu-core
    poppler-utils gettext
)
if [[ "${DSAR_SKIP_BROWSER:-0}" != 1 ]]; then
    # Playwright's browser tests launch Debian's /usr/bin/chromium; Playwright never
    # downloads a browser of its own here.
    apt_packages+=(chromium)
fi
if [[ "${DSAR_BENCH_TOOLS:-0}" == 1 ]]; then
    apt_packages+=(wrk)
fi

if command -v dpkg-query >/dev/null 2>&1; then
    missing=()
    for pkg in "${apt_packages[@]}"; do
        status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
        if [[ "$status" != *" installed" ]]; then
            missing+=("$pkg")
        fi
    done
    if ((${#missing[@]})); then
        sudo=()
        if [[ "$(id -u)" -ne 0 ]]; then
            sudo=(sudo)
        fi
        say "installing Debian packages: ${missing[*]}"
        "${sudo[@]}" apt-get update -qq
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
            apt-get install -y -qq --no-install-recommends "${missing[@]}"
    fi
else
    say "no dpkg-query (not Debian?): make sure these are installed: ${apt_packages[*]}"
fi

# --- 2. Python virtual environment --------------------------------------------------------

if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    say "$PYTHON is missing or older than Python 3.11; set PYTHON=/path/to/python3.11" >&2
    exit 1
fi

if [[ -x $VENV/bin/python ]] && ! "$VENV/bin/python" -c '' 2>/dev/null; then
    say "$VENV is broken (its Python is gone?); recreating it"
    rm -rf "$VENV"
fi
if [[ ! -x $VENV/bin/python ]]; then
    say "creating $VENV with $("$PYTHON" --version)"
    "$PYTHON" -m venv "$VENV"
fi

wanted_hash=$(
    {
        cat pyproject.toml constraints.txt
        "$VENV/bin/python" --version
    } | sha256sum | cut -d' ' -f1
)
if [[ ! -f $STAMP || "$(cat "$STAMP")" != "$wanted_hash" ]]; then
    say "installing Python packages into $VENV (pyproject.toml or constraints.txt changed)"
    rm -f "$STAMP"
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 "$VENV/bin/python" -m pip install \
        --quiet --disable-pip-version-check -c constraints.txt '.[dev]'
    printf '%s\n' "$wanted_hash" >"$STAMP"
fi

# --- 3. Translations ----------------------------------------------------------------------

if compgen -G 'locale' >/dev/null || compgen -G '*/locale' >/dev/null; then
    "$VENV/bin/python" manage.py compilemessages --ignore=.venv --ignore=var --verbosity 0
else
    say "no locale/ directory yet: nothing to compile"
fi

# --- 4. Working folders -------------------------------------------------------------------
# The filesystem Celery broker needs its folders to exist. DSAR_VAR_DIR moves var/ (README).

var_dir=${DSAR_VAR_DIR:-var}
mkdir -p "$var_dir/mail" "$var_dir/broker/queue" "$var_dir/broker/processed" \
    "$var_dir/broker/control" "$var_dir/private"

say "done"
