#!/usr/bin/env python3
"""Words of the evaluation texts that the French stemmer reads as a word of the fiches of
another family: the candidates for `KEPT_WHOLE` (crates/search/src/analysis.rs), like
« établissement » read as « établir » or « format » as « formation ».

For each Snowball stem shared by a word of the fiches or the vocabulary
(data/referentiel-sic.txt, data/vocabulaire.toml) and a word of the 1,240 texts of
data/eval/ (dev, pep-dev, public-it-posts; at least MIN occurrences, default 3) that the
fiches do not write, prints the stem, the fiches' words, the texts' words and how often the
texts write them. Only the stems whose words differ in length by 3 letters or more are
printed unless --all is given: most shared stems are inflections of one word. A person
reads the list; the script decides nothing.

Uses the Python Snowball stemmer (the algorithm of the engine's tantivy stemmer), without
the engine's own rewrites (feminine to masculine, agent nouns, words kept whole): run it on
a checkout, read the pairs, and check a candidate with `metiers match --format json WORD`.

    pip install snowballstemmer
    python3 bench/match/shared_stems.py [--all] [MIN]
"""
import collections
import json
import os
import re
import sys
import unicodedata

try:
    import snowballstemmer
except ImportError:
    sys.exit("snowballstemmer manquant : pip install snowballstemmer")

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
WORD = re.compile(r"[A-Za-zÀ-ÿœ]+")


def fold(word):
    return "".join(
        c for c in unicodedata.normalize("NFD", word.lower()) if unicodedata.category(c) != "Mn"
    )


def main():
    args = [a for a in sys.argv[1:] if a != "--all"]
    show_all = "--all" in sys.argv[1:]
    least = int(args[0]) if args else 3
    stem = snowballstemmer.stemmer("french").stemWord
    with open(os.path.join(ROOT, "data", "referentiel-sic.txt"), encoding="utf-8") as f:
        fiches = f.read()
    with open(os.path.join(ROOT, "data", "vocabulaire.toml"), encoding="utf-8") as f:
        fiches += "\n" + f.read()
    texts = []
    for name in ("dev", "pep-dev", "public-it-posts"):
        with open(os.path.join(ROOT, "data", "eval", f"{name}.jsonl"), encoding="utf-8") as f:
            for line in f:
                item = json.loads(line)
                texts.append(" ".join(str(item.get(k, "")) for k in ("text", "title", "missions")))
    in_fiches = collections.Counter(w.lower() for w in WORD.findall(fiches) if len(w) >= 4)
    in_texts = collections.Counter(
        w.lower() for t in texts for w in WORD.findall(t) if len(w) >= 4
    )
    by_stem = collections.defaultdict(set)
    for w in set(in_fiches) | set(in_texts):
        by_stem[stem(fold(w))].add(w)
    for s, words in sorted(by_stem.items()):
        theirs = sorted(w for w in words if w in in_fiches)
        ours = sorted(
            (w for w in words if w not in in_fiches and in_texts[w] >= least),
            key=lambda w: -in_texts[w],
        )
        if not theirs or not ours:
            continue
        apart = any(min(abs(len(o) - len(t)) for t in theirs) >= 3 for o in ours)
        if show_all or apart:
            print(f"{s} | fiches : {', '.join(theirs[:6])} | textes : {', '.join(ours[:6])} "
                  f"({sum(in_texts[w] for w in ours)})")


if __name__ == "__main__":
    main()
