#!/usr/bin/env python3
"""Check data/competences.toml (the skills graph) against its rules, and print its figures.

    python3 scripts/competences/check.py [--referentiel PATH] [--levels]

Rules (any failure is printed and the exit code is 1):
- [method] has `proposal`, `review` and `level_rule`;
- skill ids are unique and slug-shaped; kinds are savoir-faire, savoir or savoir-etre; label and
  description are not empty;
- every activity reference `{occupation}/{n}` or `{occupation}/{n}.{k}` exists in the référentiel;
  every activity (n) is listed in exactly one skill; a sub-item (n.k) is listed at most once, and
  only in another skill than its activity's (otherwise the activity's skill covers it);
- a skill whose activities come from two occupations or more has a `merge` reason;
- savoir-être skills have no activity; a skill without activity is in some assignment;
- every `rome` code is a code_ogr of data/rome/competences.csv and every `esco` URI is in
  data/esco/skills.csv;
- `assignment` lists each of the 44 occupations once; core and secondary name existing skills,
  without repeats nor overlap; every skill holding an activity of an occupation is in that
  occupation's core or secondary, and no skill with activities is assigned to an occupation
  where it has none (savoirs and savoir-être are assigned without activity); a savoir-être is
  assigned only where an exactMatch, closeMatch or broadMatch ROME fiche of the occupation
  (data/correspondances.toml) lists it.

Warnings (printed, exit code unchanged): a ROME code or ESCO URI that is not among the
items of the crosswalk targets of any occupation holding the skill.

Figures: skills by kind, skills shared by 2+ occupations, activities per skill, core /
secondary per occupation, and the levels given by the reference implementation of
[method].level_rule (`level_of_activity`, `skill_levels`), which the Rust code follows;
`--levels` prints the level of every (occupation, skill).
"""

import argparse
import csv
import json
import os
import re
import sys
import tomllib
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import frtext  # noqa: E402
import referentiel  # noqa: E402

REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
KINDS = ("savoir-faire", "savoir", "savoir-etre")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
REF = re.compile(r"^([a-z0-9-]+)/([0-9]+)(?:\.([0-9]+))?$")

# ------------------------------------------------------------------ level rule (reference)

LEVELS = ("contribuer", "realiser", "piloter-encadrer", "expertise")
CONTRIBUER = {"contribuer", "participer", "assister", "aider", "appuyer"}
PILOTER = {"piloter", "coordonner", "encadrer", "manager", "superviser", "animer", "diriger",
           "organiser", "arbitrer", "conduire", "mener", "garantir", "etre responsable"}
EXPERTISE = {"conseiller", "preconiser", "expertiser", "auditer", "certifier", "enseigner"}
DEFINE = {"definir", "elaborer", "concevoir", "etablir", "specifier", "fixer", "porter"}
DEFINE_OBJECTS = re.compile(r"strateg|politique|orientation|architecture|norme|standard|regle|"
                            r"referentiel|gouvernance|schemas? directeur")
SUPERVISE_TECHNICAL = re.compile(r"^superviser (?:les )?(?:reseaux|systemes|ressources|telecommunications)")
HEADING_LEVELS = [(re.compile(r"^PARTICIPATION"), "contribuer"),
                  (re.compile(r"^(?:ENCADREMENT|DIRECTION|PILOTAGE|CONDUITE)"), "piloter-encadrer"),
                  (re.compile(r"^(?:EXPERTISE|CONSEIL)"), "expertise")]
OPENINGS = re.compile(r"^\s*(?:le cas echeant,?|lors de [^:;]*:|en regime de croisiere\s*:|"
                      r"pour tout [^,]*,|a l'ecoute des metiers,?)\s*")
CONJUGATED = {"organise": "organiser", "represente": "representer", "optimise": "optimiser",
              "supervise": "superviser", "maintient": "maintenir", "administre": "administrer",
              "trouve": "trouver", "concoit": "concevoir", "restitue": "restituer",
              "fait": "faire"}
GERUND = re.compile(r"^en ([a-z]+)ant\b")


def _infinitive(word):
    if word in CONJUGATED:
        return CONJUGATED[word]
    if re.fullmatch(r"[a-z]+(?:er|ir|re|oir)", word):
        return word
    return None


def verb_group(text):
    """The leading verb group of an activity: list of folded infinitives ([] if none)."""
    t = frtext.fold(text).strip()
    t = OPENINGS.sub("", t)
    t = re.sub(r"^(?:les|leur|lui|l')\s*(?=[a-z])", "", t)
    if re.match(r"^(?:etre |)responsables? (?:de|du|des)\b", t):
        return ["etre responsable"]
    if re.match(r"^(?:assurer|posseder|tenir) un role de referent", t):
        return ["etre referent"]
    if re.match(r"^entretenir et developper son expertise", t):
        return ["expertiser"]
    m = GERUND.match(t)
    if m:
        # « En participant », « En proposant » : the gerund's infinitive (participer, proposer)
        stem = m.group(1)
        return [stem + "er"]
    verbs = []
    rest = t
    while True:
        m = re.match(r"(?:s'|se )?([a-z]+)", rest)
        if not m:
            break
        v = _infinitive(m.group(1))
        if v is None:
            break
        if v == "etre":
            m2 = re.match(r"etre (responsable|force|l'interface|l'interlocuteur|en charge)", rest)
            verbs.append("etre responsable" if m2 and m2.group(1) == "responsable" else "etre")
        else:
            verbs.append(v)
        rest = rest[m.end():]
        m = re.match(r"\s*(?:,\s*et|,|\bet\b|\bou\b|/)\s*", rest)
        if not m:
            break
        nxt = rest[m.end():]
        m2 = re.match(r"(?:s'|se )?([a-z]+)", nxt)
        if not m2 or _infinitive(m2.group(1)) is None or m2.group(1) in ("leur", "dossier", "premier"):
            break
        rest = nxt
    return verbs


def verb_level(verb, text):
    t = frtext.fold(text)
    if verb in CONTRIBUER:
        return "contribuer"
    if verb == "superviser":
        tt = OPENINGS.sub("", t.strip())
        return "realiser" if SUPERVISE_TECHNICAL.match(tt) else "piloter-encadrer"
    if verb in PILOTER:
        return "piloter-encadrer"
    if verb in EXPERTISE or verb == "etre referent":
        return "expertise"
    if verb in DEFINE and DEFINE_OBJECTS.search(t):
        return "expertise"
    return "realiser"


def level_of_activity(text, heading, parent_text=None):
    """Level of one activity (or listed sub-item) under its heading, by [method].level_rule."""
    verbs = verb_group(text)
    source = text
    if not verbs and parent_text is not None:
        verbs = verb_group(parent_text)
        source = parent_text + " " + text
    levels = [verb_level(v, source) for v in verbs] or ["realiser"]
    level = max(levels, key=LEVELS.index)
    if level == "realiser":
        h = frtext.fold(heading or "").upper()
        for rx, lv in HEADING_LEVELS:
            if rx.match(h):
                return lv
    return level


def skill_levels(data, occupations):
    """{(occupation, skill): level} for every skill holding activities of the occupation."""
    acts = activity_index(occupations)
    out = {}
    for s in data["skill"]:
        for ref in s.get("activities", []):
            a = acts[ref]
            lv = level_of_activity(a["text"], a["heading"], a.get("parent_text"))
            key = (a["occupation"], s["id"])
            if key not in out or LEVELS.index(lv) > LEVELS.index(out[key]):
                out[key] = lv
    return out


# ------------------------------------------------------------------------------- inputs

def activity_index(occupations):
    acts = {}
    for o in occupations:
        n = 0
        for g in o["activity_groups"]:
            heading = g.get("heading") or ""
            heading = "" if heading == "None" else heading
            for a in g["activities"]:
                n += 1
                ref = f"{o['id']}/{n}"
                acts[ref] = {"occupation": o["id"], "text": a["text"], "heading": heading,
                             "details": len(a.get("details") or [])}
                for k, d in enumerate(a.get("details") or [], 1):
                    acts[f"{ref}.{k}"] = {"occupation": o["id"], "text": d, "heading": heading,
                                          "parent": ref, "parent_text": a["text"]}
    return acts


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--referentiel", help="fichier JSON canonique du référentiel (par défaut : l’édition intégrée, exportée par cargo run -- export --format json)")
    ap.add_argument("--file", default=os.path.join(REPO, "data", "competences.toml"))
    ap.add_argument("--levels", action="store_true", help="print every (occupation, skill) level")
    args = ap.parse_args()

    occupations = referentiel.load(args.referentiel)["occupations"]
    with open(args.file, "rb") as f:
        data = tomllib.load(f)
    with open(os.path.join(REPO, "data", "correspondances.toml"), "rb") as f:
        crosswalk = {o["id"]: o for o in tomllib.load(f)["occupation"]}
    rome_rows = read_csv(os.path.join(REPO, "data", "rome", "competences.csv"))
    rome_codes = {r["code_ogr"] for r in rome_rows}
    rome_by_fiche = defaultdict(set)
    savoir_etre_by_fiche = defaultdict(set)
    for r in rome_rows:
        rome_by_fiche[r["code_rome"]].add(r["code_ogr"])
        if r["kind"] == "savoir-etre":
            savoir_etre_by_fiche[r["code_rome"]].add(r["code_ogr"])
    esco_uris = {r["uri"] for r in read_csv(os.path.join(REPO, "data", "esco", "skills.csv"))}
    esco_by_occ = defaultdict(set)
    for r in read_csv(os.path.join(REPO, "data", "esco", "occupation_skills.csv")):
        esco_by_occ[r["occupation_uri"]].add(r["skill_uri"])

    acts = activity_index(occupations)
    occ_ids = [o["id"] for o in occupations]
    errors, warnings = [], []

    def err(msg):
        errors.append(msg)

    # [method]
    for key in ("proposal", "review", "level_rule"):
        if not str(data.get("method", {}).get(key, "")).strip():
            err(f"[method] lacks {key}")

    # skills
    skills = data.get("skill", [])
    by_id = {}
    listed = Counter()
    skill_of = {}
    for s in skills:
        sid = s.get("id", "")
        if not SLUG.match(sid):
            err(f"skill id not slug-shaped: {sid!r}")
        if sid in by_id:
            err(f"duplicate skill id: {sid}")
        by_id[sid] = s
        if s.get("kind") not in KINDS:
            err(f"{sid}: kind {s.get('kind')!r} not in {KINDS}")
        for field in ("label", "description"):
            if not str(s.get(field, "")).strip():
                err(f"{sid}: empty {field}")
        refs = s.get("activities", [])
        for ref in refs:
            if ref not in acts:
                err(f"{sid}: unknown activity {ref}")
                continue
            listed[ref] += 1
            skill_of.setdefault(ref, sid)
        occs = {acts[r]["occupation"] for r in refs if r in acts}
        if len(occs) >= 2 and not str(s.get("merge", "")).strip():
            err(f"{sid}: activities of {len(occs)} occupations but no merge reason")
        if s.get("kind") == "savoir-etre" and refs:
            err(f"{sid}: a savoir-être has no activity")
        for code in s.get("rome", []):
            if code not in rome_codes:
                err(f"{sid}: ROME code {code} not in data/rome/competences.csv")
        for uri in s.get("esco", []):
            if uri not in esco_uris:
                err(f"{sid}: ESCO URI {uri} not in data/esco/skills.csv")
    for ref, a in acts.items():
        k = listed.get(ref, 0)
        if "parent" not in a and k != 1:
            err(f"activity {ref} listed {k} times (must be exactly once)")
        if "parent" in a:
            if k > 1:
                err(f"sub-item {ref} listed {k} times")
            if k == 1 and skill_of.get(ref) == skill_of.get(a["parent"]):
                err(f"sub-item {ref} listed in the skill of its activity ({skill_of[ref]}): drop it")

    # assignments
    assigned = defaultdict(dict)
    seen_occ = Counter()
    for a in data.get("assignment", []):
        oid = a.get("occupation")
        seen_occ[oid] += 1
        if oid not in occ_ids:
            err(f"assignment for unknown occupation {oid}")
            continue
        core, sec = a.get("core", []), a.get("secondary", [])
        for lst, name in ((core, "core"), (sec, "secondary")):
            for sid, c in Counter(lst).items():
                if c > 1:
                    err(f"{oid}: {sid} repeated in {name}")
            for sid in lst:
                if sid not in by_id:
                    err(f"{oid}: unknown skill {sid} in {name}")
                assigned[oid][sid] = name
        for sid in set(core) & set(sec):
            err(f"{oid}: {sid} both core and secondary")
    for oid in occ_ids:
        if seen_occ[oid] != 1:
            err(f"occupation {oid} has {seen_occ[oid]} assignments (must be 1)")
    holders = defaultdict(set)  # skill -> occupations with activities in it
    for s in skills:
        for ref in s.get("activities", []):
            if ref in acts:
                holders[s["id"]].add(acts[ref]["occupation"])
    for sid, occs in holders.items():
        for oid in occs:
            if sid not in assigned[oid]:
                err(f"{oid}: skill {sid} holds its activities but is not in its assignment")
    for oid, d in assigned.items():
        fiches = [c["code"] for c in crosswalk.get(oid, {}).get("rome", [])
                  if c["relation"] in ("exactMatch", "closeMatch", "broadMatch")]
        for sid in d:
            s = by_id.get(sid)
            if not s:
                continue
            if s.get("activities") and oid not in holders[sid]:
                err(f"{oid}: {sid} assigned but has no activity of this occupation")
            if s.get("kind") == "savoir-etre":
                codes = set(s.get("rome", []))
                if not any(codes & savoir_etre_by_fiche[f] for f in fiches):
                    err(f"{oid}: savoir-être {sid} not listed by its exact/close/broad ROME fiches")
    used = {sid for d in assigned.values() for sid in d}
    for s in skills:
        if not s.get("activities") and s["id"] not in used:
            err(f"{s['id']}: no activity and in no assignment")

    # warnings: repertory references outside the targets of the skill's occupations
    for s in skills:
        occs = holders[s["id"]] | {o for o, d in assigned.items() if s["id"] in d}
        fiches = {c["code"] for o in occs for c in crosswalk.get(o, {}).get("rome", [])}
        target_rome = set().union(*(rome_by_fiche[f] for f in fiches)) if fiches else set()
        target_esco = set().union(*(esco_by_occ[e["uri"]] for o in occs
                                    for e in crosswalk.get(o, {}).get("esco", []))) if occs else set()
        for code in s.get("rome", []):
            if code not in target_rome:
                warnings.append(f"{s['id']}: ROME {code} is not in the fiches of its occupations' targets")
        for uri in s.get("esco", []):
            if uri not in target_esco:
                warnings.append(f"{s['id']}: ESCO {uri.rsplit('/', 1)[-1]} is not a skill of its occupations' ESCO targets")

    # figures
    kinds = Counter(s.get("kind") for s in skills)
    shared = [s for s in skills if len(holders[s["id"]]) >= 2]
    n_act = sum(1 for a in acts.values() if "parent" not in a)
    n_sub = sum(1 for a in acts.values() if "parent" in a)
    n_sub_listed = sum(1 for r, a in acts.items() if "parent" in a and listed.get(r))
    sizes = Counter(len(s.get("activities", [])) for s in skills if s.get("activities"))
    print(f"{len(skills)} compétences : " + ", ".join(f"{kinds[k]} {k}" for k in KINDS))
    print(f"activités : {n_act} (toutes citées une fois) ; sous-activités : {n_sub_listed} citées à part "
          f"sur {n_sub}, les autres couvertes par la compétence de leur activité")
    print(f"compétences partagées par 2 métiers ou plus : {len(shared)} "
          f"(3 ou plus : {sum(1 for s in skills if len(holders[s['id']]) >= 3)}, "
          f"5 ou plus : {sum(1 for s in skills if len(holders[s['id']]) >= 5)})")
    print("activités par compétence (savoir-faire et savoirs qui en ont) : "
          + ", ".join(f"{k}×{v}" for k, v in sorted(sizes.items())))
    top = sorted(skills, key=lambda s: (-len(holders[s["id"]]), s["id"]))[:8]
    print("les plus partagées : " + ", ".join(f"{s['id']} ({len(holders[s['id']])})" for s in top))
    nc = [len([1 for v in assigned[o].values() if v == "core"]) for o in occ_ids]
    ns = [len([1 for v in assigned[o].values() if v == "secondary"]) for o in occ_ids]
    print(f"par métier : {min(nc)}–{max(nc)} compétences cœur (moyenne {sum(nc) / len(nc):.1f}), "
          f"{min(ns)}–{max(ns)} secondaires (moyenne {sum(ns) / len(ns):.1f})")
    levels = skill_levels(data, occupations)
    lc = Counter(levels.values())
    print("niveaux (métier, compétence), règle de [method].level_rule : "
          + ", ".join(f"{lv} {lc[lv]}" for lv in LEVELS))
    if args.levels:
        for (oid, sid), lv in sorted(levels.items()):
            print(f"  {oid:<58} {sid:<40} {lv}")
    for w in warnings:
        print("attention :", w)
    for e in errors:
        print("ERREUR :", e)
    print("OK" if not errors else f"{len(errors)} erreur(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
