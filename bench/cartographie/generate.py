#!/usr/bin/env python3
"""Generates real-shaped files of positions for the cartographie benchmark (issue 5).

Usage (from the repository root, after `cargo build --release -p metiers`):
    python3 bench/cartographie/generate.py --count 100000 --out /tmp/bench-carto

Writes, in --out:
  - titres-100000.csv   identifier, position title, service, FTE (titles only)
  - missions-100000.csv the same positions with a missions paragraph

Vocabulary comes from real sources, not random letters: the titles and alternative titles of
the embedded référentiel (`metiers export --format json`), the job titles of the shared
evaluation set (`data/eval/dev.jsonl`), and the fiches' activities for the
missions; titles are varied as HR files write them (gender forms, seniority, scope, case,
"(H/F)", abbreviations). CSV as French Excel writes it: `;`, UTF-8 with BOM, CRLF.
Deterministic (--seed).
"""
import argparse
import json
import os
import random
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

SERVICES = [
    "Bureau des applications", "Bureau de la production", "Pôle assistance", "Mission transformation numérique",
    "Bureau des réseaux et télécoms", "Cellule sécurité des SI", "Bureau des études", "Département données",
    "Service des infrastructures", "Direction de projet SIRH", "Bureau du poste de travail", "Centre de services",
    "Sous-direction des systèmes d'information", "Bureau de l'architecture", "Pôle web et communication",
]
PREFIXES = ["", "", "", "", "Adjoint au ", "Chef de pôle ", "Référent ", "Responsable adjoint "]
SUFFIXES = [
    "", "", "", "", " (H/F)", " confirmé", " senior", " junior", " de proximité", " - SIRH", " - applications métier",
    " niveau 2", " N3", " pôle Paris", " en administration centrale", " (contractuel)",
]
FEMININE = [
    ("Développeur", "Développeuse"), ("Administrateur", "Administratrice"), ("Concepteur", "Conceptrice"),
    ("Intégrateur", "Intégratrice"), ("Directeur", "Directrice"), ("Auditeur", "Auditrice"),
    ("Superviseur", "Superviseuse"), ("Chargé", "Chargée"), ("Testeur", "Testeuse"),
]


def referentiel(metiers):
    out = subprocess.run([metiers, "export", "--format", "json"], capture_output=True, text=True, check=True).stdout
    return json.loads(out)["occupations"]


def eval_titles():
    path = os.path.join(ROOT, "data", "eval", "dev.jsonl")
    titles = []
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                item = json.loads(line)
                if item.get("kind") == "title":
                    titles.append((item["text"], item.get("label")))
    return titles


def vary(rng, title):
    if rng.random() < 0.3:
        for m, f in FEMININE:
            if title.startswith(m):
                title = f + title[len(m):]
                break
    prefix = rng.choice(PREFIXES)
    if prefix and title[:1].isupper():
        title = title[0].lower() + title[1:]
    title = prefix + title + rng.choice(SUFFIXES)
    r = rng.random()
    if r < 0.05:
        title = title.upper()
    elif r < 0.10:
        title = title.lower()
    return title


def missions(rng, occ):
    acts = [a["text"] for g in occ.get("activity_groups", []) for a in g.get("activities", [])]
    if not acts:
        return ""
    picked = rng.sample(acts, min(len(acts), rng.randint(3, 5)))
    return " ".join(a.rstrip(" .;") + "." for a in picked)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=100_000)
    ap.add_argument("--out", default="/tmp/bench-carto")
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--metiers", default=os.path.join(ROOT, "target", "release", "metiers"))
    args = ap.parse_args()
    rng = random.Random(args.seed)
    occs = referentiel(args.metiers)
    by_title = {o["title"]: o for o in occs}
    vocab = []
    for o in occs:
        vocab.append((o["title"], o))
        vocab.extend((t, o) for t in o.get("alt_titles", []))
    for text, label in eval_titles():
        vocab.append((text, by_title.get(label) or rng.choice(occs)))
    os.makedirs(args.out, exist_ok=True)
    titles_path = os.path.join(args.out, f"titres-{args.count}.csv")
    missions_path = os.path.join(args.out, f"missions-{args.count}.csv")
    with open(titles_path, "w", encoding="utf-8-sig", newline="") as ft, \
            open(missions_path, "w", encoding="utf-8-sig", newline="") as fm:
        ft.write("Code poste;Intitulé du poste;Service;ETP\r\n")
        fm.write("Code poste;Intitulé du poste;Service;ETP;Missions principales\r\n")
        for i in range(args.count):
            base, occ = rng.choice(vocab)
            title = vary(rng, base).replace(";", ",").replace('"', "'")
            service = rng.choice(SERVICES)
            fte = rng.choice(["1", "1", "1", "0,5", "0,8", "2", "3"])
            ident = f"P{i + 1:06d}"
            ft.write(f"{ident};{title};{service};{fte}\r\n")
            text = missions(rng, occ).replace('"', "'")
            fm.write(f'{ident};{title};{service};{fte};"{text}"\r\n')
    print(titles_path)
    print(missions_path)


if __name__ == "__main__":
    main()
