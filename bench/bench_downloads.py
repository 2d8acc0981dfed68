"""Throughput and memory of a download of a large private file through the encrypted path.

Writes a file of random bytes (default 100 MB) once in plain text and once encrypted at rest
(cases/filecrypt.py, the way an upload is stored), then downloads each several times,
interleaved so that a busy machine slows both alike:

- the floor: a plain ``FileResponse`` over the unencrypted file (``open(path, "rb")``);
- encrypted: ``cases.uploads.file_response``, the officers' and the status page's download,
  which decrypts chunk by chunk as the response is read.

Each download is consumed as a WSGI server consumes it (iterating the response), and hashed,
to check that the decrypted bytes are the file. Reports MB/s (median), the ratio to the
floor, the largest growth of the process's resident memory (VmRSS) over its size before the
downloads, and the peak of Python allocations during one download (tracemalloc, its own run).
Needs no database.

    .venv/bin/python bench/bench_downloads.py                # 100 MB, 5 downloads of each
    .venv/bin/python bench/bench_downloads.py --mb 20 --runs 3

Targets (issue 15): memory growth <= 20 MB; throughput reported against the floor. Not part of
the test suite. Results also go to bench/results/downloads.json (git-ignored).
"""

import argparse
import hashlib
import json
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dsar.settings.local")
os.environ.setdefault("DJANGO_DEBUG", "false")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.http import FileResponse  # noqa: E402

from cases import filecrypt, uploads  # noqa: E402
from cases.models import SubjectFile  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
BLOCK = 1024 * 1024


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def consume(response) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    for piece in response.streaming_content:
        digest.update(piece)
        size += len(piece)
    response.close()
    return size, digest.hexdigest()


def plain_response(path: Path):
    return FileResponse(open(path, "rb"), as_attachment=True, filename="export.zip")  # noqa: SIM115


def encrypted_response(storage_path: str):
    row = SubjectFile(
        storage_path=storage_path, original_name="export.pdf", content_type="application/pdf"
    )
    return uploads.file_response(row)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=100, help="file size in MB (100)")
    parser.add_argument("--runs", type=int, default=5, help="downloads of each (5)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-downloads-") as folder:
        settings.PRIVATE_FILES_ROOT = Path(folder) / "private"
        plain = Path(folder) / "plain.bin"
        expected = hashlib.sha256()
        with open(plain, "wb") as out:
            for _ in range(args.mb):
                block = os.urandom(BLOCK)
                expected.update(block)
                out.write(block)
        expected_hex = expected.hexdigest()
        storage_path = "subject-uploads/1/bench.pdf"

        def chunks():
            with open(plain, "rb") as source:
                while piece := source.read(filecrypt.CHUNK):
                    yield piece

        started = time.perf_counter()
        written = filecrypt.write(settings.PRIVATE_FILES_ROOT / storage_path, chunks())
        write_seconds = time.perf_counter() - started
        assert written.sha256 == expected_hex

        rss_before = rss_mb()
        rss_peak = rss_before
        timings = {"plain": [], "encrypted": []}
        for _ in range(args.runs):
            for kind in ("plain", "encrypted"):
                response = (
                    plain_response(plain) if kind == "plain" else encrypted_response(storage_path)
                )
                started = time.perf_counter()
                size, digest = consume(response)
                timings[kind].append(time.perf_counter() - started)
                assert size == args.mb * BLOCK and digest == expected_hex, kind
                rss_peak = max(rss_peak, rss_mb())
        rss_after = rss_mb()

        traced = {}
        for kind in ("plain", "encrypted"):
            tracemalloc.start()
            consume(plain_response(plain) if kind == "plain" else encrypted_response(storage_path))
            traced[kind] = tracemalloc.get_traced_memory()[1] / (1024 * 1024)
            tracemalloc.stop()

    mbps = {kind: args.mb / statistics.median(values) for kind, values in timings.items()}
    result = {
        "mb": args.mb,
        "runs": args.runs,
        "plain_mb_s": round(mbps["plain"], 1),
        "encrypted_mb_s": round(mbps["encrypted"], 1),
        "ratio_to_floor": round(mbps["encrypted"] / mbps["plain"], 2),
        "encrypt_write_mb_s": round(args.mb / write_seconds, 1),
        "rss_before_mb": round(rss_before, 1),
        "rss_peak_mb": round(rss_peak, 1),
        "rss_after_mb": round(rss_after, 1),
        "rss_growth_mb": round(rss_peak - rss_before, 1),
        "traced_peak_mb": {kind: round(value, 2) for kind, value in traced.items()},
        "cpus": os.cpu_count(),
        "load": [round(x, 2) for x in os.getloadavg()],
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "downloads.json").write_text(json.dumps(result, indent=2) + "\n")
    print(
        f"{args.mb} MB, median of {args.runs} downloads each:\n"
        f"  plain FileResponse (floor): {result['plain_mb_s']} MB/s\n"
        f"  encrypted (uploads.file_response): {result['encrypted_mb_s']} MB/s "
        f"({result['ratio_to_floor']}x the floor)\n"
        f"  encrypting on write: {result['encrypt_write_mb_s']} MB/s\n"
        f"  VmRSS {result['rss_before_mb']} MB before, peak {result['rss_peak_mb']} MB: "
        f"growth {result['rss_growth_mb']} MB (target <= 20 MB)\n"
        f"  Python allocations, peak during one download: plain "
        f"{result['traced_peak_mb']['plain']} MB, encrypted "
        f"{result['traced_peak_mb']['encrypted']} MB\n"
        f"  load average {result['load']} on {result['cpus']} CPUs"
    )
    return 0 if result["rss_growth_mb"] <= 20 else 1


if __name__ == "__main__":
    sys.exit(main())
