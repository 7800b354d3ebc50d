#!/usr/bin/env python3
"""Candidate ROME fiches and ESCO occupations for each occupation of the référentiel SIC.

    python3 scripts/repertoires/propose.py [SRC] > target/propositions.txt

SRC (default /work/shared/data) holds rome-v460/ and esco-v1.1.1/ (the full releases, so that
every ROME fiche and ESCO occupation is a candidate, not only the vendored slices). The
référentiel is data/referentiel-sic.txt, cut into fiches at the titles of data/identifiants.toml.

Texts compared (French normalisation: lowercase, accents stripped, stopwords dropped, a crude
French suffix stemmer; TF-IDF weights, cosine similarity, IDF per repertory):
- occupation: title and other titles (« titles » field) + the whole fiche (title, other
  titles, education, activities, and the words of the référentiel's domain, « informatique
  TIC systèmes d'information », that titles such as « Superviseur d'exploitation » leave
  unsaid) (« full » field);
- ROME fiche: libellé + appellations (titles) + definition + savoir-faire and savoirs of the
  fiche (full);
- ESCO occupation: preferred + alternative labels (titles) + description (full).
score = 0.4 × cosine(titles, titles) + 0.6 × cosine(full, full).

Prints, per occupation in the order of identifiants.toml, the top 10 ROME and top 10 ESCO
candidates with their scores. Deterministic (ties broken by code / URI). Standard library only.
"""

import csv
import math
import os
import re
import sys
import tomllib
import unicodedata
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
TOP = 10
W_TITLES, W_FULL = 0.4, 0.6

STOP = set("""
a au aux avec ce ces cet cette dans de des du elle elles en et etc eux il ils je la le les leur
leurs lui ma mais me meme mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses
son sur ta te tes toi ton tu un une vos votre vous y d l s n c j m t qu est sont etre avoir ete
afin ainsi aupres autre autres chaque dont entre lors plus selon sous tant tel telle tels tout
toute toutes tous vers via cas non si ni car bien fait faire peut peuvent doit doivent aussi
ils elles celle celles celui ceux leurs lesquels laquelle lequel notamment egalement
""".split())

SUFFIXES = sorted("""
issements issement ications ication atrices ateurs atrice ateur ations ation ements ement
ments ment euses euse eurs eur ices ice ives ive ifs if iques ique istes iste ites ite ances
ance ences ence ions ion ales ale aux al elles elle ees ee es e s x
""".split(), key=len, reverse=True)


def fold(s):
    s = unicodedata.normalize("NFKD", s.lower())
    s = "".join(c for c in s if not unicodedata.combining(c))
    return s.replace("œ", "oe").replace("æ", "ae")


def stem(w):
    for suf in SUFFIXES:
        if w.endswith(suf) and len(w) - len(suf) >= 4:
            return w[: -len(suf)]
    return w


# Acronyms of the trade (NOTES-domain.md), spelt out before folding: « SI » would otherwise
# vanish as the stopword « si ».
ACRONYMS = {
    "SIC": "systèmes d'information et de communication", "SI": "systèmes d'information",
    "SIRH": "systèmes d'information ressources humaines", "DSI": "direction des systèmes d'information",
    "DSIN": "direction des systèmes d'information", "IHM": "interface homme machine ergonomie",
    "MOA": "maîtrise d'ouvrage", "AMOA": "assistance maîtrise d'ouvrage", "MOE": "maîtrise d'œuvre",
    "RSSI": "responsable sécurité des systèmes d'information", "SSI": "sécurité des systèmes d'information",
    "TOIP": "téléphonie sur IP", "ToIP": "téléphonie sur IP", "IT": "informatique",
    "SGBD": "système de gestion de bases de données", "SLA": "contrat de service",
}
ACRONYM_RE = re.compile(r"\b(" + "|".join(sorted(ACRONYMS, key=len, reverse=True)) + r")\b")


def tokens(text):
    text = ACRONYM_RE.sub(lambda m: ACRONYMS[m.group(1)], text)
    out = []
    for word in re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*", fold(text)):
        parts = word.split("-")
        if len(parts) > 1:
            # a compound gives its joined form and its parts of 4+ letters: « back-end » is
            # « backend » and « back », never « end » (the END of « CND END »)
            ws = ["".join(parts)] + [w for w in parts if len(w) >= 4]
        else:
            ws = parts
        for w in ws:
            if w in STOP or len(w) < 2:
                continue
            out.append(stem(w))
    return out


# ------------------------------------------------------------------------------- référentiel

def occupations(repo):
    with open(os.path.join(repo, "data", "identifiants.toml"), "rb") as f:
        ids = tomllib.load(f)["occupation"]
    with open(os.path.join(repo, "data", "referentiel-sic.txt"), encoding="utf-8") as f:
        text = f.read()
    starts, pos = [], 0
    for o in ids:
        title = o["titles"][-1]
        # a fiche starts at a line that begins with its title (the text sometimes glues the
        # first heading to the title: « Analyste en détection d'intrusionsANALYSE DE RISQUES »)
        m = re.compile(r"(?m)^" + re.escape(title)).search(text, pos)
        if not m:
            sys.exit(f"title not found in the référentiel: {title!r}")
        starts.append(m.start())
        pos = m.end()
    out = []
    for i, o in enumerate(ids):
        end = starts[i + 1] if i + 1 < len(ids) else len(text)
        block = text[starts[i]:end]
        lines = [l.strip() for l in block.split("\n") if l.strip()]
        title = o["titles"][-1]
        # other titles: the first non-empty line after the title when it is not education
        # (Bac…) nor a heading in capitals nor a bullet
        other = []
        for line in lines[1:3]:
            if re.search(r"(?i)\bbac\b", line) or line.startswith("•") or len(line) > 200 \
                    or re.fullmatch(r"[A-ZÉÈÊÀÂÔÎÛÇ ,’'/&–-]+:?", line):
                break
            other.append(line)
        other = " ; ".join(other)
        out.append({"id": o["id"], "title": title, "other": other, "text": block})
    return out


# --------------------------------------------------------------------------------- corpora

def read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def rome_docs(src):
    d = os.path.join(src, "rome-v460")
    fiches = read_csv(os.path.join(d, "referentiel_code_rome.csv"))
    apps = {}
    for r in read_csv(os.path.join(d, "referentiel_appellation.csv")):
        apps.setdefault(r["code_rome"], []).append(r["libelle_appellation_court"])
    defs = {}
    for r in read_csv(os.path.join(d, "texte.csv")):
        if r["libelle_type_texte"] == "definition":
            defs.setdefault(r["code_rome"], []).append(r["libelle_texte"].replace("''", "'"))
    labels = {r["code_ogr"]: r["libelle"] for r in read_csv(os.path.join(d, "item.csv"))}
    comps = {}
    for r in read_csv(os.path.join(d, "liens_rome_referentiels.csv")):
        if r["code_compo_bloc"] == "5" and r["code_rubrique"] in ("1", "3"):
            comps.setdefault(r["code_rome"], []).append(labels[r["code_ogr"]])
    docs = []
    for f in sorted(fiches, key=lambda r: r["code_rome"]):
        c = f["code_rome"]
        titles = " ".join([f["libelle_rome"]] * 2 + apps.get(c, []))
        full = " ".join([titles] + defs.get(c, []) + comps.get(c, []))
        docs.append({"key": c, "label": f["libelle_rome"], "titles": titles, "full": full})
    return docs


def esco_docs(src):
    d = os.path.join(src, "esco-v1.1.1")
    docs = []
    for r in sorted(read_csv(os.path.join(d, "occupations_fr.csv")), key=lambda r: r["conceptUri"]):
        titles = " ".join([r["preferredLabel"]] * 2 + r["altLabels"].split("\n"))
        docs.append({"key": r["conceptUri"], "label": r["preferredLabel"].strip(),
                     "extra": r["code"], "titles": titles,
                     "full": titles + " " + r["description"]})
    return docs


# ----------------------------------------------------------------------------------- tf-idf

class Space:
    def __init__(self, texts):
        self.n = len(texts)
        df = Counter()
        for t in texts:
            df.update(set(tokens(t)))
        self.idf = {w: math.log((1 + self.n) / (1 + k)) + 1 for w, k in df.items()}

    def vec(self, text):
        tf = Counter(tokens(text))
        v = {w: (1 + math.log(k)) * self.idf.get(w, math.log(1 + self.n) + 1) for w, k in tf.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        return {w: x / norm for w, x in v.items()}


def cos(a, b):
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b.get(w, 0.0) for w, x in a.items())


# Every fiche of the référentiel is an IT occupation, which its title often leaves unsaid
# (« Superviseur d'exploitation », « Responsable d'entité »): the domain is added to its full text.
DOMAIN = "informatique TIC systèmes d'information"


def rank(occs, docs):
    occ_titles = [o["title"] + " " + o["other"] for o in occs]
    occ_full = [o["title"] + " " + o["title"] + " " + o["text"] + " " + DOMAIN for o in occs]
    st = Space([d["titles"] for d in docs] + occ_titles)
    sf = Space([d["full"] for d in docs] + occ_full)
    dv = [(st.vec(d["titles"]), sf.vec(d["full"])) for d in docs]
    result = []
    for ot, of in zip(occ_titles, occ_full):
        vt, vf = st.vec(ot), sf.vec(of)
        scored = []
        for d, (t, f) in zip(docs, dv):
            s = W_TITLES * cos(vt, t) + W_FULL * cos(vf, f)
            scored.append((-round(s, 6), d["key"], d, s))
        scored.sort(key=lambda x: (x[0], x[1]))
        result.append([(x[2], x[3]) for x in scored[:TOP]])
    return result


def main(argv):
    src = argv[1] if len(argv) > 1 else "/work/shared/data"
    if not os.path.isdir(os.path.join(src, "rome-v460")):
        sys.exit(f"{src} : les publications complètes de ROME 4.0 v460 et ESCO v1.1.1 (dossiers "
                 "rome-v460/ et esco-v1.1.1/, provenance dans data/README.md) sont attendues ici ; "
                 "donnez leur dossier en argument")
    occs = occupations(REPO)
    rome = rank(occs, rome_docs(src))
    esco = rank(occs, esco_docs(src))
    print(f"# propositions — scripts/repertoires/propose.py, sources {src} "
          f"(ROME 4.0 v460, ESCO v1.1.1 fr); score = {W_TITLES} cos(titres) + {W_FULL} cos(texte)")
    for o, r, e in zip(occs, rome, esco):
        print()
        print(f"== {o['id']} — {o['title']}" + (f" ({o['other']})" if o["other"] else ""))
        for i, (d, s) in enumerate(r, 1):
            print(f"  ROME {i:2d} {s:.3f} {d['key']} {d['label']}")
        for i, (d, s) in enumerate(e, 1):
            print(f"  ESCO {i:2d} {s:.3f} {d['key']} {d['extra']} {d['label']}")


if __name__ == "__main__":
    main(sys.argv)
