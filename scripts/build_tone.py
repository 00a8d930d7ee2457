#!/usr/bin/env python3
"""Build data/tone.tsv from the VADER sentiment lexicon (vader_lexicon.txt,
MIT licence, C.J. Hutto) shipped in the PyPI package vaderSentiment.

Usage:
    pip download --no-deps vaderSentiment==3.3.2 -d wheels
    python3 scripts/build_tone.py wheels/vaderSentiment-3.3.2-py2.py3-none-any.whl

Keeps each entry's token and mean valence (-4..4). Drops entries that are
stopwords in data/stopwords_en.txt ("like", "no", ...): in news text they are
function words, and negators are handled by the tone module itself. The MIT
notice of the lexicon is kept at the head of the output.
"""

import os
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.path.join(ROOT, "data", "tone.tsv")
STOPWORDS = os.path.join(ROOT, "data", "stopwords_en.txt")


def member(zf, suffix):
    for name in zf.namelist():
        if name.endswith(suffix):
            return zf.read(name).decode("utf-8")
    sys.exit(f"{suffix} not found in the wheel")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    with zipfile.ZipFile(sys.argv[1]) as zf:
        lexicon = member(zf, "vaderSentiment/vader_lexicon.txt")
        licence = member(zf, "LICENSE.txt")
    with open(STOPWORDS, encoding="utf-8") as f:
        stop = {l.strip() for l in f if l.strip() and not l.startswith("#")}

    entries = {}
    for line in lexicon.splitlines():
        cols = line.split("\t")
        if len(cols) < 2:
            continue
        token = cols[0].strip()
        try:
            valence = float(cols[1])
        except ValueError:
            continue
        if not token or " " in token or token.lower() in stop:
            continue
        entries[token] = valence

    with open(OUT, "w", encoding="utf-8") as out:
        out.write("# Valence lexicon for lede's tone module: token <TAB> mean valence (-4..4).\n")
        out.write("# Built by scripts/build_tone.py from vader_lexicon.txt of the vaderSentiment\n")
        out.write("# package (VADER, Hutto and Gilbert 2014), distributed under this licence:\n#\n")
        for l in licence.strip().splitlines():
            out.write(("# " + l).rstrip() + "\n")
        for token in sorted(entries):
            out.write(f"{token}\t{entries[token]:g}\n")
    print(f"wrote {OUT}: {len(entries)} entries")


if __name__ == "__main__":
    main()
