#!/usr/bin/env python3
"""Start-up of the CLI and of the server, binaries alternated (docs/PERFORMANCE.md).

    python3 bench/match/startup.py OLD_BIN [NEW_BIN ...] [--runs 21] [--port 18610]

For each binary, alternating so that a shared machine's drift touches all alike:
- `metiers match "administrateur réseaux" --format json`, whole process, wall time;
- `metiers serve --db aucune` until its first `/healthz` answers, then its resident memory
  (VmRSS) 0.3 s later, at rest.
Prints the median, min and max of each. Needs only Python 3 and the binaries.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request


def match_ms(binary):
    t = time.perf_counter()
    subprocess.run(
        [binary, "match", "administrateur réseaux", "--format", "json"],
        stdout=subprocess.DEVNULL,
        check=True,
    )
    return (time.perf_counter() - t) * 1000


def serve_ms_and_rss(binary, port):
    with tempfile.TemporaryDirectory() as work:
        return serve_in(binary, port, work)


def serve_in(binary, port, work):
    env = dict(os.environ, METIERS_LOG="warn")
    t = time.perf_counter()
    p = subprocess.Popen(
        [binary, "serve", "--addr", f"127.0.0.1:{port}", "--db", "aucune"],
        cwd=work,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        while True:
            if p.poll() is not None:
                sys.exit(f"{binary} serve s’est arrêté (code {p.returncode}) : port {port} déjà pris ?")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
                break
            except OSError:
                time.sleep(0.002)
        ready = (time.perf_counter() - t) * 1000
        time.sleep(0.3)
        with open(f"/proc/{p.pid}/status") as f:
            rss = next(int(line.split()[1]) for line in f if line.startswith("VmRSS")) / 1024
        return ready, rss
    finally:
        p.terminate()
        p.wait()


def summary(values, unit):
    return f"médiane {statistics.median(values):.1f} {unit} ({min(values):.1f} – {max(values):.1f})"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("binaries", nargs="+", help="binaires metiers à comparer")
    ap.add_argument("--runs", type=int, default=21, help="exécutions de `metiers match` par binaire")
    ap.add_argument("--serves", type=int, default=7, help="démarrages du serveur par binaire")
    ap.add_argument("--port", type=int, default=18610)
    args = ap.parse_args()
    match = {b: [] for b in args.binaries}
    ready = {b: [] for b in args.binaries}
    rss = {b: [] for b in args.binaries}
    for _ in range(args.runs):
        for b in args.binaries:
            match[b].append(match_ms(b))
    for _ in range(args.serves):
        for b in args.binaries:
            r, m = serve_ms_and_rss(b, args.port)
            ready[b].append(r)
            rss[b].append(m)
    for b in args.binaries:
        print(f"{b}")
        print(f"  metiers match entier ({args.runs}) : {summary(match[b], 'ms')}")
        print(f"  serve prêt ({args.serves}) : {summary(ready[b], 'ms')}")
        print(f"  RSS au repos : {summary(rss[b], 'Mio')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
