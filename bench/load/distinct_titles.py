#!/usr/bin/env python3
"""Writes N distinct job titles, one per line, as HR files write them (issue 4's load bench).

Usage: python3 bench/load/distinct_titles.py --count 5000 --out target/bench-load/titres.txt
       [--metiers target/release/metiers] [--seed 7]

The titles come from the same real sources and variations as the cartographie benchmark
(bench/cartographie/generate.py): titles and alternative titles of the référentiel, the job
titles of data/eval/dev.jsonl, varied by gender form, seniority, scope, case and "(H/F)".
Only distinct titles are kept, so that a result cache cannot answer most of the load.

With --posts FILE (data/eval/public-it-posts.jsonl), the titles are instead those of real
State job posts, each once.
"""
import json
import argparse
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "cartographie"))
import generate  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=5000)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--metiers", default=os.path.join(generate.ROOT, "target", "release", "metiers"))
    ap.add_argument("--posts", help="JSONL of job posts: their distinct titles instead")
    args = ap.parse_args()
    if args.posts:
        seen = {}
        with open(args.posts, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    t = " ".join(json.loads(line)["title"].split()).replace("\\", " ").replace('"', "'")
                    seen.setdefault(t, None)
        with open(args.out, "w", encoding="utf-8") as f:
            f.write("\n".join(seen) + "\n")
        return
    rng = random.Random(args.seed)
    occs = generate.referentiel(args.metiers)
    bases = [o["title"] for o in occs] + [t for o in occs for t in o.get("alt_titles", [])]
    bases += [text for text, _ in generate.eval_titles()]
    seen = set()
    tries = 0
    while len(seen) < args.count and tries < args.count * 50:
        tries += 1
        title = generate.vary(rng, rng.choice(bases)).replace("\\", " ").replace('"', "'")
        seen.add(" ".join(title.split()))
    if len(seen) < args.count:
        sys.exit(f"seulement {len(seen)} intitulés distincts sur {args.count} demandés")
    with open(args.out, "w", encoding="utf-8") as f:
        for t in sorted(seen, key=lambda _: rng.random()):
            f.write(t + "\n")
    print(f"{len(seen)} intitulés distincts dans {args.out}")


if __name__ == "__main__":
    main()
