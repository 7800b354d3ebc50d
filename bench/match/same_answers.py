#!/usr/bin/env python3
"""Whether two binaries give the same answers, byte for byte, to every text of the evaluation
sets: the titles and ads of data/eval/dev.jsonl and pep-dev.jsonl, the titles and missions of
data/eval/public-it-posts.jsonl (texts with their line breaks, which `metiers match --input`
cannot carry). Each binary serves on its own port (`metiers serve --db aucune`, no match cache)
and gets every text as POST /api/v1/match with top 5; the script prints how many answers
differ, how many of them change the first occupation or « confident », and the first SHOWN
of them (5 by default; those that change the first occupation, then « confident », first).
Exit status 1 when any answer differs.

    python3 bench/match/same_answers.py OLD_BINARY NEW_BINARY [SHOWN]
"""
import hashlib
import http.client
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def texts():
    out = []
    for name in ("dev.jsonl", "pep-dev.jsonl"):
        with open(os.path.join(ROOT, "data", "eval", name), encoding="utf-8") as f:
            out += [json.loads(line)["text"] for line in f if line.strip()]
    with open(os.path.join(ROOT, "data", "eval", "public-it-posts.jsonl"), encoding="utf-8") as f:
        for line in f:
            if line.strip():
                post = json.loads(line)
                out += [post.get("title", ""), post.get("missions", "")]
    return [t[:50_000] for t in out if t.strip()]


def serve(binary, port, workdir):
    env = dict(os.environ, METIERS_LOG="warn", METIERS_MATCH_CACHE="0")
    proc = subprocess.Popen(
        [binary, "serve", "--addr", f"127.0.0.1:{port}", "--db", "aucune"],
        cwd=workdir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    for _ in range(200):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/healthz")
            if c.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    sys.exit(f"{binary} ne répond pas sur le port {port}")


def answers(port, items):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    out = []
    for t in items:
        c.request("POST", "/api/v1/match", body=json.dumps({"text": t, "top": 5}),
                  headers={"Content-Type": "application/json"})
        out.append(c.getresponse().read())
    return out


def main():
    if len(sys.argv) not in (3, 4) or (len(sys.argv) == 4 and not sys.argv[3].isdigit()):
        sys.exit("usage : python3 bench/match/same_answers.py ANCIEN_BINAIRE NOUVEAU_BINAIRE [NOMBRE_MONTRÉ]")
    shown_max = int(sys.argv[3]) if len(sys.argv) == 4 else 5
    items = texts()
    results = []
    with tempfile.TemporaryDirectory() as work:
        for i, binary in enumerate(sys.argv[1:3]):
            proc = serve(os.path.abspath(binary), 18_620 + i, work)
            try:
                results.append(answers(18_620 + i, items))
            finally:
                proc.kill()
                proc.wait()
    old, new = results
    digest = [hashlib.md5(b"".join(r)).hexdigest() for r in results]
    differ = [i for i, (a, b) in enumerate(zip(old, new)) if a != b]
    lines = sum("\n" in t for t in items)
    print(f"{len(items)} textes ({lines} avec des sauts de ligne) ; md5 {digest[0]} / {digest[1]} ; "
          f"{len(differ)} réponse(s) différente(s)")
    # What a user sees first: the first occupation and whether the answer is confident.
    def head(raw):
        d = json.loads(raw)
        return ((d["matches"][0]["id"] if d["matches"] else None), d["confident"])
    first = [i for i in differ if head(old[i])[0] != head(new[i])[0]]
    sure = [i for i in differ if head(old[i])[1] != head(new[i])[1]]
    if differ:
        print(f"dont {len(first)} avec un autre premier métier et {len(sure)} dont « sûr » change")
    shown = list(dict.fromkeys(first + sure + differ))  # in that order, each once
    for i in shown[:shown_max]:
        print(f"  « {items[i][:70]} » : {head(old[i])} → {head(new[i])}")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
