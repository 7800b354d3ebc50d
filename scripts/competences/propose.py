#!/usr/bin/env python3
"""Computed first grouping of the référentiel's activities into shared skills (compétences).

    python3 scripts/competences/propose.py [--referentiel PATH] [--threshold T]

Writes, under target/competences/ (not committed):
- candidates.toml: the grouping in the format of data/competences.toml (skills with their
  activities and the ROME / ESCO items they match, assignments core / secondary), as a starting
  point for the review; labels are the most central activity of each group, `merge` says
  « à relire »;
- propositions.txt: the same for a reader, each group with its activities, cohesion, the
  repertory items its activities matched, and per occupation the savoirs and savoir-être that
  ROME and ESCO give its crosswalk targets (candidates for savoir / savoir-être skills).

Inputs: the canonical JSON of the référentiel (`--referentiel FILE`, by default the embedded
edition that `metiers export --format json` gives, see referentiel.py): an activity is `{occupation}/{n}` (n 1-based across
the fiche's headings), a sub-item `{occupation}/{n}.{k}`; data/correspondances.toml (each
occupation's ROME fiches and ESCO occupations); data/rome/competences.csv, data/esco/skills.csv
and data/esco/occupation_skills.csv (the vendored slices).

Method (deterministic, standard library; the knobs are in PARAMS and THRESHOLD):
1. French analysis (scripts/competences/frtext.py): folding, acronyms of the trade spelt out,
   fixed expressions joined (« tableau de bord »), stopwords (with the verbs that only say how
   much one takes part: participer, contribuer, réaliser…), a short table of general synonyms
   of the trade, crude suffix stemmer.
2. Each activity is a TF-IDF vector of its stems (weight 1), of its heading (w_heading), of its
   parent activity or its sub-items (w_context), of verb-object pairs: the class of its leading
   verb (table VERB_CLASSES: traiter / gérer / résoudre are one class…) joined to each of the
   first two content words after it (w_vo), and of the verb class alone (w_verb). IDF over the
   591 activities and sub-items.
3. Bridge through the repertories: each activity is compared (cosine of stems) with the
   savoir-faire of the ROME fiches and the skills (skill/competence) of the ESCO occupations
   that data/correspondances.toml gives its occupation; matches of cosine ≥ bridge_min are
   kept (at most bridge_top). Two activities of different fiches that match the same ROME item
   (same code_ogr) or the same ESCO skill (same URI) get a bridge similarity, bridge_weight ×
   the geometric mean of both cosines (bridge_macro does the same for items of one ROME
   macro-competence; off by default).
4. similarity(a, b) = max(cosine(a, b), bridge(a, b)); a sub-item and its own parent are never
   merged by the computation (the review decides).
5. Agglomerative clustering, average linkage, merged while the best pair of groups is at or
   above THRESHOLD. Ties broken by the order of the activities.

The curated file keeps its own record of how far the review departed from this proposal
([method].review of data/competences.toml).
"""

import argparse
import csv
import json
import math
import os
import re
import sys
import heapq
import tomllib
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import frtext  # noqa: E402
import referentiel  # noqa: E402

REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
THRESHOLD = 0.22
PARAMS = {
    "bridge_min": 0.32,     # cosine for an activity to match a ROME / ESCO item
    "bridge_top": 4,        # at most this many matches per activity
    "bridge_weight": 0.9,   # similarity given by a shared repertory item (× geometric mean)
    "bridge_macro": 0.0,    # the same for items of one ROME macro-competence (0: off)
    "w_heading": 0.4,       # weight of the heading's words
    "w_context": 0.5,       # weight of the parent's or sub-items' words
    "w_vo": 1.0,            # weight of verb-object pairs
    "w_verb": 1.0,          # weight of the leading verb's class alone (0: off)
}

# Classes of leading verbs: verbs the fiches use for the same act (general French of the
# trade, not tuned to any activity).
VERB_CLASSES = {
    "traiter": "traiter", "gerer": "traiter", "resoudre": "traiter", "prendre en charge": "traiter",
    "diagnostiquer": "diagnostiquer", "prediagnostiquer": "diagnostiquer", "qualifier": "diagnostiquer",
    "piloter": "piloter", "coordonner": "piloter", "diriger": "piloter", "superviser": "piloter",
    "conduire": "piloter", "organiser": "piloter", "animer": "piloter", "encadrer": "piloter",
    "manager": "piloter", "mener": "piloter",
    "definir": "definir", "elaborer": "definir", "concevoir": "definir", "etablir": "definir",
    "specifier": "definir", "formaliser": "definir", "construire": "definir",
    "suivre": "suivre", "controler": "suivre", "surveiller": "suivre", "verifier": "suivre",
    "veiller": "suivre", "s'assurer": "suivre",
    "rediger": "rediger", "documenter": "rediger", "consigner": "rediger",
    "effectuer": "realiser", "realiser": "realiser", "executer": "realiser", "proceder": "realiser",
    "mettre en oeuvre": "realiser", "mettre en place": "realiser", "assurer": "realiser",
    "conseiller": "conseiller", "preconiser": "conseiller", "recommander": "conseiller",
    "assister": "conseiller", "accompagner": "conseiller", "aider": "conseiller",
    "participer": "participer", "contribuer": "participer",
    "informer": "informer", "communiquer": "informer", "sensibiliser": "informer",
    "diffuser": "informer", "promouvoir": "informer",
    "former": "former", "enseigner": "former", "transmettre": "former",
    "installer": "installer", "deployer": "installer", "teledistribuer": "installer",
    "tester": "tester", "valider": "tester", "certifier": "tester", "recetter": "tester",
    "administrer": "administrer", "exploiter": "administrer",
    "garantir": "garantir", "etre responsable": "garantir", "en charge de": "garantir",
    "se charger": "garantir",
    "analyser": "analyser", "evaluer": "analyser", "etudier": "analyser", "auditer": "analyser",
}


# --------------------------------------------------------------------------------- inputs

def load_referentiel(path):
    data = referentiel.load(path)
    items = []
    for o in data["occupations"]:
        n = 0
        for gi, g in enumerate(o["activity_groups"]):
            heading = g.get("heading") or ""
            if heading == "None":
                heading = ""
            for a in g["activities"]:
                n += 1
                ref = f"{o['id']}/{n}"
                items.append({"ref": ref, "occ": o["id"], "title": o["title"], "n": n, "k": 0,
                              "group": gi, "heading": heading, "text": a["text"],
                              "context": " ".join(a.get("details") or [])})
                for k, d in enumerate(a.get("details") or [], 1):
                    items.append({"ref": f"{ref}.{k}", "occ": o["id"], "title": o["title"],
                                  "n": n, "k": k, "group": gi, "heading": heading, "text": d,
                                  "context": a["text"], "parent": ref})
    return data["occupations"], items


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def load_repertories(repo):
    with open(os.path.join(repo, "data", "correspondances.toml"), "rb") as f:
        cw = tomllib.load(f)
    rome = defaultdict(list)
    for r in read_csv(os.path.join(repo, "data", "rome", "competences.csv")):
        rome[r["code_rome"]].append(r)
    skills = {r["uri"]: r for r in read_csv(os.path.join(repo, "data", "esco", "skills.csv"))}
    occ_skills = defaultdict(list)
    for r in read_csv(os.path.join(repo, "data", "esco", "occupation_skills.csv")):
        if r["skill_uri"] in skills:
            occ_skills[r["occupation_uri"]].append(r)
    targets = {}
    for o in cw["occupation"]:
        targets[o["id"]] = {"rome": [(r["code"], r["relation"]) for r in o.get("rome", [])],
                            "esco": [(e["uri"], e["relation"], e["label"]) for e in o.get("esco", [])]}
    return targets, rome, skills, occ_skills


def repertory_items(occ, targets, rome, skills, occ_skills):
    """The savoir-faire (ROME) and skill/competence (ESCO) items of an occupation's targets:
    {key: (scheme, code, label, text, extra)}."""
    out = {}
    for code, rel in targets[occ]["rome"]:
        for r in rome[code]:
            if r["kind"] != "savoir-faire":
                continue
            key = "rome:" + r["code_ogr"]
            if key not in out:
                out[key] = ("rome", r["code_ogr"], r["libelle"], r["libelle"], [], r["code_ogr_macro"])
            out[key][4].append(f"{code}{'*' if r['coeur_metier'] == 'Principale' else ''}")
    for uri, rel, _ in targets[occ]["esco"]:
        for r in occ_skills[uri]:
            if r["skill_type"] != "skill/competence":
                continue
            s = skills[r["skill_uri"]]
            key = "esco:" + s["uri"]
            if key not in out:
                text = s["preferred_label"] + " " + s["alt_labels"].replace(" | ", " ")
                out[key] = ("esco", s["uri"], s["preferred_label"], text, [], "")
            out[key][4].append(r["relation"][:3])
    return out


# --------------------------------------------------------------------------------- vectors

class Space:
    def __init__(self, docs):
        self.n = len(docs)
        df = Counter()
        for d in docs:
            df.update(set(d))
        self.idf = {w: math.log((1 + self.n) / (1 + k)) + 1 for w, k in df.items()}

    def vec(self, weighted):
        """weighted: list of (feature, weight)."""
        tf = Counter()
        for w, x in weighted:
            tf[w] += x
        v = {w: (1 + math.log(k) if k >= 1 else k) * self.idf.get(w, math.log(1 + self.n) + 1)
             for w, k in tf.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        return {w: x / norm for w, x in v.items()}


def cos(a, b):
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b.get(w, 0.0) for w, x in a.items())


# Verbs that say how much one takes part, not what is done: no verb-object pair for them
# (the words that follow carry the meaning).
WEAK_VERBS = {"participer", "contribuer", "realiser", "effectuer", "assurer", "proceder",
              "etre responsable", "en charge de", "se charger", "mettre en oeuvre", "mettre en place",
              "faire", "etre", "etre force", "posseder", "prendre en compte"}


def vo_features(text):
    verb = frtext.leading_verb(text)
    if not verb or verb in WEAK_VERBS:
        return []
    cls = VERB_CLASSES.get(verb, verb)
    ws = frtext.words(text)
    # drop the verb's own words
    vw = set(frtext.words(verb)) | {verb}
    objs = [frtext.stem(w) for w in ws if w not in vw and w not in VERB_CLASSES][:2]
    return [f"{cls}>{o}" for o in objs]


def features(it, p):
    f = [(t, 1.0) for t in frtext.tokens(it["text"])]
    f += [(t, p["w_heading"]) for t in frtext.tokens(it["heading"])]
    f += [(t, p["w_context"]) for t in frtext.tokens(it["context"])]
    f += [(t, p["w_vo"]) for t in vo_features(it["text"])]
    return f


# ------------------------------------------------------------------------------- clustering

def cluster(n, sims, threshold):
    """Average-linkage agglomerative clustering over a sparse similarity {(i, j): s}, i < j.
    Returns the list of clusters (lists of indices), each sorted, in order of first member."""
    members = {i: [i] for i in range(n)}
    nb = defaultdict(dict)
    for (i, j), s in sims.items():
        nb[i][j] = s
        nb[j][i] = s
    heap = [(-s, i, j) for (i, j), s in sims.items() if s >= threshold]
    heapq.heapify(heap)
    alive = set(range(n))
    while heap:
        s, i, j = heapq.heappop(heap)
        if i not in alive or j not in alive or nb[i].get(j) != -s:
            continue
        # merge j into i (i < j keeps the older index)
        ni, nj = len(members[i]), len(members[j])
        members[i] = sorted(members[i] + members[j])
        del members[j]
        alive.discard(j)
        for k in set(nb[i]) | set(nb[j]):
            if k in (i, j) or k not in alive:
                continue
            ns = (ni * nb[i].get(k, 0.0) + nj * nb[j].get(k, 0.0)) / (ni + nj)
            nb[k].pop(j, None)
            nb[i][k] = ns
            nb[k][i] = ns
            if ns >= threshold:
                a, b = min(i, k), max(i, k)
                heapq.heappush(heap, (-ns, a, b))
        for k in nb[j]:
            nb[k].pop(j, None)
        del nb[j]
        nb[i].pop(j, None)
    return sorted(members.values(), key=lambda m: m[0])


def slug(s):
    s = frtext.fold(s)
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    return s


def toml_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def clean(text):
    return re.sub(r"\s*[;.:]\s*$", "", text.strip())


def compute(occs, items, targets, rome, skills, occ_skills, threshold, params=None):
    """The whole computation: returns (clusters, activity vectors, similarities, repertory
    matches per activity, repertory items)."""
    p = dict(PARAMS, **(params or {}))
    n = len(items)
    # repertory items of each occupation's crosswalk targets, and the bridge matches
    rep = {o["id"]: repertory_items(o["id"], targets, rome, skills, occ_skills) for o in occs}
    rep_docs = {}
    for o in rep.values():
        rep_docs.update(o)
    plain = [frtext.tokens(it["text"] + " " + it["context"]) for it in items]
    bspace = Space(plain + [frtext.tokens(v[3]) for v in rep_docs.values()])
    pvecs = [bspace.vec([(t, 1.0) for t in pl]) for pl in plain]
    rvecs = {key: bspace.vec([(t, 1.0) for t in frtext.tokens(v[3])]) for key, v in rep_docs.items()}
    matches = []
    for i, it in enumerate(items):
        scored = sorted(((-cos(pvecs[i], rvecs[key]), key) for key in rep[it["occ"]]))
        matches.append({key: -sc for sc, key in scored[:p["bridge_top"]] if -sc >= p["bridge_min"]})

    # activity vectors: own words, heading, context, verb-object pairs, verb class
    feats = []
    for it in items:
        f = features(it, p)
        vc = VERB_CLASSES.get(frtext.leading_verb(it["text"]), "")
        if vc and p["w_verb"]:
            f.append(("verbe:" + vc, p["w_verb"]))
        feats.append(f)
    space = Space([[w for w, _ in f] for f in feats])
    vecs = [space.vec(f) for f in feats]

    # pairwise similarities: text cosine, or the bridge when two activities of different
    # fiches match the same repertory item (or, weaker, items of the same ROME macro-competence)
    by_key = defaultdict(list)
    for i, mt in enumerate(matches):
        for key, sc in mt.items():
            by_key[key].append((i, sc, p["bridge_weight"]))
            macro = rep_docs[key][5]
            if macro and p["bridge_macro"]:
                by_key["macro:" + macro].append((i, sc, p["bridge_macro"]))
    sims = {}
    for i in range(n):
        for j in range(i + 1, n):
            if items[j].get("parent") == items[i]["ref"] or items[i].get("parent") == items[j]["ref"]:
                continue
            sc = cos(vecs[i], vecs[j])
            if sc >= 0.05:
                sims[(i, j)] = sc
    for key, lst in by_key.items():
        best = {}
        for a in range(len(lst)):
            for b in range(a + 1, len(lst)):
                (i, si, w), (j, sj, _) = lst[a], lst[b]
                i, j = min(i, j), max(i, j)
                if i == j or items[i]["occ"] == items[j]["occ"]:
                    continue
                if items[j].get("parent") == items[i]["ref"] or items[i].get("parent") == items[j]["ref"]:
                    continue
                bs = w * math.sqrt(si * sj)
                if bs > sims.get((i, j), 0.0):
                    sims[(i, j)] = bs
    return cluster(n, sims, threshold), vecs, sims, matches, rep_docs


# --------------------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--referentiel", help="fichier JSON canonique du référentiel (par défaut : l’édition intégrée, exportée par cargo run -- export --format json)")
    ap.add_argument("--threshold", type=float, default=THRESHOLD)
    ap.add_argument("--out", default=os.path.join(REPO, "target", "competences"))
    args = ap.parse_args()

    occs, items = load_referentiel(args.referentiel)
    targets, rome, skills, occ_skills = load_repertories(REPO)
    n = len(items)
    clusters, vecs, sims, matches, rep_docs = compute(occs, items, targets, rome, skills, occ_skills,
                                                      args.threshold)

    os.makedirs(args.out, exist_ok=True)
    lines = [f"# propositions — scripts/competences/propose.py (seuil {args.threshold}, "
             f"{n} activités et sous-activités, {len(clusters)} groupes)"]
    toml = ["# Candidats calculés par scripts/competences/propose.py : point de départ de la relecture,",
            "# pas le fichier relu (data/competences.toml).", ""]
    used_ids = Counter()
    skill_of = {}
    for c in clusters:
        # medoid: highest mean similarity to the others
        def centrality(i):
            return sum(cos(vecs[i], vecs[j]) for j in c if j != i)
        med = max(c, key=lambda i: (centrality(i), -i))
        label = clean(items[med]["text"])
        sid = slug(" ".join(frtext.fold(label).split()[:6]))[:60].strip("-")
        used_ids[sid] += 1
        if used_ids[sid] > 1:
            sid = f"{sid}-{used_ids[sid]}"
        inner = [sims.get((min(a, b), max(a, b)), 0.0) for ai, a in enumerate(c) for b in c[ai + 1:]]
        cohesion = sum(inner) / len(inner) if inner else 1.0
        occs_in = sorted({items[i]["occ"] for i in c})
        keys = Counter()
        for i in c:
            keys.update(matches[i].keys())
        lines.append("")
        lines.append(f"== {sid} ({len(c)} activités, {len(occs_in)} métiers, cohésion {cohesion:.2f})")
        for i in c:
            lines.append(f"   {items[i]['ref']:<62} {clean(items[i]['text'])[:140]}")
        for key, k in sorted(keys.items(), key=lambda x: (-x[1], x[0]))[:6]:
            v = rep_docs[key]
            lines.append(f"   ~ {k} × {v[0]} {v[1]} {v[2]}")
        rome_refs = sorted({rep_docs[k][1] for k, m in keys.items() if k.startswith("rome:") and m * 2 >= len(c)})
        esco_refs = sorted({rep_docs[k][1] for k, m in keys.items() if k.startswith("esco:") and m * 2 >= len(c)})
        toml.append("[[skill]]")
        toml.append(f"id = {toml_str(sid)}")
        toml.append(f"label = {toml_str(label)}")
        toml.append('kind = "savoir-faire"')
        toml.append('description = ""')
        toml.append("activities = [" + ", ".join(toml_str(items[i]["ref"]) for i in c) + "]")
        toml.append("rome = [" + ", ".join(toml_str(x) for x in rome_refs) + "]")
        toml.append("esco = [" + ", ".join(toml_str(x) for x in esco_refs) + "]")
        if len(occs_in) > 1:
            toml.append(f'merge = "à relire (cohésion {cohesion:.2f})"')
        toml.append("")
        for i in c:
            skill_of[i] = sid

    # assignments: core = a skill holding an activity of the first heading, or matching a
    # ROME savoir-faire that the fiche's exact / close target marks « Principale »
    for o in occs:
        idx = [i for i, it in enumerate(items) if it["occ"] == o["id"]]
        core, sec = [], []
        principal = set()
        for code, rel in targets[o["id"]]["rome"]:
            if rel in ("exactMatch", "closeMatch"):
                principal |= {"rome:" + r["code_ogr"] for r in rome[code] if r["coeur_metier"] == "Principale"}
        for i in idx:
            sid = skill_of[i]
            is_core = items[i]["group"] == 0 or any(k in principal for k in matches[i])
            if is_core and sid not in core:
                core.append(sid)
        for i in idx:
            sid = skill_of[i]
            if sid not in core and sid not in sec:
                sec.append(sid)
        toml.append("[[assignment]]")
        toml.append(f"occupation = {toml_str(o['id'])}")
        toml.append("core = [" + ", ".join(toml_str(x) for x in core) + "]")
        toml.append("secondary = [" + ", ".join(toml_str(x) for x in sec) + "]")
        toml.append("")

    # candidates for savoir and savoir-être skills, per occupation
    lines.append("")
    lines.append("######## savoirs et savoir-être des cibles de la table de correspondance")
    for o in occs:
        lines.append("")
        lines.append(f"== {o['id']}")
        se, sv = Counter(), Counter()
        for code, rel in targets[o["id"]]["rome"]:
            for r in rome[code]:
                if r["kind"] == "savoir-etre":
                    se[(r["code_ogr"], r["libelle"], rel)] += 1
                elif r["kind"] == "savoir" and r["categorie"] != "Certifications et habilitations":
                    sv[(r["code_ogr"], r["libelle"], r["coeur_metier"])] += 1
        for (code, lab, rel), k in sorted(se.items()):
            lines.append(f"   savoir-être {code} {lab} ({rel})")
        for (code, lab, cm), k in sorted(sv.items(), key=lambda x: (-x[1], x[0])):
            if k >= 2 or cm:
                lines.append(f"   savoir {code} {lab} ×{k} {cm}")
        for uri, rel, label in targets[o["id"]]["esco"]:
            for r in occ_skills[uri]:
                if r["skill_type"] == "knowledge" and r["relation"] == "essential":
                    lines.append(f"   esco {skills[r['skill_uri']]['preferred_label']} <{r['skill_uri']}> ({label[:30]}, {rel})")

    with open(os.path.join(args.out, "propositions.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    with open(os.path.join(args.out, "candidates.toml"), "w", encoding="utf-8") as f:
        f.write("\n".join(toml))
    multi = sum(1 for c in clusters if len({items[i]["occ"] for i in c}) > 1)
    print(f"{n} activités et sous-activités, {len(clusters)} groupes dont {multi} partagés par "
          f"2 métiers ou plus ; écrit {os.path.relpath(args.out, REPO)}/candidates.toml et propositions.txt")


if __name__ == "__main__":
    main()
