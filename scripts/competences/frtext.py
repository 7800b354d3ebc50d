"""French text analysis shared by the scripts of scripts/competences/ (standard library only).

- `fold`: lowercase, accents stripped, œ/æ spelt out;
- `tokens`: acronyms of the trade spelt out, fixed expressions joined into one word, stopwords
  dropped, a documented table of general synonyms of the trade folded, a crude French suffix
  stemmer (one suffix removed, the stem keeping at least 4 letters);
- `leading_verb`: the verb that leads an activity (after the openings « Le cas échéant, »,
  « Lors de … : », « En régime de croisière : »…), in its folded infinitive form when the text
  gives a conjugated or gerund form.

The tables are general words of the field, not tuned to any item of an evaluation set.
"""

import re
import unicodedata

STOP = set("""
a au aux avec ce ces cet cette dans de des du elle elles en et etc eux il ils je la le les leur
leurs lui ma mais me meme mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses
son sur ta te tes toi ton tu un une vos votre vous y d l s n c j m t est sont etre avoir ete
afin ainsi aupres autre autres chaque dont entre lors plus selon sous tant tel telle tels tout
toute toutes tous vers via cas non si ni car bien fait faire peut peuvent doit doivent aussi
celle celles celui ceux lesquels laquelle lequel notamment egalement echeant eventuel eventuels
eventuelle eventuelles different differents differente differentes ensemble permanent
permanente charge ayant ci dessus sein cadre terme termes matiere niveau mise
participer participant contribuer realiser effectuer assurer proceder responsable
responsabilite concernant concernes concerne
""".split())

# Acronyms of the trade (as in scripts/repertoires/propose.py), spelt out before folding.
ACRONYMS = {
    "SIC": "systèmes d'information et de communication", "SI": "système d'information",
    "SIRH": "système d'information ressources humaines", "DSI": "direction des systèmes d'information",
    "IHM": "interface homme machine ergonomie", "MOA": "maîtrise d'ouvrage",
    "AMOA": "assistance maîtrise d'ouvrage", "MOE": "maîtrise d'œuvre",
    "RSSI": "responsable sécurité des systèmes d'information",
    "SSI": "sécurité des systèmes d'information", "ToIP": "téléphonie sur IP",
    "IT": "informatique", "SGBD": "système de gestion de bases de données",
    "SLA": "contrat de service", "KM": "gestion des connaissances", "FAQ": "foire aux questions",
    "SIEM": "supervision de la sécurité", "MCO": "maintien en condition opérationnelle",
    "DG": "direction générale", "ANSSI": "agence nationale de la sécurité des systèmes d'information",
}
ACRONYM_RE = re.compile(r"\b(" + "|".join(sorted(ACRONYMS, key=len, reverse=True)) + r")\b")

# Fixed expressions of the trade, joined into one word (matched on folded text, singular or
# plural): a « tableau de bord » is not a « tableau » nor a « bord ».
PHRASES = [
    (r"tableaux? de bord", "tableaudebord"),
    (r"plans? de charges?", "plandecharge"),
    (r"cahiers? des charges", "cahierdescharges"),
    (r"(?:contrats?|conventions?|engagements?|niveaux?) de services?", "contratdeservice"),
    (r"qualite de services?", "qualitedeservice"),
    (r"offres? de services?", "offredeservice"),
    (r"schemas? directeurs?", "schemadirecteur"),
    (r"mises? en production", "miseenproduction"),
    (r"mises? en exploitation", "miseenproduction"),
    (r"mises? en oeuvre", "miseenoeuvre"),
    (r"mettre en oeuvre", "miseenoeuvre"),
    (r"mettre en place", "miseenoeuvre"),
    (r"mises? en place", "miseenoeuvre"),
    (r"bases? de (?:donnees|connaissances?)", "basededonnees"),
    (r"jeux? de donnees", "jeudedonnees"),
    (r"jeux? d'essais?", "jeudessai"),
    (r"veilles? (?:technologiques?|techniques?)", "veille"),
    (r"maitrise d'ouvrage", "moa"),
    (r"maitre d'ouvrage", "moa"),
    (r"maitrise d'oeuvre", "moe"),
    (r"maitre d'oeuvre", "moe"),
    (r"conduite du changement", "changement"),
    (r"accompagnement du changement", "changement"),
    (r"moteurs? de recherche", "moteurderecherche"),
    (r"appels? d'offres", "appeldoffres"),
    (r"plans? de secours", "plandesecours"),
    (r"plans? de tests?", "plandetest"),
    (r"tests? unitaires?", "testunitaire"),
    (r"charte graphique", "chartegraphique"),
    (r"charte editoriale", "charteeditoriale"),
    (r"postes? de travail", "postedetravail"),
    (r"directions? metiers?", "metier"),
    (r"directions? generales?", "directiongenerale"),
    (r"gouvernance des donnees", "gouvernancedonnees"),
    (r"investigations? numeriques?", "investigationnumerique"),
    (r"lettres? d'information", "newsletter"),
    (r"foire aux questions", "faq"),
    (r"assurance (?:de )?qualite", "assurancequalite"),
    (r"gestion financiere", "budget"),
    (r"procedures? budgetaires?", "budget"),
]
PHRASE_RES = [(re.compile(r"\b" + p + r"\b"), w) for p, w in PHRASES]

# General synonyms of the trade, folded to one word (each line: the words, then the word they
# fold to). Only words that the field uses interchangeably whatever the occupation.
SYNONYMS_TABLE = """
internaute internautes usager usagers : utilisateurs
dysfonctionnement dysfonctionnements bogue bogues bug bugs : anomalies
prestataire prestataires sous-traitant sous-traitants soustraitant soustraitants : fournisseurs
sous-traitance soustraitance externalisation : fournisseurs
progiciel progiciels : logiciels
newsletters newsletter : newsletter
surveillance supervision surveiller : supervision
prototypage prototyper prototypes prototype : prototype
recettes recette : recette
parangonner : concurrents
""".strip()
SYNONYMS = {}
for _line in SYNONYMS_TABLE.splitlines():
    _words, _to = _line.split(":")
    for _w in _words.split():
        SYNONYMS[_w] = _to.strip()

SUFFIXES = sorted("""
issements issement ications ication atrices ateurs atrice ateur ations ation ements ement
ments ment euses euse eurs eur ices ice ives ive ifs if iques ique istes iste ites ite ances
ance ences ence ions ion ales ale aux al elles elle ees ee es e s x er ir ant ants
""".split(), key=len, reverse=True)


def fold(s):
    s = s.replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae").replace("’", "'")
    s = unicodedata.normalize("NFKD", s.lower())
    return "".join(c for c in s if not unicodedata.combining(c))


def stem(w):
    for suf in SUFFIXES:
        if w.endswith(suf) and len(w) - len(suf) >= 4:
            return w[: -len(suf)]
    return w


def normalise(text):
    """Folded text with acronyms spelt out and fixed expressions joined."""
    text = ACRONYM_RE.sub(lambda m: ACRONYMS[m.group(1)], text)
    text = fold(text)
    for rx, w in PHRASE_RES:
        text = rx.sub(w, text)
    return text


def words(text):
    """Content words (folded, synonyms applied, not stemmed) in order."""
    out = []
    for word in re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*", normalise(text)):
        word = SYNONYMS.get(word, word)
        parts = word.split("-")
        ws = ["".join(parts)] if len(parts) > 1 else parts
        for w in ws:
            w = SYNONYMS.get(w, w)
            if w in STOP or len(w) < 2:
                continue
            out.append(w)
    return out


def tokens(text):
    return [stem(w) for w in words(text)]


# ----------------------------------------------------------------------------- leading verb

# Openings that precede the verb of an activity and say nothing of what is done.
OPENINGS = [
    r"le cas echeant,?", r"lors de [^:;]*:", r"en regime de croisiere\s*:", r"pour tout [^,]*,",
    r"a l'ecoute des metiers,?", r"suivant [^,]*,", r"en coherence avec [^,]*,",
]
OPENING_RE = re.compile(r"^\s*(?:" + "|".join(OPENINGS) + r")\s*")

# Conjugated or participle forms that the fiches use instead of the infinitive.
FORMS = {
    "organise": "organiser", "represente": "representer", "optimise": "optimiser",
    "supervise": "superviser", "maintient": "maintenir", "administre": "administrer",
    "trouve": "trouver", "concoit": "concevoir", "restitue": "restituer",
    "en proposant": "proposer", "en participant": "participer",
    "en charge de": "en charge de", "responsable de": "etre responsable",
    "responsable du": "etre responsable", "responsable des": "etre responsable",
    "a l'ecoute": "ecouter",
    "mettre en oeuvre": "mettre en oeuvre", "mettre en place": "mettre en place",
    "mettre a jour": "mettre a jour", "mettre en forme": "mettre en forme",
    "mettre des demandes": "formuler", "prendre en charge": "prendre en charge",
    "prendre en compte": "prendre en compte", "faire le choix": "choisir",
    "faire des etudes": "etudier", "faire circuler": "diffuser",
}


def leading_verb(text):
    """The leading verb of an activity, folded, in the infinitive (« etre responsable », « en
    charge de » and « se charger » are kept as such); empty when the text has no verb."""
    t = fold(text).strip()
    t = OPENING_RE.sub("", t)
    for form, verb in FORMS.items():
        if t.startswith(form + " ") or t == form:
            return verb
    m = re.match(r"(?:(ne|n') )?(s'|se )?([a-z]+)(?:\s+(responsable|force|l'interface|"
                 r"l'interlocuteur|de))?", t)
    if not m:
        return ""
    w = m.group(3)
    if w == "etre" and m.group(4):
        return "etre " + m.group(4).replace("l'", "")
    if m.group(2):
        return "s'" + w if w[0] in "aeiouy" else "se " + w
    return w
