#!/usr/bin/env python3
"""How often a post of another trade is matched « sûr » to an IT occupation: the ROME 4.0
appellations (data/rome/appellations.csv, long labels) of the fiches that no correspondence
of data/correspondances.toml relates to the référentiel and that are outside the IT family
(code not M18…) — the selection the engine itself reads (`repertories::other_trades`, for the
rule `Engine::of_another_trade`, which also looks each title up among them), so this bench is
in-sample for that rule — matched as titles by a binary (`metiers match --format jsonl
--top 1`).
These posts fit no occupation of the référentiel: every « sûr » among them is a confident
wrong answer that a cartographie of a whole ministry would meet. Prints the count, then the
most frequent (occupation, evidence) pairs of the sure answers with two examples each.

    python3 bench/match/outside_appellations.py BINARY [N]

N: how many pairs to list (default 20). Measured against, never tuned to: a rule made for one
appellation is no better than one made for one evaluation item.
"""
import collections
import csv
import json
import os
import subprocess
import sys
import tempfile
import tomllib

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def appellations():
    with open(os.path.join(REPO, "data", "correspondances.toml"), "rb") as f:
        crosswalk = tomllib.load(f)
    related = {r["code"] for o in crosswalk["occupation"] for r in o.get("rome", [])}
    with open(os.path.join(REPO, "data", "rome", "appellations.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            code = row["code_rome"]
            if code in related or code.startswith("M18"):
                continue
            yield code, " ".join(row["libelle_appellation_long"].split())


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    binary, top = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 20
    items = list(appellations())
    with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8", delete=False) as f:
        f.write("\n".join(label for _, label in items) + "\n")
        path = f.name
    try:
        out = subprocess.run(
            [binary, "match", "--input", path, "--format", "jsonl", "--top", "1"],
            capture_output=True, text=True, check=True,
        ).stdout.splitlines()
    finally:
        os.unlink(path)
    if len(out) != len(items):
        sys.exit(f"{len(items)} appellations, {len(out)} réponses")
    kinds = collections.Counter()
    examples = collections.defaultdict(list)
    sure = 0
    for (code, label), line in zip(items, out):
        answer = json.loads(line)
        if not answer["confident"]:
            continue
        sure += 1
        first = answer["matches"][0]
        evidence = first["evidence"][0]["text"] if first["evidence"] else ""
        key = (first["id"], evidence)
        kinds[key] += 1
        examples[key].append(f"{code} {label}")
    print(f"{len(items)} appellations d’autres métiers ; {sure} « sûres » à un métier du référentiel "
          f"({100 * sure / len(items):.1f} %)")
    for (occupation, evidence), n in kinds.most_common(top):
        shown = " ; ".join(examples[(occupation, evidence)][:2])
        print(f"{n:5}  {occupation} « {evidence} » : {shown}")


if __name__ == "__main__":
    main()
