#!/usr/bin/env bash
# Runs the app for development: sets everything up, migrates, seeds demo data, creates two demo
# logins, a privacy officer and a DPO (prints both), then runs the web server, a Celery worker
# and Celery beat.
# With no DATABASE_URL/REDIS_URL set, this is SQLite, a filesystem Celery broker and e-mail
# written as files, all under var/. A child that ends is started again after a short pause
# (1 s, doubling up to 30 s while it keeps failing at once), with its name and exit status in
# the output. Ctrl-C stops all three.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

PORT=${PORT:-8000}
PY=.venv/bin/python
URL="http://localhost:${PORT}/admin/"
if [[ -n "${EMAIL_URL:-}" ]]; then
    MAIL="e-mail is sent through EMAIL_URL"
else
    MAIL="e-mail goes to ${DSAR_VAR_DIR:-var}/mail/ (one .eml file per message)"
fi
# Links in e-mails and the demo login point at SITE_URL: follow PORT unless it is set.
if [[ -z "${SITE_URL:-}" && "$PORT" != 8000 ]]; then
    export SITE_URL="http://localhost:${PORT}"
fi

echo "run-dev: the app will be at $URL — $MAIL — Ctrl-C stops everything."

bash scripts/setup.sh

"$PY" manage.py migrate --noinput
"$PY" manage.py seed_demo --cases 300 --if-empty
"$PY" manage.py create_demo_logins

# Each child runs in its own process group (job control on), so that the terminal's Ctrl-C
# reaches only this script, which then stops them in order, and so that whatever a child
# started (runserver's autoreloader child, Celery's pool processes) can be found and forced.
names=(web worker beat)
pids=()
run_child() {
    case $1 in
        web) exec "$PY" manage.py runserver "127.0.0.1:${PORT}" ;;
        worker) exec .venv/bin/celery -A dsar worker --loglevel=INFO --concurrency=2 ;;
        beat) exec .venv/bin/celery -A dsar beat --loglevel=INFO ;;
    esac
}
started_at=()
start() {
    local i=$1
    set -m # its own process group: see above
    run_child "${names[$i]}" </dev/null &
    pids[i]=$!
    set +m # the groups stay; this only stops bash printing "Terminated" job notices
    started_at[i]=$SECONDS
}

stopped=0
stop_all() {
    ((stopped)) && return 0
    stopped=1
    local pid i
    if [[ -n "${pause:-}" ]]; then
        kill "$pause" 2>/dev/null || true # a restart's pause: nothing to wait for
    fi
    # TERM to each main process only: Celery's worker then does a warm shutdown (finishes
    # running tasks, stops its pool itself); runserver's reloader stops its child.
    for pid in "${pids[@]}"; do
        kill -TERM -- "$pid" 2>/dev/null || true
    done
    # Give them some time, then force whatever is left in their process groups.
    for ((i = 0; i < 40; i++)); do
        local alive=0
        for pid in "${pids[@]}"; do
            if kill -0 -- "-$pid" 2>/dev/null; then
                alive=1
            fi
        done
        ((alive)) || break
        sleep 0.25
    done
    for pid in "${pids[@]}"; do
        kill -KILL -- "-$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
}
# shellcheck disable=SC2317 # called by the traps below
on_signal() {
    # A second Ctrl-C must not cut the shutdown short, nor must a closed stdout
    # (`make run | tee log`, where tee got the Ctrl-C too).
    trap '' INT TERM PIPE
    printf '\nrun-dev: stopping web server, worker and beat...\n' 2>/dev/null || true
    stop_all
    exit "$1"
}
trap 'on_signal 130' INT
trap 'on_signal 143' TERM
trap stop_all EXIT

for i in "${!names[@]}"; do
    start "$i"
done

echo "run-dev: web server, worker and beat started; app at $URL — $MAIL — Ctrl-C stops all."

# None of them is meant to end by itself: start again whichever ends, after a pause that
# doubles (up to 30 s) while it keeps ending within a minute of its start.
delays=(1 1 1)
while true; do
    status=0
    wait -n -p ended "${pids[@]}" || status=$?
    for i in "${!pids[@]}"; do
        [[ "${pids[$i]}" == "${ended:-}" ]] || continue
        if ((SECONDS - started_at[i] > 60)); then
            delays[i]=1
        fi
        echo "run-dev: ${names[$i]} (pid $ended) exited with status $status;" \
            "starting it again in ${delays[$i]} s."
        # In the background, so that a Ctrl-C during the pause is handled at once.
        sleep "${delays[$i]}" &
        pause=$!
        wait "$pause"
        pause=
        start "$i"
        echo "run-dev: ${names[$i]} started again (pid ${pids[$i]})."
        delays[i]=$((delays[i] * 2 > 30 ? 30 : delays[i] * 2))
    done
done
