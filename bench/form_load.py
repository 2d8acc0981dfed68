"""Throughput and p99 latency of the public request form under wrk, against gunicorn, side by
side with its floor: a bare ``HttpResponse`` view on the same server and settings.

gunicorn serves ``dsar.wsgi`` with the bench settings (bench/settings.py: production settings,
a 50-character SECRET_KEY from the environment, SECURE_SSL_REDIRECT=False, the public rate
limits raised through their environment variables) and ``ROOT_URLCONF=bench.urls_floor``,
which adds ``/bench/bare/`` to the app's URLs. Then wrk, with the set-up of
bench/public_form.sh (2 threads, 16 connections), runs in turn:

- GET ``/`` (the form) and GET ``/bench/bare/``;
- POST ``/`` (a valid request, answered with a redirect) and POST ``/bench/bare/``, both with
  the body of bench/public_form_post.lua and its CSRF token (bench/wrk_post.lua sends it to
  the bare view's path); for context also POST ``/bench/write/``, the bare view plus one
  committed INSERT: the cheapest request that stores anything.

Every POST stores an unconfirmed request and plans an e-mail, so this runs on its own
database (``DATABASE_URL``, emptied first) and checks afterwards that each answered POST made
a case. Run by bench/run.py (``make bench``), which sets the environment; writes JSON.
"""

import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from http.cookies import SimpleCookie
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent

RAISED_LIMITS = {
    "DSAR_RATE_LIMIT_SUBMIT_PER_IP": "100000000/h",
    "DSAR_RATE_LIMIT_SUBMIT_PER_EMAIL": "100000000/d",
    "DSAR_RATE_LIMIT_BAD_LINK_PER_IP": "100000000/h",
    "DSAR_RATE_LIMIT_UPLOAD_PER_IP": "100000000/h",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env() -> dict:
    env = dict(os.environ)
    env.update(RAISED_LIMITS)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "ROOT_URLCONF": "bench.urls_floor",
            "SECURE_SSL_REDIRECT": "False",
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


def start_gunicorn(port: int, workers: int) -> subprocess.Popen:
    command = [
        str(VENV_BIN / "gunicorn"), "dsar.wsgi", "--workers", str(workers),
        "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=server_env())
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/bare/", timeout=5):  # noqa: S310
                return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 60 s")


def csrf_token(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - our http:// URL
        cookies = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookies.load(header)
    if "csrftoken" not in cookies:
        raise SystemExit(f"no csrftoken cookie from {url}")
    return cookies["csrftoken"].value


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


def parse_wrk(output: str) -> dict:
    result = {"non_2xx_3xx": 0, "socket_errors": 0}
    for line in output.splitlines():
        line = line.strip()
        if m := re.match(r"(50|75|90|99)%\s+(\S+)", line):
            result[f"p{m.group(1)}_ms"] = round(_ms(m.group(2)), 1)
        elif m := re.match(r"Requests/sec:\s+([\d.]+)", line):
            result["rps"] = float(m.group(1))
        elif m := re.match(r"(\d+) requests in", line):
            result["requests"] = int(m.group(1))
        elif m := re.match(r"Non-2xx or 3xx responses:\s+(\d+)", line):
            result["non_2xx_3xx"] = int(m.group(1))
        elif line.startswith("Socket errors:"):
            result["socket_errors"] = sum(int(n) for n in re.findall(r"\d+", line))
    return result


def run_wrk(url: str, *, post: bool, csrf: str, duration: str, threads: int, connections: int):
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}", "--latency"]
    if post:
        command += ["-s", "bench/wrk_post.lua"]
    command.append(url)
    done = subprocess.run(
        command, cwd=ROOT, env={**os.environ, "CSRF": csrf}, capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(f"wrk failed: {done.stderr or done.stdout}")
    return parse_wrk(done.stdout)


def count_cases(dsn: str) -> int:
    with psycopg.connect(dsn) as conn:
        return conn.execute("SELECT count(*) FROM cases_case").fetchone()[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", default="15s")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (3)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    dsn = os.environ["DATABASE_URL"]
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("TRUNCATE cases_case RESTART IDENTITY CASCADE")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS bench_floor_write "
            "(id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())"
        )
        conn.execute("TRUNCATE bench_floor_write")
    port = free_port()
    server = start_gunicorn(port, args.workers)
    base = f"http://127.0.0.1:{port}"
    targets = {"form": f"{base}/", "bare": f"{base}/bench/bare/", "write": f"{base}/bench/write/"}
    results: dict = {
        "workers": args.workers,
        "threads": args.threads,
        "connections": args.connections,
        "duration": args.duration,
    }
    try:
        csrf = csrf_token(targets["form"])
        wrk = {"csrf": csrf, "threads": args.threads, "connections": args.connections}
        for url in targets.values():  # warm every worker up: imports, templates, connections
            run_wrk(url, post=False, duration="3s", **wrk)
        for method in ("GET", "POST"):
            for name, url in targets.items():
                if name == "write" and method == "GET":
                    continue
                before = count_cases(dsn) if method == "POST" else 0
                r = run_wrk(url, post=method == "POST", duration=args.duration, **wrk)
                if method == "POST" and name == "form":
                    r["cases_created"] = count_cases(dsn) - before
                results[f"{method} {name}"] = r
                print(
                    f"{method} {name:4}: {r.get('rps', 0):8.1f} req/s, p50 "
                    f"{r.get('p50_ms')} ms, p99 {r.get('p99_ms')} ms, non-2xx/3xx "
                    f"{r['non_2xx_3xx']}, socket errors {r['socket_errors']}"
                    + (f", cases created {r['cases_created']:,}" if "cases_created" in r else ""),
                    flush=True,
                )
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    for method in ("GET", "POST"):
        form, bare = results[f"{method} form"], results[f"{method} bare"]
        results[f"{method} ratio"] = round(form["rps"] / bare["rps"], 3) if bare["rps"] else None
    write = results["POST write"]["rps"]
    form_rps = results["POST form"]["rps"]
    results["POST ratio to one write"] = round(form_rps / write, 3) if write else None
    results["pass"] = (results["POST ratio"] or 0) >= 0.40
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
