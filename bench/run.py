"""``make bench``: the whole benchmark suite, each figure next to its floor, in one report.

Needs PostgreSQL and Redis (and wrk); see docs/benchmarks.md for how to read the report.

    make bench                                   # 100,000 and 1,000,000 cases
    make bench BENCH_ARGS="--sizes 100000"       # a quick run while working on the harness
    make bench BENCH_ARGS="--reseed"             # seed the databases again

Environment: ``BENCH_DATABASE_URL`` (default postgres://postgres@127.0.0.1:5432/dsar_bench;
its name is the prefix of the scratch databases it creates: ``dsar_bench_100k``,
``dsar_bench_1m``, ``dsar_bench_form``, ``dsar_bench_sweep``) and ``REDIS_URL`` (default
redis://127.0.0.1:6379/15). ``SECRET_KEY`` and ``DSAR_FILE_KEYS`` are made up for the run
unless set.

Steps, each a subprocess with the bench settings (bench/settings.py, i.e. production settings):

1. per size: seed the cases with COPY, or reuse the database (bench/seed.py); the admin case
   list, the API case list and the dashboard with their SQL floors (bench/pages.py, which
   takes the pages from bench_admin_list.py, bench_api_list.py and bench_dashboard.py);
2. the reminder sweep with 200,000 and 400,000 open cases, 2,000 due
   (bench/bench_reminder_sweep.py);
3. the public form under wrk against gunicorn, next to a bare view (bench/form_load.py);
4. letter rendering against a minimal page, and memory over 1,000 renders
   (bench/bench_letters.py);
5. a download of a 100 MB private file, decrypted as it streams, against a plain
   FileResponse of the same file unencrypted (bench/bench_downloads.py).

The report goes to bench/results/<timestamp>.md (git-ignored) and to stdout.
"""

import argparse
import base64
import datetime
import json
import os
import platform
import secrets
import shutil
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PY = sys.executable

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/dsar_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"

TARGETS = {
    "form": "form POST ≥ 40% of the bare view's throughput",
    "pages": "list pages ≤ 8 queries and ≤ 250 ms at 1,000,000 cases",
    "sweep_time": "reminder sweep < 1 s",
    "sweep_flat": "reminder sweep within 20% between 200,000 and 400,000 open cases",
    "letter": "letter ≤ 1.5× its floor (median)",
    "memory": "memory growth < 20 MB over 1,000 renders",
    "download": "memory growth ≤ 20 MB over 100 MB encrypted downloads",
}


# --- Set-up -----------------------------------------------------------------------------------


def fail(message: str) -> None:
    print(f"\nmake bench: {message}", file=sys.stderr)
    sys.exit(2)


def database_url(base: str, suffix: str) -> str:
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"{parts.path.rstrip('/')}_{suffix}"))


def size_label(count: int) -> str:
    if count % 1_000_000 == 0:
        return f"{count // 1_000_000}m"
    if count % 1000 == 0:
        return f"{count // 1000}k"
    return str(count)


def _where(url: str) -> str:
    """Host and port of a service URL, without any password in it."""
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port or ''}"


def check_services(base_url: str, redis_url: str) -> dict:
    """Fail with a clear message when PostgreSQL, Redis or wrk is missing; else versions."""
    import psycopg
    import redis

    server = urlunsplit(urlsplit(base_url)._replace(path="/postgres"))
    try:
        with psycopg.connect(server, connect_timeout=5) as conn:
            pg_version = conn.execute("SHOW server_version").fetchone()[0]
            pg_settings = {
                name: conn.execute(f"SHOW {name}").fetchone()[0]
                for name in ("shared_buffers", "work_mem", "effective_cache_size", "jit")
            }
    except psycopg.Error as exc:
        fail(
            f"PostgreSQL is not reachable at {_where(base_url)}: "
            f"{str(exc).strip().splitlines()[0]}\n"
            "Start it, or point BENCH_DATABASE_URL at a server where this user may create "
            f"databases (default {DEFAULT_DATABASE_URL})."
        )
    try:
        client = redis.Redis.from_url(redis_url, socket_connect_timeout=5)
        client.ping()
        redis_version = client.info("server")["redis_version"]
    except redis.RedisError as exc:
        fail(
            f"Redis is not reachable at {_where(redis_url)}: {exc}\n"
            f"Start it, or set REDIS_URL (default {DEFAULT_REDIS_URL})."
        )
    if not shutil.which("wrk"):
        fail("wrk (the HTTP load generator) is not installed: apt-get install wrk")
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    return {
        "postgresql": pg_version,
        "postgresql_settings": pg_settings,
        "redis": redis_version,
        "wrk": (wrk.stdout or wrk.stderr).split()[1],
    }


def ensure_database(url: str) -> None:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    server = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    try:
        with psycopg.connect(server, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        fail(f"cannot create the scratch database {name!r}: {str(exc).strip()}")


def machine(services: dict) -> dict:
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    total_kb = int(next(line for line in meminfo if line.startswith("MemTotal")).split()[1])
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    versions = {name: metadata.version(name) for name in ("Django", "psycopg", "gunicorn")}
    versions["WeasyPrint"] = metadata.version("weasyprint")
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(total_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        **versions,
        **services,
    }


def static_outdated(manifest: Path) -> bool:
    """Production settings serve static files from the collected, hashed copies; collecting
    (and compressing) them takes a while, so only when a source file is newer."""
    if not manifest.exists():
        return True
    collected = manifest.stat().st_mtime
    sources = [ROOT / "static", *ROOT.glob("*/static"), *ROOT.glob("*/*/static")]
    return any(
        path.stat().st_mtime > collected
        for folder in sources
        if folder.is_dir() and ".venv" not in folder.parts
        for path in folder.rglob("*")
        if path.is_file()
    )


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


class Runner:
    def __init__(self, env: dict, log: Path):
        self.env = env
        self.log = log
        self.steps: list[dict] = []

    def run(self, label: str, args: list[str], *, env: dict | None = None, check=True):
        """Run a step, its output shown as it comes and kept in the log."""
        started, load = time.monotonic(), loadavg()
        print(f"\n=== {label} (load average {load[0]})", flush=True)
        with self.log.open("a") as log:
            log.write(f"\n=== {label}\n$ {' '.join(args)}\n")
            log.flush()
            process = subprocess.Popen(
                args, cwd=ROOT, env={**self.env, **(env or {})}, stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT, text=True, bufsize=1,
            )  # fmt: skip
            for line in process.stdout:
                sys.stdout.write(line)
                log.write(line)
            code = process.wait()
        seconds = round(time.monotonic() - started, 1)
        self.steps.append({"step": label, "seconds": seconds, "load": load[0], "exit": code})
        if check and code:
            fail(f"step '{label}' failed with exit code {code}; see {self.log}")
        return code


# --- Report -----------------------------------------------------------------------------------


def fmt(value, digits=1) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def mark(passed) -> str:
    return "–" if passed is None else ("✅" if passed else "❌")


def pages_table(suite: str, by_size: dict[int, dict], sizes: list[int]) -> list[str]:
    largest = max(sizes)
    head = ["page"]
    for size in sizes:
        n = f"{size:,}"
        head += [f"{n}: queries", f"{n}: median ms", f"{n}: SQL floor ms", f"{n}: ratio"]
    head += [f"p95 ms at {largest:,}", "slowest query ms", "≤ 8 q, ≤ 250 ms"]
    lines = ["| " + " | ".join(head) + " |", "|---" + "|---:" * (len(head) - 2) + "|:-:|"]
    labels = [p["label"] for p in by_size[largest][suite]["pages"]]
    for label in labels:
        row = [label]
        for size in sizes:
            page = next((p for p in by_size[size][suite]["pages"] if p["label"] == label), None)
            if page is None:
                row += ["–"] * 4
            else:
                row += [
                    fmt(page["queries"]), fmt(page["median_ms"]), fmt(page["floor_ms"]),
                    f"{page['ratio']}×" if page["ratio"] else "–",
                ]  # fmt: skip
        big = next(p for p in by_size[largest][suite]["pages"] if p["label"] == label)
        target = big.get("pass") if big["target"] and largest >= 1_000_000 else None
        row += [fmt(big["p95_ms"]), fmt(big["slowest_query_ms"]), mark(target)]
        lines.append("| " + " | ".join(row) + " |")
    return lines


def build_report(data: dict) -> str:
    m, sizes = data["machine"], data["sizes"]
    out = [
        f"# Benchmark run {data['started']}",
        "",
        f"- machine: {m['cores']} cores ({m['cpu']}), {m['memory_gb']} GB memory, "
        f"Linux {m['kernel']}",
        f"- versions: Python {m['python']}, Django {m['Django']}, PostgreSQL {m['postgresql']}, "
        f"Redis {m['redis']}, psycopg {m['psycopg']}, gunicorn {m['gunicorn']}, "
        f"WeasyPrint {m['WeasyPrint']}, wrk {m['wrk']}",
        "- PostgreSQL settings: "
        + ", ".join(f"{k} {v}" for k, v in m["postgresql_settings"].items()),
        f"- load average (1, 5, 15 min): at start {', '.join(map(str, data['load_start']))}; "
        f"at end {', '.join(map(str, data['load_end']))}",
        f"- total time {data['seconds'] / 60:.1f} min; command `{data['command']}`",
        "",
    ]
    checks: list[tuple[str, bool | None, str]] = []

    if "seed" in data:
        out += ["## Data", "", "| cases | open | events | seeded | COPY s | indexes s | "
                "VACUUM ANALYZE s | cases table MB | events table MB |",
                "|---:|---:|---:|---|---:|---:|---:|---:|---:|"]  # fmt: skip
        for size in sizes:
            s = data["seed"][size]
            how = f"reused (seeded {s['today']})" if s["reused"] else f"now ({s['today']})"
            secs = s.get("seconds", {})
            out.append(
                f"| {size:,} | {s['open']:,} | {s['events']:,} | {how} | "
                f"{fmt(secs.get('copy'))} | {fmt(secs.get('indexes'))} | "
                f"{fmt(secs.get('vacuum_analyze'))} | {s['table_mb']['cases_case']:,} | "
                f"{s['table_mb']['cases_caseevent']:,} |"
            )
        out.append("")

    if "form" in data:
        f = data["form"]
        out += [
            "## Public form under load",
            "",
            f"gunicorn, {f['workers']} sync workers, production settings; wrk {f['threads']} "
            f"threads, {f['connections']} connections, {f['duration']} per run, all on this "
            "machine. Floor: a bare `HttpResponse` view (`/bench/bare/`) behind the same "
            "middleware and settings, sent the same requests.",
            "",
            "| request | form req/s | form p50 ms | form p99 ms | bare req/s | bare p50 ms "
            "| bare p99 ms | form / bare | target |",
            "|---|---:|---:|---:|---:|---:|---:|---:|:-:|",
        ]
        for method in ("GET", "POST"):
            form, bare, ratio = f[f"{method} form"], f[f"{method} bare"], f[f"{method} ratio"]
            passed = f["pass"] if method == "POST" else None
            out.append(
                f"| {method} | {fmt(form['rps'])} | {fmt(form.get('p50_ms'))} | "
                f"{fmt(form.get('p99_ms'))} | {fmt(bare['rps'])} | {fmt(bare.get('p50_ms'))} | "
                f"{fmt(bare.get('p99_ms'))} | {ratio:.1%} | "
                f"{'≥ 40% ' + mark(passed) if method == 'POST' else '–'} |"
            )
        write = f["POST write"]
        out += [
            "",
            f"Context: the bare view plus one committed INSERT (`/bench/write/`, the cheapest "
            f"POST that stores anything) serves {fmt(write['rps'])} req/s (p99 "
            f"{fmt(write.get('p99_ms'))} ms); the form's POST is "
            f"{f['POST ratio to one write']:.1%} of that.",
        ]
        errors = sum(f[k]["non_2xx_3xx"] + f[k]["socket_errors"] for k in f if " " in k and
                     isinstance(f[k], dict))  # fmt: skip
        out += [
            "",
            f"Every answered form POST stored a request: {f['POST form']['cases_created']:,} "
            f"cases for {f['POST form']['requests']:,} requests; non-2xx/3xx answers and "
            f"socket errors over all runs: {errors}.",
            "",
        ]
        checks.append((TARGETS["form"], f["pass"], f"{f['POST ratio']:.1%}"))

    if "pages" in data:
        by_size = data["pages"]
        largest = max(sizes)
        out += [
            "## Officers' pages",
            "",
            "In-process through the whole stack (middleware, session with a verified second "
            "factor or an API token, view, template or JSON), warm, median of "
            f"{data['runs']} requests. SQL floor: the statements one request ran, run again "
            "through the cursor (rows fetched). Ratio: server time / SQL floor. The target "
            "applies at 1,000,000 cases (exports excluded).",
            "",
        ]
        titles = {
            "admin": "Admin case list (`bench_admin_list.py`)",
            "api": "API case list (`bench_api_list.py`)",
            "dashboard": "Dashboard and register (`bench_dashboard.py`)",
        }
        for suite, title in titles.items():
            if suite not in by_size[largest]:
                continue
            out += [f"### {title}", "", *pages_table(suite, by_size, sizes), ""]
            if largest >= 1_000_000:
                pages = [p for p in by_size[largest][suite]["pages"] if p["target"]]
                failed = [p["label"] for p in pages if not p["pass"]]
                checks.append(
                    (
                        f"{TARGETS['pages']}: {suite}",
                        not failed,
                        "all pass" if not failed else "missed: " + "; ".join(failed),
                    )
                )

    if "sweep" in data:
        s = data["sweep"]
        out += [
            "## Reminder sweep",
            "",
            "`notifications.sweep` planning (reminder windows and digests) and enqueueing "
            "to Redis, from an empty outbox, median of the runs. Floor: the window queries' "
            "own execution time in PostgreSQL (EXPLAIN ANALYZE).",
            "",
            "| open cases | cases due | e-mails | sweep ms | planning ms | enqueueing ms "
            "| queries | window SQL ms | nothing new ms |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in s["runs"]:
            out.append(
                f"| {r['open_cases']:,} | {r['cases_due']:,} | {r['emails_planned']:,} | "
                f"{fmt(r['sweep_ms_median'])} | {fmt(r['plan_ms_median'])} | "
                f"{fmt(r['enqueue_ms_median'])} | {r['queries']} | "
                f"{fmt(sum(r['window_queries_ms'].values()), 2)} | {fmt(r['steady_sweep_ms'])} |"
            )
        out += [
            "",
            f"400,000 / 200,000 open: {s['growth']:.2f}× the time (target ≤ 1.20×); "
            f"slowest median {fmt(s['slowest_ms'])} ms (target < 1,000 ms).",
            "",
        ]
        checks.append((TARGETS["sweep_time"], s["slowest_ms"] < 1000, f"{s['slowest_ms']} ms"))
        checks.append((TARGETS["sweep_flat"], s["growth"] <= 1.2, f"{s['growth']:.2f}×"))

    if "letters" in data:
        L = data["letters"]
        out += [
            "## Letters",
            "",
            f"{L['letter']} letter rendered to PDF/A in a warm process, {L['runs']} renders "
            "interleaved with the floors. Floor: a minimal one-page WeasyPrint document with "
            "the same fonts, fetcher and options; for context, the letter's own text as plain "
            "paragraphs.",
            "",
            "| | median ms | p95 ms | letter / this | CPU median ms |",
            "|---|---:|---:|---:|---:|",
            f"| letter | {fmt(L['median_ms'])} | {fmt(L['p95_ms'])} | – | "
            f"{fmt(L['cpu_median_ms']['letter'])} |",
            f"| floor: minimal page | {fmt(L['floor_median_ms'])} | {fmt(L['floor_p95_ms'])} | "
            f"{L['ratio_to_minimal_page']}× | {fmt(L['cpu_median_ms']['floor'])} |",
            f"| same text, plain | {fmt(L['same_text_median_ms'])} | "
            f"{fmt(L['same_text_p95_ms'])} | {L['ratio_to_same_text']}× | "
            f"{fmt(L['cpu_median_ms']['same'])} |",
            "",
            f"Memory (VmRSS) over {L['memory_renders']:,} more renders: {L['rss_before_mb']} → "
            f"{L['rss_after_mb']} MB ({L['rss_growth_mb']:+} MB).",
            "",
        ]
        checks.append(
            (TARGETS["letter"], L["ratio_to_minimal_page"] <= 1.5, f"{L['ratio_to_minimal_page']}×")
        )
        checks.append((TARGETS["memory"], L["rss_growth_mb"] < 20, f"{L['rss_growth_mb']} MB"))

    if "downloads" in data:
        D = data["downloads"]
        out += [
            "## Downloads",
            "",
            f"A {D['mb']} MB private file, median of {D['runs']} downloads of each, interleaved "
            "(bench/bench_downloads.py). Floor: a plain FileResponse over the same file "
            "unencrypted.",
            "",
            "| | MB/s | / floor | Python allocations, peak |",
            "|---|---:|---:|---:|",
            f"| plain FileResponse (floor) | {D['plain_mb_s']} | – | "
            f"{D['traced_peak_mb']['plain']} MB |",
            f"| encrypted, decrypted as it streams | {D['encrypted_mb_s']} | "
            f"{D['ratio_to_floor']}× | {D['traced_peak_mb']['encrypted']} MB |",
            "",
            f"Memory (VmRSS): {D['rss_before_mb']} MB before, peak {D['rss_peak_mb']} MB "
            f"({D['rss_growth_mb']:+} MB). Encrypting on write: {D['encrypt_write_mb_s']} MB/s.",
            "",
        ]
        checks.append((TARGETS["download"], D["rss_growth_mb"] <= 20, f"{D['rss_growth_mb']} MB"))

    if checks:
        out += ["## Targets (2 cores)", "", "| target | measured | |", "|---|---|:-:|"]
        out += [f"| {name} | {value} | {mark(ok)} |" for name, ok, value in checks]
        out.append("")

    explains = []
    for size in sizes[-1:]:
        for suite, result in data.get("pages", {}).get(size, {}).items():
            for page in result["pages"]:
                if page.get("explain"):
                    explains += [
                        f"### {suite}: {page['label']} ({size:,} cases)",
                        "",
                        f"Slowest statement, {page['slowest_query_ms']} ms:",
                        "",
                        "```sql",
                        page["slowest_query"][:3000],
                        "```",
                        "",
                        "```",
                        page["explain"],
                        "```",
                        "",
                    ]
    if explains:
        out += ["## Plans of the pages that missed the target", "", *explains]

    out += ["## Steps", "", "| step | s | load at start |", "|---|---:|---:|"]
    out += [f"| {s['step']} | {s['seconds']} | {s['load']} |" for s in data["steps"]]
    return "\n".join(out) + "\n"


# --- Main -------------------------------------------------------------------------------------

STEPS = ("pages", "sweep", "form", "letters", "downloads")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="100000,1000000", help="case counts, comma-separated (100000,1000000)"
    )
    parser.add_argument("--reseed", action="store_true", help="seed even if already seeded")
    parser.add_argument("--runs", type=int, default=10, help="requests per page (10)")
    parser.add_argument("--only", default=",".join(STEPS), help=f"steps: {','.join(STEPS)}")
    parser.add_argument("--form-duration", default="15s", help="wrk duration per run (15s)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (3)")
    parser.add_argument("--letter-runs", type=int, default=200)
    parser.add_argument("--memory-renders", type=int, default=1000)
    parser.add_argument("--sweep-runs", type=int, default=9)
    args = parser.parse_args()
    sizes = sorted(int(s.replace("_", "")) for s in args.sizes.split(","))
    steps = [s for s in args.only.split(",") if s]
    if unknown := set(steps) - set(STEPS):
        fail(f"unknown steps {sorted(unknown)}; choose from {', '.join(STEPS)}")

    started = datetime.datetime.now()
    stamp = started.strftime("%Y%m%d-%H%M%S")
    base_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    redis_url = os.environ.get("REDIS_URL", DEFAULT_REDIS_URL)
    services = check_services(base_url, redis_url)
    raw = RESULTS / stamp
    raw.mkdir(parents=True, exist_ok=True)
    data: dict = {
        "started": started.strftime("%Y-%m-%d %H:%M"),
        "command": "make bench"
        + (f' BENCH_ARGS="{" ".join(sys.argv[1:])}"' if sys.argv[1:] else ""),  # fmt: skip
        "machine": machine(services),
        "load_start": loadavg(),
        "sizes": sizes,
        "runs": args.runs,
    }
    var_dir = ROOT / "var" / "bench"
    var_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(64),
        "DSAR_FILE_KEYS": os.environ.get("DSAR_FILE_KEYS")
        or base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "SECURE_SSL_REDIRECT": "False",
        "BENCH_ALLOWED_HOSTS": "testserver",
        "REDIS_URL": redis_url,
        "DSAR_VAR_DIR": str(var_dir),
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("CELERY_BROKER_URL", None)
    runner = Runner(env, raw / "output.log")
    if static_outdated(var_dir / "static" / "staticfiles.json"):
        runner.run("collectstatic", [PY, "manage.py", "collectstatic", "--noinput", "-v0"])

    if "pages" in steps:
        data["seed"], data["pages"] = {}, {}
        for size in sizes:
            url = database_url(base_url, size_label(size))
            ensure_database(url)
            db = {"DATABASE_URL": url}
            seed_json = raw / f"seed_{size}.json"
            seed_args = [PY, "bench/seed.py", "--cases", str(size), "--json", str(seed_json)]
            runner.run(
                f"seed {size:,} cases", seed_args + (["--reseed"] if args.reseed else []), env=db
            )
            data["seed"][size] = json.loads(seed_json.read_text())
            data["pages"][size] = {}
            for suite in ("admin", "api", "dashboard"):
                out = raw / f"pages_{suite}_{size}.json"
                runner.run(
                    f"{suite} pages, {size:,} cases",
                    [PY, "bench/pages.py", "--suite", suite, "--runs", str(args.runs),
                     "--json", str(out)],
                    env=db,
                )  # fmt: skip
                data["pages"][size][suite] = json.loads(out.read_text())

    if "sweep" in steps:
        url = database_url(base_url, "sweep")
        ensure_database(url)
        runs = []
        for open_cases in (200_000, 400_000):
            runner.run(
                f"reminder sweep, {open_cases:,} open",
                [PY, "bench/bench_reminder_sweep.py", "--open", str(open_cases), "--due", "2000",
                 "--runs", str(args.sweep_runs)],
                env={"DATABASE_URL": url},
            )  # fmt: skip
            result = json.loads((RESULTS / f"reminder_sweep_{open_cases}.json").read_text())
            (raw / f"reminder_sweep_{open_cases}.json").write_text(json.dumps(result, indent=2))
            runs.append(result)
        data["sweep"] = {
            "runs": runs,
            "growth": round(runs[1]["sweep_ms_median"] / runs[0]["sweep_ms_median"], 3),
            "slowest_ms": max(r["sweep_ms_median"] for r in runs),
        }

    if "form" in steps:
        url = database_url(base_url, "form")
        ensure_database(url)
        db = {"DATABASE_URL": url}
        runner.run("migrate the form's database", [PY, "manage.py", "migrate", "-v0"], env=db)
        out = raw / "form.json"
        runner.run(
            "public form under wrk",
            [PY, "bench/form_load.py", "--duration", args.form_duration, "--workers",
             str(args.workers), "--json", str(out)],
            env=db,
        )  # fmt: skip
        data["form"] = json.loads(out.read_text())

    if "letters" in steps:
        # Exit code 1 means "a target missed", which the report shows; only worse is an error.
        code = runner.run(
            "letters",
            [PY, "bench/bench_letters.py", "--runs", str(args.letter_runs), "--memory-renders",
             str(args.memory_renders)],
            check=False,
        )  # fmt: skip
        if code not in (0, 1):
            fail(f"bench/bench_letters.py failed with exit code {code}")
        data["letters"] = json.loads((RESULTS / "letters.json").read_text())

    if "downloads" in steps:
        # Exit code 1 means "memory grew more than the target", which the report shows.
        code = runner.run("downloads", [PY, "bench/bench_downloads.py"], check=False)
        if code not in (0, 1):
            fail(f"bench/bench_downloads.py failed with exit code {code}")
        data["downloads"] = json.loads((RESULTS / "downloads.json").read_text())

    data["load_end"] = loadavg()
    data["seconds"] = (datetime.datetime.now() - started).total_seconds()
    data["steps"] = runner.steps
    (raw / "data.json").write_text(json.dumps(data, indent=2, default=str) + "\n")
    report = build_report(data)
    path = RESULTS / f"{stamp}.md"
    path.write_text(report)
    print("\n" + report)
    print(f"Report: {path.relative_to(ROOT)}; raw figures and output: {raw.relative_to(ROOT)}/")


if __name__ == "__main__":
    main()
