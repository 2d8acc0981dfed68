"""Render time and memory of a one-page reply letter in a warm process.

Renders the letter the app renders (template, fonts, strict fetcher, tagged PDF/A-3a with
PDF/UA-1) N times and reports the median and p95. Two floors, rendered with the same fonts,
fetcher and options, interleaved with the letter so that a busy machine slows all three alike:

- the minimal page: four short paragraphs (what WeasyPrint costs for any page at all);
- the same text: the letter's own words as plain paragraphs, without letterhead, address
  window, running header and footer or page numbers (what setting this much text costs):
  the ratio to it is the price of the letter's design and of our pipeline.

Then it renders 1,000 more letters and reports how much the process's resident memory
(VmRSS) grew. Needs no database: the case and the organisation profile are built in memory.

    .venv/bin/python bench/bench_letters.py               # 200 timed renders, 1,000 for memory
    .venv/bin/python bench/bench_letters.py --runs 500 --memory-renders 2000

Targets (docs/letters.md): median <= 250 ms, <= 1.5x the floor (the minimal page, as the
issue defines it), RSS growth < 20 MB. The same-text ratio is printed for context.
Not part of the test suite. Results also go to bench/results/letters.json (git-ignored).
"""

import argparse
import datetime
import gc
import json
import os
import statistics
import sys
import tempfile
import time
import zoneinfo
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dsar.settings.local")
os.environ.setdefault("DJANGO_DEBUG", "false")  # cached template loader, as in production
os.environ.setdefault("DSAR_VAR_DIR", tempfile.mkdtemp(prefix="dsar-bench-"))

import django  # noqa: E402

django.setup()

from django.utils.html import escape, strip_tags  # noqa: E402

from cases import deadlines  # noqa: E402
from cases.models import Case  # noqa: E402
from letters import catalogue, checks, rendering  # noqa: E402
from letters.models import OrganisationProfile  # noqa: E402

AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")

FLOOR_HTML = f"""<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>Floor</title>
<style>
@font-face {{ font-family: "DSAR Letter"; src: url("{rendering.STATIC_BASE}letters/fonts/DejaVuSans.ttf"); }}
@font-face {{ font-family: "DSAR Letter"; font-weight: bold;
             src: url("{rendering.STATIC_BASE}letters/fonts/DejaVuSans-Bold.ttf"); }}
@page {{ size: A4; margin: 24mm 22mm; }}
html {{ font-family: "DSAR Letter"; font-size: 9.5pt; line-height: 1.45; }}
</style></head><body>
<p><strong>Voorbeeld B.V.</strong></p>
<p>Geachte Zoë de Vries,</p>
<p>Op 5 maart 2026 hebben wij uw verzoek om inzage in uw persoonsgegevens ontvangen.</p>
<p>Met vriendelijke groet,</p>
</body></html>"""  # noqa: E501


def same_text_html(letter_html: str) -> str:
    """The letter's words as plain paragraphs of 30 words, in the floor's minimal document;
    the first one bold, so that both fonts are embedded, as in the letter."""
    body = letter_html[letter_html.index("<body") :]
    words = strip_tags(body).split()
    paragraphs = [escape(" ".join(words[i : i + 30])) for i in range(0, len(words), 30)]
    paragraphs[0] = f"<strong>{paragraphs[0]}</strong>"
    head = FLOOR_HTML.split("<body>")[0]
    return head + "<body>" + "".join(f"<p>{p}</p>" for p in paragraphs) + "</body></html>"


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def demo_case() -> Case:
    received_at = datetime.datetime(2026, 3, 5, 10, tzinfo=AMS)
    received_on = received_at.date()
    due = deadlines.due_date(received_on, deadlines.FOUR_WEEKS)
    return Case(
        reference="DSAR-2026-00042",
        reference_year=2026,
        reference_number=42,
        request_type="access",
        channel="post",
        subject_name="Zoë de Vries",
        subject_email="zoe@example.org",
        subject_address="Kerkstraat 12\n3511 AB Utrecht",
        subject_language="nl",
        received_at=received_at,
        received_on=received_on,
        deadline_rule=deadlines.FOUR_WEEKS,
        due_date=due,
        effective_due_date=due,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="Timed renders (default 200).")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--memory-renders", type=int, default=1000)
    parser.add_argument("--letter", default="acknowledgement", choices=sorted(catalogue.LETTERS))
    parser.add_argument("--lang", default="nl", choices=catalogue.LANGUAGES)
    args = parser.parse_args()

    case = demo_case()
    profile = OrganisationProfile(**OrganisationProfile.initial_values())
    spec = catalogue.get(args.letter)
    fields, errors = catalogue.clean_fields(spec, case, profile, args.lang, {})
    if errors:
        sys.exit(f"{args.letter} needs parts filled in: {sorted(errors)}; pick another letter.")
    letter_date = datetime.date(2026, 3, 20)

    def render_letter() -> bytes:
        return rendering.render_letter(
            spec, case=case, profile=profile, language=args.lang, fields=fields,
            letter_date=letter_date,
        ).pdf  # fmt: skip

    def render_floor() -> bytes:
        return rendering.html_to_pdf(FLOOR_HTML, accessible=True)

    same_text = same_text_html(
        rendering.render_html(
            spec, case=case, profile=profile, language=args.lang, fields=fields,
            letter_date=letter_date,
        )
    )  # fmt: skip

    def render_same_text() -> bytes:
        return rendering.html_to_pdf(same_text, accessible=True)

    cpu: dict[str, list[float]] = {"letter": [], "floor": [], "same": []}

    def timed(fn, name) -> list[float]:
        """Wall-clock ms of one call; its CPU time goes to ``cpu`` (steadier on a busy
        machine, where other processes take turns on the cores)."""
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        cpu[name].append((time.process_time() - start_cpu) * 1000)
        return [(time.perf_counter() - start) * 1000]

    pdf = render_letter()
    for _ in range(args.warmup):
        render_letter()
        render_floor()
        render_same_text()

    # Interleaved, so that a busy machine slows all three alike.
    letter_ms, floor_ms, same_ms = [], [], []
    for _ in range(args.runs):
        letter_ms += timed(render_letter, "letter")
        floor_ms += timed(render_floor, "floor")
        same_ms += timed(render_same_text, "same")

    gc.collect()
    rss_before = rss_mb()
    for _ in range(args.memory_renders):
        render_letter()
    gc.collect()
    rss_after = rss_mb()

    median, p95 = statistics.median(letter_ms), percentile(letter_ms, 0.95)
    floor_median = statistics.median(floor_ms)
    same_median = statistics.median(same_ms)
    same_ratio = median / same_median
    ratio = median / floor_median
    cpu_median = {name: statistics.median(values) for name, values in cpu.items()}
    cpu_ratio = cpu_median["letter"] / cpu_median["floor"]
    cpu_same_ratio = cpu_median["letter"] / cpu_median["same"]
    growth = rss_after - rss_before
    results = {
        "letter": f"{args.letter} ({args.lang})",
        "pdf_bytes": len(pdf),
        "runs": args.runs,
        "median_ms": round(median, 1),
        "p95_ms": round(p95, 1),
        "floor_median_ms": round(floor_median, 1),
        "floor_p95_ms": round(percentile(floor_ms, 0.95), 1),
        "ratio_to_minimal_page": round(ratio, 2),
        "same_text_median_ms": round(same_median, 1),
        "same_text_p95_ms": round(percentile(same_ms, 0.95), 1),
        "ratio_to_same_text": round(same_ratio, 2),
        "cpu_median_ms": {name: round(value, 1) for name, value in cpu_median.items()},
        "cpu_ratio_to_minimal_page": round(cpu_ratio, 2),
        "cpu_ratio_to_same_text": round(cpu_same_ratio, 2),
        "memory_renders": args.memory_renders,
        "rss_before_mb": round(rss_before, 1),
        "rss_after_mb": round(rss_after, 1),
        "rss_growth_mb": round(growth, 1),
        "harfbuzz_subset": checks.harfbuzz_subset_available(),
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }

    ok = {
        "median <= 250 ms": median <= 250,
        "<= 1.5x the floor (minimal page)": ratio <= 1.5,
        "RSS growth < 20 MB": growth < 20,
    }
    print(f"Letter: {results['letter']}, {len(pdf)} bytes, {len(same_text.split())} words")
    print(f"HarfBuzz subsetting: {'yes' if results['harfbuzz_subset'] else 'NO (slow path)'}")
    print(f"Render ({args.runs} runs): median {median:.1f} ms, p95 {p95:.1f} ms")
    print(
        f"Floor, minimal page (same fonts): median {floor_median:.1f} ms, "
        f"p95 {results['floor_p95_ms']} ms; letter / floor = {ratio:.2f}"
    )
    print(
        f"Floor, same text as plain paragraphs (same fonts): median {same_median:.1f} ms, "
        f"p95 {results['same_text_p95_ms']} ms; letter / same text = {same_ratio:.2f}"
    )
    print(
        f"CPU time medians: letter {cpu_median['letter']:.1f} ms, minimal page "
        f"{cpu_median['floor']:.1f} ms, same text {cpu_median['same']:.1f} ms; "
        f"letter / floor = {cpu_ratio:.2f}, letter / same text = {cpu_same_ratio:.2f}"
    )
    print(
        f"RSS over {args.memory_renders} renders: {rss_before:.1f} MB -> {rss_after:.1f} MB "
        f"({growth:+.1f} MB)"
    )
    print(f"Load average: {results['load_average']} on {results['cpus']} CPUs")
    for target, passed in ok.items():
        print(f"  {'PASS' if passed else 'FAIL'}  {target}")

    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "letters.json").write_text(json.dumps({**results, "targets": ok}, indent=2) + "\n")
    return 0 if all(ok.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
