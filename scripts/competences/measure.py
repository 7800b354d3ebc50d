#!/usr/bin/env python3
"""Measure data/competences.toml against outside judgements (issue 12), without using them.

    python3 scripts/competences/measure.py [--eval PATH] [--referentiel PATH] [--details]

The outside judgements: in data/eval/dev.jsonl (a copy of the shared set, see its README), each item labelled with an occupation
(`label`) may name other acceptable occupations (`also`); each (label, also) pair is a pair of
occupations that the people who labelled real job texts saw as overlapping. P is the set of
these unordered pairs (titles resolved to ids by the référentiel's titles; NONE skipped).
These pairs are only measured against: nothing in data/competences.toml is decided from them.

Weights: an occupation holds a skill with weight 1.0 if core, 0.5 if secondary; a skill's
rarity is idf(s) = ln(44 / number of occupations holding it) (0 for a skill every occupation
holds). v_A[s] = weight_A(s) × idf(s).

- Similarity of two occupations = cosine(v_A, v_B): the weighted shared skills, normalised by
  the size of each profile. For each occupation, its 5 closest; the measure is the share of P
  pairs (A, B) where B is in A's top 5 or A in B's (target ≥ 85 %).
- Gap coverage A → B = Σ_{s ∈ A ∩ B} v_B[s] / Σ_{s ∈ B} v_B[s]: the weighted share of B's
  skills that A already has. AUC of coverage separating P pairs from all other unordered pairs
  of the 44 occupations (Mann-Whitney, ties counted half), with one score per unordered pair,
  max(A → B, B → A) (the headline figure, target ≥ 0.85); the AUC with both directions as
  separate samples is printed beside it.
`--details` prints each occupation's 5 closest and the P pairs not found, for reading.
"""

import argparse
import json
import math
import os
import sys
import tomllib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import referentiel  # noqa: E402
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
DEFAULT_EVAL = os.path.join(REPO, "data", "eval", "dev.jsonl")
W_CORE, W_SECONDARY = 1.0, 0.5
TOP = 5


def norm_title(t):
    return " ".join(t.replace("’", "'").split()).lower()


def load_pairs(path, title_to_id):
    pairs, unknown = set(), set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            item = json.loads(line)
            label = item.get("label")
            if not label or label == "NONE":
                continue
            a = title_to_id.get(norm_title(label))
            for other in item.get("also") or []:
                if other == "NONE":
                    continue
                b = title_to_id.get(norm_title(other))
                if a is None or b is None:
                    unknown.add(label if a is None else other)
                    continue
                if a != b:
                    pairs.add(tuple(sorted((a, b))))
    return pairs, unknown


def profiles(data):
    weights = defaultdict(dict)
    for a in data["assignment"]:
        for s in a.get("core", []):
            weights[a["occupation"]][s] = W_CORE
        for s in a.get("secondary", []):
            weights[a["occupation"]].setdefault(s, W_SECONDARY)
    df = defaultdict(int)
    for w in weights.values():
        for s in w:
            df[s] += 1
    n = len(weights)
    idf = {s: math.log(n / k) for s, k in df.items()}
    vec = {o: {s: x * idf[s] for s, x in w.items()} for o, w in weights.items()}
    return vec


def cosine(a, b):
    num = sum(x * b.get(s, 0.0) for s, x in a.items())
    na = math.sqrt(sum(x * x for x in a.values()))
    nb = math.sqrt(sum(x * x for x in b.values()))
    return num / (na * nb) if na and nb else 0.0


def coverage(a, b):
    """Weighted share of b's skills that a has."""
    total = sum(b.values())
    return sum(x for s, x in b.items() if s in a) / total if total else 0.0


def auc(pos, neg):
    """Mann-Whitney AUC, ties counted half."""
    if not pos or not neg:
        return float("nan")
    scores = sorted([(x, 1) for x in pos] + [(x, 0) for x in neg])
    # ranks with ties averaged
    ranks, i = {}, 0
    rank_sum_pos = 0.0
    while i < len(scores):
        j = i
        while j < len(scores) and scores[j][0] == scores[i][0]:
            j += 1
        r = (i + 1 + j) / 2.0
        rank_sum_pos += r * sum(1 for k in range(i, j) if scores[k][1] == 1)
        i = j
    npos, nneg = len(pos), len(neg)
    return (rank_sum_pos - npos * (npos + 1) / 2.0) / (npos * nneg)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--eval", default=DEFAULT_EVAL)
    ap.add_argument("--referentiel", help="fichier JSON canonique du référentiel (par défaut : l’édition intégrée, exportée par cargo run -- export --format json)")
    ap.add_argument("--file", default=os.path.join(REPO, "data", "competences.toml"))
    ap.add_argument("--details", action="store_true")
    args = ap.parse_args()

    occupations = referentiel.load(args.referentiel)["occupations"]
    title_to_id = {norm_title(o["title"]): o["id"] for o in occupations}
    title = {o["id"]: o["title"] for o in occupations}
    with open(args.file, "rb") as f:
        data = tomllib.load(f)
    vec = profiles(data)
    ids = [o["id"] for o in occupations]
    pairs, unknown = load_pairs(args.eval, title_to_id)
    if unknown:
        print("titres inconnus (ignorés) :", ", ".join(sorted(unknown)))

    # similarity and top 5
    sim = {(a, b): cosine(vec[a], vec[b]) for a in ids for b in ids if a != b}
    top = {a: sorted((b for b in ids if b != a), key=lambda b: (-sim[(a, b)], b))[:TOP] for a in ids}
    found = {p for p in pairs if p[1] in top[p[0]] or p[0] in top[p[1]]}

    # coverage and AUC
    cov = {(a, b): coverage(vec[a], vec[b]) for a in ids for b in ids if a != b}
    all_pairs = [(a, b) for i, a in enumerate(ids) for b in ids[i + 1:]]
    keyed = {tuple(sorted(p)): p for p in all_pairs}
    pos_max = [max(cov[(a, b)], cov[(b, a)]) for a, b in all_pairs if tuple(sorted((a, b))) in pairs]
    neg_max = [max(cov[(a, b)], cov[(b, a)]) for a, b in all_pairs if tuple(sorted((a, b))) not in pairs]
    pos_dir = [cov[(a, b)] for a, b in all_pairs if tuple(sorted((a, b))) in pairs] + \
              [cov[(b, a)] for a, b in all_pairs if tuple(sorted((a, b))) in pairs]
    neg_dir = [cov[(a, b)] for a, b in all_pairs if tuple(sorted((a, b))) not in pairs] + \
              [cov[(b, a)] for a, b in all_pairs if tuple(sorted((a, b))) not in pairs]
    mean_pos = sum(pos_max) / len(pos_max) if pos_max else 0.0
    mean_neg = sum(neg_max) / len(neg_max) if neg_max else 0.0

    n_skills = len(data["skill"])
    print(f"graphe : {n_skills} compétences, {len(ids)} métiers ; paires jugées proches (dev.jsonl) : "
          f"{len(pairs)} sur {len(all_pairs)} paires de métiers")
    print(f"métiers proches : {len(found)}/{len(pairs)} paires trouvées dans les {TOP} plus proches de l’un "
          f"ou l’autre métier = {100 * len(found) / len(pairs):.1f} % (cible ≥ 85 %)")
    print(f"couverture des écarts : AUC {auc(pos_max, neg_max):.3f} (max des deux sens, une valeur par paire ; "
          f"cible ≥ 0.85) ; AUC {auc(pos_dir, neg_dir):.3f} (les deux sens comme échantillons séparés)")
    print(f"couverture moyenne (max des deux sens) : paires jugées proches {100 * mean_pos:.0f} %, "
          f"autres paires {100 * mean_neg:.0f} %")
    if args.details:
        print()
        for a in ids:
            print(f"{a}: " + ", ".join(f"{b} ({sim[(a, b)]:.2f})" for b in top[a]))
        print()
        print("paires jugées proches absentes des 5 plus proches :")
        for a, b in sorted(pairs - found):
            ra = sorted((x for x in ids if x != a), key=lambda x: (-sim[(a, x)], x)).index(b) + 1
            rb = sorted((x for x in ids if x != b), key=lambda x: (-sim[(b, x)], x)).index(a) + 1
            print(f"  {a} ↔ {b} : similarité {sim[(a, b)]:.2f}, rang {ra} / {rb}, "
                  f"couverture {cov[(a, b)]:.2f} → / ← {cov[(b, a)]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
