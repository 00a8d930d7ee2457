#!/usr/bin/env python3
"""Whole-program throughput and peak memory of lede on a real corpus.

Runs the release binary over the BBC feed (2,225 articles) and over the same feed repeated to at
least 100,000 documents, with 1 and 2 workers, writing records to /dev/null. Prints documents per
second, MB per second (input bytes) of wall-clock time and of CPU time (user + system, all
threads: the honest per-core figure), and peak RSS, the median of --runs runs for each case.

    cargo build --release && python3 benches/throughput.py [--runs 3] [--feed PATH]

Standard library only. The corpus is read from ../shared/data/bbc/bbc.jsonl by default.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def measure(binary, feed, workers, extra):
    """One run: (wall seconds, CPU seconds, peak RSS in KiB, exit code)."""
    with open(os.devnull, "wb") as out, open(os.devnull, "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen([binary, "--progress", "never", "--workers", str(workers), *extra, feed],
                                stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
    cpu = usage.ru_utime + usage.ru_stime
    return seconds, cpu, usage.ru_maxrss, os.waitstatus_to_exitcode(status)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "lede"))
    parser.add_argument("--feed", default=os.path.join(ROOT, "..", "shared", "data", "bbc", "bbc.jsonl"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--min-docs", type=int, default=100_000)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("extra", nargs="*", help="extra flags for lede")
    args = parser.parse_args()

    with open(args.feed, "rb") as f:
        data = f.read()
    docs = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    repeats = -(-args.min_docs // docs)
    with tempfile.NamedTemporaryFile(suffix=".jsonl", delete=False) as big:
        for _ in range(repeats):
            big.write(data if data.endswith(b"\n") else data + b"\n")
        big_path = big.name
    try:
        cases = [("bbc x1", args.feed, docs, len(data)), (f"bbc x{repeats}", big_path, docs * repeats, len(data) * repeats)]
        print(f"{'feed':<10} {'workers':>7} {'docs':>8} {'MB':>7} {'seconds':>8} {'docs/s':>9} {'MB/s':>7} {'CPU s':>7} {'MB/CPU-s':>8} {'peak RSS MiB':>12}")
        for name, path, n_docs, n_bytes in cases:
            for workers in [int(w) for w in args.workers.split(",")]:
                runs = [measure(args.binary, path, workers, args.extra) for _ in range(args.runs)]
                if any(code not in (0, 2) for *_, code in runs):
                    sys.exit(f"lede failed on {name}: exit codes {[r[-1] for r in runs]}")
                seconds = statistics.median(r[0] for r in runs)
                cpu = statistics.median(r[1] for r in runs)
                rss = max(r[2] for r in runs) / 1024
                print(f"{name:<10} {workers:>7} {n_docs:>8} {n_bytes / 1e6:>7.1f} {seconds:>8.2f} "
                      f"{n_docs / seconds:>9.0f} {n_bytes / 1e6 / seconds:>7.1f} {cpu:>7.2f} {n_bytes / 1e6 / cpu:>8.1f} "
                      f"{rss:>12.1f}")
    finally:
        os.unlink(big_path)


if __name__ == "__main__":
    main()
