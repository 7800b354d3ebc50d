#!/usr/bin/env python3
"""Prepares the request data of the soak (issue 7) from real-shaped sources, one item a line.

Usage: bench/soak/prepare.py --positions titres-N.csv --metiers BIN --out DIR

Writes, in --out (read by bench/soak/mix.lua):
  - match-titles.txt  JSON bodies of POST /api/v1/match, one per distinct position title of the
                      generated file (bench/cartographie/generate.py) and of the evaluation set
  - match-ads.txt     JSON bodies of POST /api/v1/match with the job ads of the evaluation set
                      (and bench/load/ads.lua's when the evaluation set is absent)
  - queries.txt       URL-encoded search queries (the same titles)
  - prefixes.txt      URL-encoded prefixes for GET /api/v1/suggest (3 to 8 characters)
  - fiches.txt        paths of the fiche pages (/metiers/ID), from `metiers list --json`
"""
import argparse
import csv
import json
import os
import re
import subprocess
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--positions", required=True)
    ap.add_argument("--metiers", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    titles = []
    with open(args.positions, encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f, delimiter=";"):
            titles.append(row["Intitulé du poste"])
    ads = []
    dev = os.path.join(ROOT, "..", "shared", "eval", "dev.jsonl")
    if os.path.exists(dev):
        with open(dev, encoding="utf-8") as f:
            for line in f:
                item = json.loads(line)
                if item.get("kind") == "title":
                    titles.append(item["text"])
                elif item.get("kind") == "ad":
                    ads.append(item["text"])
    if not ads:
        with open(os.path.join(ROOT, "bench", "load", "ads.lua"), encoding="utf-8") as f:
            ads = re.findall(r'^  "(.*)",$', f.read(), flags=re.M)
    titles = sorted(set(t.strip() for t in titles if t.strip()))

    out = subprocess.run([args.metiers, "export", "--format", "json"], capture_output=True, text=True, check=True).stdout
    ids = [o["id"] for o in json.loads(out)["occupations"]]

    os.makedirs(args.out, exist_ok=True)

    def write(name, lines):
        with open(os.path.join(args.out, name), "w", encoding="utf-8") as f:
            for line in lines:
                assert "\n" not in line
                f.write(line + "\n")

    write("match-titles.txt", (json.dumps({"text": t, "top": 3}, ensure_ascii=False) for t in titles))
    write("match-ads.txt", (json.dumps({"text": a, "top": 3}, ensure_ascii=False) for a in ads))
    write("queries.txt", (urllib.parse.quote(t) for t in titles))
    write("prefixes.txt", sorted({urllib.parse.quote(t[: 3 + i % 6]) for i, t in enumerate(titles)}))
    write("fiches.txt", (f"/metiers/{i}" for i in ids))
    write("occupations.txt", ids)
    print(f"{len(titles)} intitulés distincts, {len(ads)} annonces, {len(ids)} fiches")


if __name__ == "__main__":
    main()
