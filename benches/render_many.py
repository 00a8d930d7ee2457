"""Writes N records (default 10,000) on stdout for timing `lede render` on a large report: the
three records of tests/fixtures/render/records.jsonl repeated with unique ids, every second and
third of each triple a near duplicate of the first.

    python3 benches/render_many.py 10000 > many.jsonl
"""
import json
import pathlib
import sys

count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
fixture = pathlib.Path(__file__).parent.parent / "tests/fixtures/render/records.jsonl"
lines = fixture.read_text(encoding="utf-8").splitlines()
for i in range(count):
    r = json.loads(lines[i % len(lines)])
    r["id"] = f"{r['id']}-{i}"
    first = i - i % len(lines)
    r["near_duplicates"] = [{"id": f"a1-{first}", "similarity": 0.8}] if i % len(lines) else []
    sys.stdout.write(json.dumps(r, ensure_ascii=False) + "\n")
