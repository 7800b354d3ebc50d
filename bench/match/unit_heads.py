#!/usr/bin/env python3
"""Whether the head of a unit of a field is matched alike whatever the unit: the titles
« {head} {unit} {field} » for the heads, the units of vocabulary `[[unit]]` that the
Responsable d’entité heads (not the domain, sector and group, headed by others) and the IT
fields below, matched by a binary (`metiers match --format jsonl`). Prints, per field and
head word (« Chef », « Responsable »), the first occupations of its titles; then how many
titles are not matched as the most frequent answer of their field and head word, and how
many are sure.

    python3 bench/match/unit_heads.py BINARY
"""
import collections
import json
import subprocess
import sys
import tempfile

HEADS = ["Chef du", "Chef de la", "Responsable du", "Responsable de la"]
UNITS = {
    "service": "m", "bureau": "m", "pôle": "m", "département": "m",
    "cellule": "f", "section": "f", "division": "f", "unité": "f", "équipe": "f",
}
FIELDS = [
    "réseaux", "études", "exploitation", "production", "sécurité des systèmes d'information",
    "infrastructures", "applications", "développement", "support", "systèmes d'information",
    "informatique", "télécommunications", "données",
]


def titles():
    out = []
    for field in FIELDS:
        for unit, gender in UNITS.items():
            for head in HEADS:
                if (gender == "m") != head.endswith("du"):
                    continue
                key = (field, head.split()[0])
                if unit[0] in "aeéiouh" and head.endswith("de la"):
                    out.append((key, f"{head[:-5]}de l'{unit} {field}"))
                else:
                    out.append((key, f"{head} {unit} {field}"))
    return out


def main():
    if len(sys.argv) != 2:
        sys.exit("usage : python3 bench/match/unit_heads.py BINAIRE (par exemple target/release/metiers)")
    binary = sys.argv[1]
    cases = titles()
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("\n".join(t for _, t in cases) + "\n")
    out = subprocess.run(
        [binary, "match", "--input", f.name, "--format", "jsonl", "--top", "1"],
        capture_output=True, text=True, check=True,
    ).stdout.splitlines()
    by_field = collections.defaultdict(list)
    for (field, _), line in zip(cases, out):
        r = json.loads(line)
        first = r["matches"][0]["id"] if r["matches"] else "NONE"
        by_field[field].append((first, r["confident"]))
    odd = sure = 0
    for key, answers in by_field.items():
        counts = collections.Counter(a for a, _ in answers)
        odd += len(answers) - counts.most_common(1)[0][1]
        sure += sum(1 for _, c in answers if c)
        print(f"{key[1]} … {key[0]} : " + ", ".join(f"{a} ×{n}" for a, n in counts.most_common()))
    print(
        f"{len(cases)} intitulés ; {odd} hors de la réponse la plus fréquente de leur domaine "
        f"et de leur mot de tête ; {sure} sûrs"
    )


if __name__ == "__main__":
    main()
