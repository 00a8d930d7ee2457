#!/usr/bin/env python3
"""Watch-mode latency, sustained throughput and memory.

1. Latency: a watcher runs on an empty folder with `--out FILE`; 1,000 small JSON-lines files are
   dropped one at a time (written under a temporary name, then renamed into place, as a scraper
   should), and the time from each rename to its record being in the output file is measured.
   Prints the median and the 99th percentile, with the settle time used.
2. Throughput: 100,000 small files are laid in a folder and `lede watch --once` processes them;
   prints files per second and the peak RSS of the process.

    cargo build --release && python3 benches/watch.py [--files 1000] [--bulk 100000] [--settle-ms 50]

Standard library only.
"""

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, "target", "release", "lede")


WORDS = ("council harbour minister election police river market school storm hospital bridge museum "
         "court union farmers prices energy railway festival report budget airport village strike "
         "vote plan water forest rescue museum league coach season players trial judge").split()


def story(i):
    """A short article of its own: distinct texts, as a real inbox has (copies of one text would
    measure the near-duplicate index's worst case instead)."""
    rng = random.Random(i)
    sentences = [" ".join(rng.choice(WORDS) for _ in range(8)).capitalize() + "." for _ in range(3)]
    return f"Story number {i}. " + " ".join(sentences)


def line_count(path):
    try:
        with open(path, "rb") as f:
            return f.read().count(b"\n")
    except FileNotFoundError:
        return 0


def latency(files, settle_ms):
    work = tempfile.mkdtemp()
    inbox, out = os.path.join(work, "inbox"), os.path.join(work, "out.jsonl")
    os.mkdir(inbox)
    proc = subprocess.Popen([BINARY, "watch", inbox, "--out", out, "--settle-ms", str(settle_ms), "-q"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(1.0)
        samples = []
        for i in range(files):
            body = json.dumps({"id": f"lat{i}", "text": story(i)}) + "\n"
            tmp = os.path.join(inbox, f"f{i:05}.jsonl.tmp")
            with open(tmp, "w") as f:
                f.write(body)
            start = time.perf_counter()
            os.rename(tmp, os.path.join(inbox, f"f{i:05}.jsonl"))
            while line_count(out) < i + 1:
                time.sleep(0.0005)
            samples.append(time.perf_counter() - start)
        samples.sort()
        p99 = samples[min(len(samples) - 1, int(0.99 * len(samples)))]
        print(f"latency over {files} files (settle {settle_ms} ms): median {statistics.median(samples) * 1000:.0f} ms, "
              f"p99 {p99 * 1000:.0f} ms")
    finally:
        proc.terminate()
        proc.wait()
        shutil.rmtree(work)


def throughput(bulk, settle_ms):
    work = tempfile.mkdtemp()
    inbox, out = os.path.join(work, "inbox"), os.path.join(work, "out.jsonl")
    os.mkdir(inbox)
    for i in range(bulk):
        with open(os.path.join(inbox, f"b{i:06}.jsonl"), "w") as f:
            f.write(json.dumps({"id": f"b{i}", "text": story(i)}) + "\n")
    old = time.time() - 10
    for name in os.listdir(inbox):
        os.utime(os.path.join(inbox, name), (old, old))
    try:
        start = time.perf_counter()
        proc = subprocess.Popen([BINARY, "watch", inbox, "--out", out, "--once", "--settle-ms", str(settle_ms), "-q"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        records = line_count(out)
        print(f"throughput: {bulk} files in {seconds:.1f} s = {bulk / seconds:.0f} files/s; "
              f"{records} records; peak RSS {usage.ru_maxrss / 1024:.1f} MiB; exit {os.waitstatus_to_exitcode(status)}")
    finally:
        shutil.rmtree(work)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--bulk", type=int, default=100_000)
    parser.add_argument("--settle-ms", type=int, default=50)
    args = parser.parse_args()
    if args.files:
        latency(args.files, args.settle_ms)
    if args.bulk:
        throughput(args.bulk, args.settle_ms)


if __name__ == "__main__":
    main()
