#!/usr/bin/env python3
"""Benchmark of `metiers match --input` against the FTS5 baseline, in one run, on the same inputs.

Usage (from the repository root):
    cargo build --release -p metiers && cargo build --release -p metiers-search --example latency
    python3 bench/match/run.py [--eval data/eval/dev.jsonl] [--repeat 20]
    python3 bench/match/run.py --eval data/eval/pep-dev.jsonl   # employer-labelled offers

For titles and for ads: texts per second of each tool (every text of the file repeated
--repeat times, one process per tool and kind, start-up included), top-1 and top-3 accuracy
on the labelled items (for employer-labelled offers: agreement with `accept`); the texts are
sent one per line (an ad's line breaks become spaces, for both tools); then the latency of one match in process (median, p99) from the
`latency` example. Prints a Markdown table.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def accuracy(items, results, id_of):
    top1 = top3 = n = 0
    for item, res in zip(items, results):
        if item.get("accept"):
            ok = set(item["accept"])
        elif item["label"] == "NONE":
            continue
        else:
            ok = {id_of.get(t) for t in [item["label"], *item.get("also", [])]}
        n += 1
        ids = [m["id"] for m in res["matches"]]
        top1 += bool(ids) and ids[0] in ok
        top3 += any(i in ok for i in ids[:3])
    return top1 / max(n, 1), top3 / max(n, 1)


def timed(cmd, stdin_path):
    with open(stdin_path, encoding="utf-8") as f:
        start = time.perf_counter()
        out = subprocess.run(cmd, stdin=f, capture_output=True, text=True, check=True).stdout
        return time.perf_counter() - start, out.splitlines()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--eval", default=os.path.join(ROOT, "data", "eval", "dev.jsonl"))
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--metiers", default=os.path.join(ROOT, "target", "release", "metiers"))
    ap.add_argument("--latency", default=os.path.join(ROOT, "target", "release", "examples", "latency"))
    args = ap.parse_args()

    with open(args.eval, encoding="utf-8") as f:
        items = [json.loads(l) for l in f if l.strip()]
    tmp = tempfile.mkdtemp(prefix="bench-match-")
    ref = os.path.join(tmp, "referentiel.json")
    with open(ref, "w", encoding="utf-8") as f:
        subprocess.run([args.metiers, "export", "--format", "json"], stdout=f, check=True)
    with open(ref, encoding="utf-8") as f:
        id_of = {" ".join(o["title"].split()): o["id"] for o in json.load(f)["occupations"]}
    id_of = {**id_of, **{k: v for k, v in id_of.items()}}
    norm = lambda t: " ".join(t.split())
    for it in items:
        it["label"] = norm(it.get("label", ""))
        it["also"] = [norm(a) for a in it.get("also", [])]

    rows = []
    for kind in ["title", "ad"]:
        subset = [it for it in items if it["kind"] == kind]
        path = os.path.join(tmp, f"{kind}.txt")
        with open(path, "w", encoding="utf-8") as f:
            for _ in range(args.repeat):
                for it in subset:
                    f.write(it["text"].replace("\n", " ") + "\n")
        n = len(subset) * args.repeat
        tools = {
            "metiers match": [args.metiers, "match", "--input", "-", "--format", "jsonl", "--top", "3"],
            "FTS5 baseline": [sys.executable, os.path.join(HERE, "baseline_fts5.py"), ref],
        }
        for name, cmd in tools.items():
            secs, lines = timed(cmd, path)
            results = [json.loads(l) for l in lines[: len(subset)]]
            t1, t3 = accuracy(subset, results, id_of)
            rows.append((kind, name, n, secs, n / secs, t1, t3))

    lat = json.loads(subprocess.run([args.latency, args.eval, "20"], capture_output=True, text=True, check=True).stdout)

    print(f"| kind | tool | texts | seconds | texts/s | top-1 | top-3 |")
    print(f"|---|---|---:|---:|---:|---:|---:|")
    for kind, name, n, secs, tps, t1, t3 in rows:
        print(f"| {kind} | {name} | {n} | {secs:.2f} | {tps:.0f} | {100*t1:.1f} % | {100*t3:.1f} % |")
    print()
    print(f"Engine build (index + vocabulary): {lat['build_ms']:.1f} ms")
    for kind in ["title", "ad"]:
        l = lat[kind]
        print(f"Latency of one {kind} ({l['calls']} calls): median {l['median_us']:.0f} µs, p99 {l['p99_us']:.0f} µs, max {l['max_us']:.0f} µs")


if __name__ == "__main__":
    main()
