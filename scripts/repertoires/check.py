#!/usr/bin/env python3
"""Check data/correspondances.toml against the vendored ROME and ESCO slices.

    python3 scripts/repertoires/check.py [--no-ranks] [SRC]

Asserts the rules of the crosswalk (the Rust `metiers check` does the same for the product;
this script is the curation aid):
- 44/44 occupations, ids and order of data/identifiants.toml, each with >= 1 ROME and >= 1 ESCO
  correspondence;
- codes, URIs and labels exist exactly in data/rome/fiches.csv and data/esco/occupations.csv;
- relations in the SKOS set, notes present (one French sentence), no duplicate per occupation;
- every ROME fiche of the M18 family is named by an occupation or listed in
  [[rome_without_occupation]] (and not both);
- every named ROME fiche has its competences vendored, every named ESCO occupation its
  description and its skills;
- the sha256 of each vendored file is the one written in its folder's README.md;
- unless --no-ranks: each `rank` is the candidate's rank in the proposals of propose.py
  (computed from SRC, default /work/shared/data), and absent when it is not in the top 10.
Exit status 1 and a list of problems when a rule fails. Standard library only.
"""

import csv
import hashlib
import os
import re
import sys
import tomllib
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
DATA = os.path.join(REPO, "data")
RELATIONS = {"exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch"}
ROME_KEYS = {"code", "label", "relation", "note"}
ESCO_KEYS = {"uri", "label", "relation", "note"}

problems = []


def fail(msg):
    problems.append(msg)


def read_csv(*parts):
    with open(os.path.join(DATA, *parts), encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def check_note(where, note):
    if not isinstance(note, str) or len(note.strip()) < 30:
        fail(f"{where}: note missing or too short")
        return
    if not note.endswith("."):
        fail(f"{where}: note does not end with a full stop")
    # one sentence: no full stop followed by a capital inside the note
    if re.search(r"[.!?]\s+[A-ZÀÂÉÈÊÎÔÛÇ]", note[:-1]):
        fail(f"{where}: note looks like more than one sentence")


def main(argv):
    ranks_wanted = "--no-ranks" not in argv
    args = [a for a in argv[1:] if not a.startswith("--")]
    src = args[0] if args else "/work/shared/data"

    with open(os.path.join(DATA, "correspondances.toml"), "rb") as f:
        doc = tomllib.load(f)
    with open(os.path.join(DATA, "identifiants.toml"), "rb") as f:
        ids = [o["id"] for o in tomllib.load(f)["occupation"]]

    fiches = {r["code_rome"]: r for r in read_csv("rome", "fiches.csv")}
    comp_codes = {r["code_rome"] for r in read_csv("rome", "competences.csv")}
    occs = {r["uri"]: r for r in read_csv("esco", "occupations.csv")}
    skills = {r["uri"] for r in read_csv("esco", "skills.csv")}
    occ_skills = Counter()
    for r in read_csv("esco", "occupation_skills.csv"):
        occ_skills[r["occupation_uri"]] += 1
        if r["skill_uri"] not in skills:
            fail(f"occupation_skills.csv: skill {r['skill_uri']} not in skills.csv")

    method = doc.get("method", {})
    for k in ("proposal", "review"):
        if not isinstance(method.get(k), str) or not method[k].strip():
            fail(f"[method] {k} missing")
    if set(doc) - {"method", "occupation", "rome_without_occupation"}:
        fail(f"unknown top-level keys: {sorted(set(doc) - {'method', 'occupation', 'rome_without_occupation'})}")

    got = [o.get("id") for o in doc.get("occupation", [])]
    if got != ids:
        fail(f"occupation ids differ from identifiants.toml (order included): "
             f"missing {sorted(set(ids) - set(got))}, unknown {sorted(set(got) - set(ids))}, "
             f"{len(got)} listed")

    named_rome, named_esco = set(), set()
    relations = Counter()
    for o in doc.get("occupation", []):
        oid = o.get("id")
        if set(o) - {"id", "rome", "esco"}:
            fail(f"{oid}: unknown keys {sorted(set(o) - {'id', 'rome', 'esco'})}")
        rome, esco = o.get("rome", []), o.get("esco", [])
        if not rome:
            fail(f"{oid}: no ROME correspondence")
        if not esco:
            fail(f"{oid}: no ESCO correspondence")
        seen = set()
        for e in rome:
            where = f"{oid} ROME {e.get('code')}"
            keys = set(e)
            if not ROME_KEYS <= keys or keys - ROME_KEYS - {"rank"}:
                fail(f"{where}: keys {sorted(keys)}")
            code = e.get("code")
            if code in seen:
                fail(f"{where}: duplicate")
            seen.add(code)
            if code not in fiches:
                fail(f"{where}: unknown ROME code")
            elif e.get("label") != fiches[code]["libelle_rome"]:
                fail(f"{where}: label {e.get('label')!r} is not {fiches[code]['libelle_rome']!r}")
            if code not in comp_codes:
                fail(f"{where}: no competences vendored (rerun vendor.py)")
            if e.get("relation") not in RELATIONS:
                fail(f"{where}: relation {e.get('relation')!r}")
            relations["rome " + str(e.get("relation"))] += 1
            check_note(where, e.get("note"))
            named_rome.add(code)
        for e in esco:
            where = f"{oid} ESCO {e.get('uri')}"
            keys = set(e)
            if not ESCO_KEYS <= keys or keys - ESCO_KEYS - {"rank"}:
                fail(f"{where}: keys {sorted(keys)}")
            uri = e.get("uri")
            if uri in seen:
                fail(f"{where}: duplicate")
            seen.add(uri)
            if uri not in occs:
                fail(f"{where}: unknown ESCO URI")
            else:
                if e.get("label") != occs[uri]["preferred_label"]:
                    fail(f"{where}: label {e.get('label')!r} is not {occs[uri]['preferred_label']!r}")
                if not occs[uri]["description"]:
                    fail(f"{where}: description not vendored (rerun vendor.py)")
                if not occ_skills[uri]:
                    fail(f"{where}: no skills vendored (outside the ICT slice, or rerun vendor.py)")
            if e.get("relation") not in RELATIONS:
                fail(f"{where}: relation {e.get('relation')!r}")
            relations["esco " + str(e.get("relation"))] += 1
            check_note(where, e.get("note"))
            named_esco.add(uri)

    without = set()
    for w in doc.get("rome_without_occupation", []):
        code = w.get("code")
        where = f"rome_without_occupation {code}"
        if set(w) != {"code", "label", "note"}:
            fail(f"{where}: keys {sorted(w)}")
        if code in without:
            fail(f"{where}: duplicate")
        without.add(code)
        if code not in fiches:
            fail(f"{where}: unknown ROME code")
        elif w.get("label") != fiches[code]["libelle_rome"]:
            fail(f"{where}: label {w.get('label')!r} is not {fiches[code]['libelle_rome']!r}")
        if code in named_rome:
            fail(f"{where}: also named as a correspondence")
        check_note(where, w.get("note"))

    m18 = {c for c in fiches if c.startswith("M18")}
    if len(m18) != 94:
        fail(f"{len(m18)} M18 fiches, 94 expected")
    for c in sorted(m18 - named_rome - without):
        fail(f"M18 fiche {c} {fiches[c]['libelle_rome']!r}: neither named nor in rome_without_occupation")
    for c in sorted(m18 - comp_codes):
        fail(f"M18 fiche {c}: no competences vendored")

    # The READMEs carry the sha256 of each vendored file.
    for sub in ("rome", "esco"):
        with open(os.path.join(DATA, sub, "README.md"), encoding="utf-8") as f:
            readme = f.read()
        for name in sorted(os.listdir(os.path.join(DATA, sub))):
            if name.endswith(".csv"):
                with open(os.path.join(DATA, sub, name), "rb") as f:
                    digest = hashlib.sha256(f.read()).hexdigest()
                if f"| `{name}` |" not in readme or f"`{digest}`" not in readme:
                    fail(f"data/{sub}/{name}: sha256 {digest} not in data/{sub}/README.md (rerun vendor.py)")

    if ranks_wanted:
        if not os.path.isdir(src):
            fail(f"{src}: not found, cannot check ranks (use --no-ranks)")
        else:
            sys.path.insert(0, HERE)
            import propose
            po = propose.occupations(REPO)
            rr = propose.rank(po, propose.rome_docs(src))
            er = propose.rank(po, propose.esco_docs(src))
            table = {}
            for p, r, e in zip(po, rr, er):
                table[p["id"]] = {**{d["key"]: i for i, (d, _) in enumerate(r, 1)},
                                  **{d["key"]: i for i, (d, _) in enumerate(e, 1)}}
            for o in doc.get("occupation", []):
                for e in o.get("rome", []) + o.get("esco", []):
                    key = e.get("code") or e.get("uri")
                    want = table.get(o.get("id"), {}).get(key)
                    if e.get("rank") != want:
                        fail(f"{o.get('id')} {key}: rank {e.get('rank')} but the proposals give "
                             f"{want if want else 'none (not in the top 10)'}")

    n_occ = len(doc.get("occupation", []))
    print(f"{n_occ} occupations, {len(named_rome)} ROME fiches and {len(named_esco)} ESCO "
          f"occupations named, {len(without)} ROME fiches without occupation, "
          f"{len(m18)} M18 fiches ({len(m18 & named_rome)} named)")
    for k in sorted(relations):
        print(f"  {k}: {relations[k]}")
    if problems:
        print(f"{len(problems)} problem(s):")
        for p in problems:
            print("  - " + p)
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
