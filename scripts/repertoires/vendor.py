#!/usr/bin/env python3
"""Cut the slices of ROME 4.0 v460 and ESCO v1.1.1 that the product embeds.

    python3 scripts/repertoires/vendor.py /work/shared/data

reads SRC/rome-v460/ and SRC/esco-v1.1.1/ (the copies described by their README.md) and
data/correspondances.toml (which ROME fiches and ESCO occupations the crosswalk names, so their
skills are vendored too), and (re)writes, byte for byte the same on every run:

    data/rome/{fiches,appellations,competences,mobilites}.csv   data/rome/README.md
    data/esco/{occupations,skills,occupation_skills}.csv         data/esco/README.md

It prints, for every vendored file, its source files with their sha256, its row count and its
own sha256: the same table as in the READMEs, so they can be checked against a fresh run.

Python standard library only. Output: UTF-8, comma-separated, RFC 4180 quoting (only when
needed), "\\n" line ends, rows sorted by their code or URI.
"""

import csv
import hashlib
import io
import os
import sys
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))

ROME_DIR = "rome-v460"
ESCO_DIR = "esco-v1.1.1"

# Facts copied from the source READMEs (/work/shared/data/*/README.md) and ROME's version.txt.
ROME_RELEASE = "ROME 4.0 version 60 - 25M09 (« v460 »), published 2025-09-18, validated 2025-08-27 (`version.txt`)"
ROME_ORIGIN = ("the official open-data files `unix_<name>_v460_utf8.csv` of France Travail, copied "
               "from the public repository PSID-miage/guide-carriere, commit "
               "44601dc41ffe217ffb668e5bc552975b83ec722e, folder `data/` (renamed without prefix "
               "and suffix, otherwise unchanged)")
ROME_LICENCE = ("Licence Ouverte / Open Licence 2.0 (Etalab): reference data of the public data "
                "service, published by France Travail on the national open-data portal")
ROME_ATTRIBUTION = "France Travail – ROME 4.0 v460"

ESCO_RELEASE = "ESCO v1.1.1, French files"
ESCO_ORIGIN = ("the public repository tabiya-tech/tabiya-esco-datasets-and-tools, commit "
               "65177b591aa60257f81723490cfcd2e64656373f, "
               "`datasets/esco/v1.1.1/classification/fr/csv/`, and the language-independent "
               "relations of commit 1a8a32efb786c7f72052c893b144beb911fa7db1")
ESCO_LICENCE = ("published by the European Commission for reuse free of charge for any purpose, "
                "including linking with other taxonomies for mapping (Commission Decision "
                "2011/833/EU), provided its use is acknowledged")
ESCO_ATTRIBUTION = "ESCO – European Commission, v1.1.1"

KIND_BY_RUBRIC = {"1": "savoir-faire", "2": "savoir-etre", "3": "savoir"}
NATURE = {"Compétence": "competence", "Macro-compétence": "macro-competence"}


# ------------------------------------------------------------------------------------------ io

def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            h.update(block)
    return h.hexdigest()


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def csv_bytes(header, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(header)
    for r in rows:
        w.writerow(r)
    return buf.getvalue().encode("utf-8")


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    return hashlib.sha256(data).hexdigest()


def num(s):
    """Sort key for numeric codes kept as text."""
    return (len(s), s)


# --------------------------------------------------------------------------------- cleaning

def clean(s):
    """Leading/trailing whitespace removed; nothing else changed."""
    return s.strip()


def rome_text(s):
    """texte.csv doubles every apostrophe (« l''analyse », an SQL escaping left in the export):
    undouble it. No other file of the release does this."""
    return s.replace("''", "'").strip()


def split_labels(s, sep):
    out = []
    for x in s.split(sep):
        x = x.strip()
        if x and x not in out:
            out.append(x)
    return out


# ---------------------------------------------------------------------------- crosswalk

def crosswalk_targets(repo):
    path = os.path.join(repo, "data", "correspondances.toml")
    if not os.path.exists(path):
        return set(), set()
    with open(path, "rb") as f:
        doc = tomllib.load(f)
    codes, uris = set(), set()
    for occ in doc.get("occupation", []):
        for r in occ.get("rome", []):
            codes.add(r["code"])
        for e in occ.get("esco", []):
            uris.add(e["uri"])
    return codes, uris


# -------------------------------------------------------------------------------------- ROME

def vendor_rome(src, out, named_codes):
    d = os.path.join(src, ROME_DIR)
    p = lambda name: os.path.join(d, name)
    results = []

    fiches = read_csv(p("referentiel_code_rome.csv"))
    all_codes = {r["code_rome"] for r in fiches}
    missing = sorted(named_codes - all_codes)
    if missing:
        sys.exit(f"correspondances.toml names ROME codes absent from the release: {missing}")

    texts = {}
    for r in read_csv(p("texte.csv")):
        texts.setdefault((r["code_rome"], r["libelle_type_texte"]), []).append(
            (int(r["position_phrase"]), rome_text(r["libelle_texte"])))

    def joined(code, kind):
        if not code.startswith("M"):
            return ""
        return " ".join(t for _, t in sorted(texts.get((code, kind), [])))

    rows = []
    for r in sorted(fiches, key=lambda r: r["code_rome"]):
        c = r["code_rome"]
        rows.append([c, clean(r["libelle_rome"]), r["code_rome_parent"], r["emploi_cadre"],
                     r["transition_num"], c[:3], joined(c, "definition"),
                     joined(c, "acces_metier")])
    data = csv_bytes(["code_rome", "libelle_rome", "code_rome_parent", "emploi_cadre",
                      "transition_num", "domaine", "definition", "acces"], rows)
    results.append(("rome/fiches.csv", ["referentiel_code_rome.csv", "texte.csv"],
                    "all fiches; `definition` and `acces` (the sentences of texte.csv of type "
                    "`definition` and `acces_metier`, joined with a space in `position_phrase` "
                    "order) for the fiches of the M family only, empty elsewhere",
                    len(rows), write(os.path.join(out, "rome", "fiches.csv"), data)))

    apps = read_csv(p("referentiel_appellation.csv"))
    rows = [[r["code_ogr"], clean(r["libelle_appellation_long"]),
             clean(r["libelle_appellation_court"]), r["code_rome"], r["emploi_cadre"],
             r["classification"], r["peu_usite"]]
            for r in sorted(apps, key=lambda r: num(r["code_ogr"]))]
    data = csv_bytes(["code_ogr", "libelle_appellation_long", "libelle_appellation_court",
                      "code_rome", "emploi_cadre", "classification", "peu_usite"], rows)
    results.append(("rome/appellations.csv", ["referentiel_appellation.csv"],
                    "all appellations (sorted by code_ogr)", len(rows),
                    write(os.path.join(out, "rome", "appellations.csv"), data)))

    # Competences: the fiche's items of the « Compétences » block (code_compo_bloc 5) by rubric.
    kept = {c for c in all_codes if c.startswith("M18")} | named_codes
    comp = {r["code_ogr"]: r for r in read_csv(p("referentiel_competence.csv"))}
    sav = {r["code_ogr_savoir"]: r for r in read_csv(p("referentiel_savoir.csv"))}
    item = {r["code_ogr"]: r for r in read_csv(p("item.csv"))}
    coeur = {(r["code_rome"], r["code_ogr"]): r["coeur_metier"]
             for r in read_csv(p("coherence_item.csv"))}
    rubrics = {r["code_rubrique"]: r["libelle_rubrique"]
               for r in read_csv(p("descriptif_rubrique.csv"))}
    assert rubrics == {"1": "Savoir-faire", "2": "Savoir-être professionnels", "3": "Savoirs"}, rubrics
    rows = []
    for r in read_csv(p("liens_rome_referentiels.csv")):
        if r["code_rome"] not in kept or r["code_compo_bloc"] != "5":
            continue
        o, rub = r["code_ogr"], r["code_rubrique"]
        kind = KIND_BY_RUBRIC[rub]
        assert item[o]["code_rubrique"] == rub, (o, rub)
        if kind == "savoir":
            s = sav[o]
            label, nature, cat = clean(s["libelle_savoir"]), "savoir", clean(s["categorie_savoir"])
            macro = ("", "", "")
        else:
            c = comp[o]
            want = "Savoir-faire" if kind == "savoir-faire" else "Savoir-être professionnel"
            assert c["cat_comp"] == want, (o, c["cat_comp"])
            label, nature, cat = clean(c["libelle_competence"]), NATURE[c["nature"]], c["sous_cat_comp"]
            m = c if c["nature"] == "Macro-compétence" else comp[c["code_ogr_macro_comp"]]
            macro = (m["code_ogr"], m["code_macro_comp"], clean(m["libelle_competence"]))
        assert label == item[o]["libelle"].strip(), o
        rows.append([r["code_rome"], o, kind, label, coeur.get((r["code_rome"], o), ""),
                     nature, cat, *macro])
    rows.sort(key=lambda x: (x[0], num(x[1])))
    data = csv_bytes(["code_rome", "code_ogr", "kind", "libelle", "coeur_metier", "nature",
                      "categorie", "code_ogr_macro", "code_macro", "libelle_macro"], rows)
    results.append(("rome/competences.csv",
                     ["liens_rome_referentiels.csv", "item.csv", "descriptif_rubrique.csv",
                      "referentiel_competence.csv", "referentiel_savoir.csv",
                      "coherence_item.csv"],
                     f"items of the Compétences block (code_compo_bloc 5; rubrics 1 savoir-faire, "
                     f"2 savoir-être, 3 savoirs) of the {len(kept)} fiches that are M18* or "
                     f"named by data/correspondances.toml", len(rows),
                     write(os.path.join(out, "rome", "competences.csv"), data)))

    rows = [[r["code_rome"], r["code_rome_cible"], r["numero_ordre"]]
            for r in read_csv(p("rubrique_mobilite.csv"))
            if r["code_rome"] in kept or r["code_rome_cible"] in kept]
    rows.sort(key=lambda x: (x[0], num(x[2]), x[1]))
    data = csv_bytes(["code_rome", "code_rome_cible", "numero_ordre"], rows)
    results.append(("rome/mobilites.csv", ["rubrique_mobilite.csv"],
                    "mobilities whose source or target fiche is M18* or named by "
                    "data/correspondances.toml", len(rows),
                    write(os.path.join(out, "rome", "mobilites.csv"), data)))
    return results, kept


# -------------------------------------------------------------------------------------- ESCO

def vendor_esco(src, out, named_uris):
    d = os.path.join(src, ESCO_DIR)
    p = lambda name: os.path.join(d, name)
    results = []

    occs = read_csv(p("occupations_fr.csv"))
    by_uri = {r["conceptUri"]: r for r in occs}
    missing = sorted(named_uris - set(by_uri))
    if missing:
        sys.exit(f"correspondances.toml names ESCO URIs absent from the release: {missing}")
    rels = read_csv(p("occupationSkillRelations_ict.csv"))
    ict = {r["occupationUri"] for r in rels}
    described = ict | named_uris
    rows = []
    for r in sorted(occs, key=lambda r: r["conceptUri"]):
        u = r["conceptUri"]
        rows.append([u, r["code"], r["iscoGroup"], clean(r["preferredLabel"]),
                     " | ".join(split_labels(r["altLabels"], "\n")),
                     clean(r["description"]) if u in described else ""])
    data = csv_bytes(["uri", "code", "isco_group", "preferred_label", "alt_labels",
                      "description"], rows)
    results.append(("esco/occupations.csv", ["occupations_fr.csv",
                                             "occupationSkillRelations_ict.csv"],
                    f"all occupations; `description` for the {len(described)} occupations of the "
                    f"ICT ISCO groups (those of occupationSkillRelations_ict.csv) or named by "
                    f"data/correspondances.toml, empty elsewhere", len(rows),
                    write(os.path.join(out, "esco", "occupations.csv"), data)))

    # Skill type: from the relations, else from the v1.1.1 collections.
    stype = {}
    for r in rels:
        if r["skillType"]:
            stype[r["skillUri"]] = r["skillType"]
    for coll in ("digitalSkillsCollection_fr.csv", "transversalSkillsCollection_fr.csv"):
        for r in read_csv(p(coll)):
            if r["skillType"]:
                stype.setdefault(r["conceptUri"], r["skillType"])
    skills = {r["conceptUri"]: r for r in read_csv(p("skills_fr_ict.csv"))}
    wanted = {r["skillUri"] for r in rels if r["occupationUri"] in named_uris}
    rows = []
    for u in sorted(wanted & set(skills)):
        s = skills[u]
        rows.append([u, clean(s["preferredLabel"]), " | ".join(split_labels(s["altLabels"], "|")),
                     stype.get(u, ""), clean(s["description"])])
    data = csv_bytes(["uri", "preferred_label", "alt_labels", "skill_type", "description"], rows)
    results.append(("esco/skills.csv",
                    ["skills_fr_ict.csv", "occupationSkillRelations_ict.csv",
                     "digitalSkillsCollection_fr.csv", "transversalSkillsCollection_fr.csv"],
                    "skills (with a French label) related to an occupation named by "
                    "data/correspondances.toml; `skill_type` from the relations, else from the "
                    "v1.1.1 collections", len(rows),
                    write(os.path.join(out, "esco", "skills.csv"), data)))
    have = {r[0] for r in rows}
    rows = [[r["occupationUri"], r["relationType"], r["skillType"] or stype.get(r["skillUri"], ""),
             r["skillUri"]]
            for r in rels if r["occupationUri"] in named_uris and r["skillUri"] in have]
    rows.sort()
    data = csv_bytes(["occupation_uri", "relation", "skill_type", "skill_uri"], rows)
    results.append(("esco/occupation_skills.csv", ["occupationSkillRelations_ict.csv"],
                    "relations of the occupations named by data/correspondances.toml to a skill "
                    "of skills.csv", len(rows),
                    write(os.path.join(out, "esco", "occupation_skills.csv"), data)))
    return results


# ------------------------------------------------------------------------------------ README

def table(results, src_dir):
    lines = ["| File | Source file(s) (sha256) | Filter | Rows | sha256 of the file |",
             "|---|---|---|---:|---|"]
    for name, sources, filt, n, digest in results:
        srcs = "<br>".join(f"`{s}` `{sha256_file(os.path.join(src_dir, s))}`" for s in sources)
        lines.append(f"| `{os.path.basename(name)}` | {srcs} | {filt} | {n} | `{digest}` |")
    return "\n".join(lines)


ROME_README = """# ROME 4.0 v460 — the slices embedded in the product

Generated by `scripts/repertoires/vendor.py` (`python3 scripts/repertoires/vendor.py /work/shared/data`):
do not edit by hand; change the script and rerun it (its output is the same byte for byte).

- **Release**: {release}.
- **Source**: {origin}.
- **Licence**: {licence}.
- **Attribution**, wherever these data are shown or exported: « {attribution} ».

## Files

UTF-8 CSV, comma-separated, RFC 4180 quoting only where needed, `\\n` line ends, rows sorted by
code. The source files are in `{src}/`.

{table}

## Columns

- `fiches.csv`: `code_rome`, `libelle_rome`, `code_rome_parent` (the fiche itself, or the
  parent fiche of a sub-fiche), `emploi_cadre` and `transition_num` (`O`/`N`/empty, as
  published), `domaine` (the first 3 characters of the code: the professional domain),
  `definition`, `acces`.
- `appellations.csv`: `code_ogr`, `libelle_appellation_long`, `libelle_appellation_court`,
  `code_rome`, `emploi_cadre`, `classification` (`PRINCIPALE` / `SYNONYME`), `peu_usite`
  (`O`/`N`).
- `competences.csv`: `code_rome`, `code_ogr`, `kind` (`savoir-faire` = rubric 1
  « Savoir-faire », `savoir-etre` = rubric 2 « Savoir-être professionnels », `savoir` = rubric 3
  « Savoirs » of `descriptif_rubrique.csv`), `libelle`, `coeur_metier` (`Principale`,
  `Émergente` or empty, from `coherence_item.csv`), `nature` (`competence`, `macro-competence`
  — a fiche may hold a macro-competence itself —, or `savoir`), `categorie` (`sous_cat_comp`:
  Technique / Technique expert / Transverse, or `categorie_savoir`), `code_ogr_macro`,
  `code_macro`, `libelle_macro` (the item's macro-competence in `referentiel_competence.csv`;
  for a macro-competence, itself; empty for a savoir).
- `mobilites.csv`: `code_rome` → `code_rome_cible`, `numero_ordre`.

## What was changed

- Leading and trailing spaces removed from labels (none has any in this release).
- `texte.csv` doubles every apostrophe (« l''analyse », SQL escaping left in the export; no
  other file of the release does): `definition` and `acces` have single apostrophes.
- Nothing else: no label corrected, double spaces left as they are.
"""

ESCO_README = """# ESCO v1.1.1 (French) — the slices embedded in the product

Generated by `scripts/repertoires/vendor.py` (`python3 scripts/repertoires/vendor.py /work/shared/data`):
do not edit by hand; change the script and rerun it (its output is the same byte for byte).

- **Release**: {release}.
- **Source**: {origin}. The occupation–skill relations are the copy's ICT slice (the 195
  occupations of ISCO groups 25xx, 35xx, 133x and a few neighbours); `skills_fr_ict.csv` was
  built by the copy (the 2,177 skills of those relations that have a French label; 86 have
  none and are missing; labels marked « ESCO API ~v1.2 » come from a later release and have no
  description).
- **Licence**: {licence}.
- **Attribution**, wherever these data are shown or exported: « {attribution} ».

## Files

UTF-8 CSV, comma-separated, RFC 4180 quoting only where needed (descriptions may hold line
breaks), `\\n` line ends, rows sorted by URI. The source files are in `{src}/`.

{table}

## Columns

- `occupations.csv`: `uri`, `code` (ESCO code, e.g. `2512.4`), `isco_group` (ISCO-08),
  `preferred_label`, `alt_labels` (alternative labels, original order, joined with ` | `),
  `description`.
- `skills.csv`: `uri`, `preferred_label`, `alt_labels` (` | `), `skill_type`
  (`skill/competence` or `knowledge`; empty for the one skill that has none in the relations
  nor in the collections), `description` (empty for the labels that came from the API).
- `occupation_skills.csv`: `occupation_uri`, `relation` (`essential` / `optional`),
  `skill_type`, `skill_uri`.

## What was changed

- Leading and trailing spaces removed from labels and descriptions (5 preferred labels and 2
  alternative labels of occupations have some, and 90 skill descriptions).
- Alternative labels: newline-separated in `occupations_fr.csv`, `|` with or without spaces in
  `skills_fr_ict.csv`; here always ` | `, duplicates removed.
- Nothing else.
"""


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    src = os.path.abspath(argv[1])
    repo = os.path.abspath(argv[2]) if len(argv) > 2 else REPO
    out = os.path.join(repo, "data")
    codes, uris = crosswalk_targets(repo)

    rome, kept = vendor_rome(src, out, codes)
    esco = vendor_esco(src, out, uris)

    src_rome, src_esco = os.path.join(src, ROME_DIR), os.path.join(src, ESCO_DIR)
    for name, tmpl, res, sdir, kw in (
            ("rome", ROME_README, rome, src_rome,
             dict(release=ROME_RELEASE, origin=ROME_ORIGIN, licence=ROME_LICENCE,
                  attribution=ROME_ATTRIBUTION, src="/work/shared/data/" + ROME_DIR)),
            ("esco", ESCO_README, esco, src_esco,
             dict(release=ESCO_RELEASE, origin=ESCO_ORIGIN, licence=ESCO_LICENCE,
                  attribution=ESCO_ATTRIBUTION, src="/work/shared/data/" + ESCO_DIR))):
        text = tmpl.format(table=table(res, sdir), **kw)
        write(os.path.join(out, name, "README.md"), text.encode("utf-8"))

    for res, sdir in ((rome, src_rome), (esco, src_esco)):
        for name, sources, _filt, n, digest in res:
            print(f"data/{name}\t{n} rows\tsha256 {digest}")
            for s in sources:
                print(f"    source {os.path.basename(sdir)}/{s}\tsha256 {sha256_file(os.path.join(sdir, s))}")
    total = sum(os.path.getsize(os.path.join(out, sub, f))
                for sub in ("rome", "esco") for f in os.listdir(os.path.join(out, sub)))
    print(f"total data/rome + data/esco: {total} bytes")


if __name__ == "__main__":
    main(sys.argv)
