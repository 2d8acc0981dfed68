#!/usr/bin/env bash
# Throughput of the public request form (GET and POST of /) under wrk, against a running
# server (make bench runs the same set-up; figures in docs/benchmarks.md). Not a test.
#
#   URL=http://127.0.0.1:8000 THREADS=2 CONNECTIONS=16 DURATION=30s bash bench/public_form.sh
#
# The server must accept the load: raise the per-IP submit limit for the run
# (DSAR_RATE_LIMIT_SUBMIT_PER_IP=100000000/h). Every POST stores an unconfirmed request and
# plans an e-mail: run it against a throwaway database.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

URL=${URL:-http://127.0.0.1:8000}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-16}
DURATION=${DURATION:-30s}

csrf=$(curl -fsS -D - -o /dev/null "$URL/" | tr -d '\r' |
    sed -n 's/^[Ss]et-[Cc]ookie: csrftoken=\([^;]*\);.*/\1/p')
if [[ -z $csrf ]]; then
    echo "no csrftoken cookie from $URL/" >&2
    exit 1
fi

echo "== GET $URL/"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$URL/"
echo "== POST $URL/"
CSRF=$csrf wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency \
    -s bench/public_form_post.lua "$URL/"
