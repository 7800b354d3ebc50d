#!/usr/bin/env python3
"""« Mon profil » on real job texts: each labelled ad of data/eval/dev.jsonl and each missions
text of data/eval/pep-dev.jsonl is given as what a person does (`metiers gaps --practice`),
and the occupation its labellers (or its employer, `accept`) chose is looked for in the ranking
of occupations by coverage. Prints, per set, how often it ranks first, in the first 3 and in
the first 5, and how many skills were found per text. Measured, never tuned on: the figures
go to docs/PERFORMANCE.md (« Mon profil »).

    cargo build --release -p metiers && python3 bench/profile/measure.py [--metiers BIN]
"""
import argparse
import json
import os
import subprocess

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--metiers", default=os.path.join(ROOT, "target", "release", "metiers"))
    args = ap.parse_args()
    listed = subprocess.run(
        [args.metiers, "list", "--format", "json"], capture_output=True, text=True, check=True
    )
    # The labels are the published titles (dev.jsonl) or ids (pep-dev.jsonl `accept`).
    ids = {}
    for o in json.loads(listed.stdout):
        ids[o["title"]] = o["id"]
        ids[o["id"]] = o["id"]
    items = []
    with open(os.path.join(ROOT, "data", "eval", "dev.jsonl"), encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            if d["kind"] == "ad" and d["label"] != "NONE":
                items.append(("dev.jsonl (annonces)", d["text"], {ids.get(d["label"])}))
    with open(os.path.join(ROOT, "data", "eval", "pep-dev.jsonl"), encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            if d["kind"] == "ad":
                gold = {ids.get(a, a) for a in d["accept"]}
                items.append(("pep-dev.jsonl (missions)", d["text"], gold))
    stats = {}
    for source, text, gold in items:
        run = subprocess.run(
            [args.metiers, "gaps", "--practice", text, "--format", "json", "--top", "44"],
            capture_output=True,
            text=True,
        )
        ranking = (
            [o["id"] for o in json.loads(run.stdout)["occupations"]] if run.stdout.strip() else []
        )
        rank = min([ranking.index(g) + 1 for g in gold if g in ranking] or [99])
        s = stats.setdefault(source, {"n": 0, "1": 0, "3": 0, "5": 0, "skills": 0})
        s["n"] += 1
        s["1"] += rank <= 1
        s["3"] += rank <= 3
        s["5"] += rank <= 5
        s["skills"] += run.stderr.count("compétence reconnue")
    for source, s in stats.items():
        n = s["n"]
        print(
            f"{source} : {n} textes ; métier attendu premier {s['1'] / n:.1%}, "
            f"dans les 3 premiers {s['3'] / n:.1%}, dans les 5 premiers {s['5'] / n:.1%} ; "
            f"{s['skills'] / n:.1f} compétences reconnues par texte"
        )


if __name__ == "__main__":
    main()
